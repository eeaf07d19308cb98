#include <catch2/catch.hpp>

#include <random>

#include "base/json_text.h"
#include "base/json_writer.h"
#include "base/utf8.h"

using namespace kefu;

TEST_CASE("parseJsonText reports invalid JSON as a value, not a crash") {
  auto result = parseJsonText("{\"faqs\": [", JsonLimits{1024, 8}, "kb");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "kb_invalid_json");
}

TEST_CASE("parseJsonText enforces the byte limit before parsing") {
  auto result = parseJsonText(std::string(2000, ' '), JsonLimits{1000, 8}, "frame");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "frame_too_large");
}

TEST_CASE("parseJsonText rejects nesting deeper than the limit") {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  auto result = parseJsonText(deep, JsonLimits{1024, 32}, "frame");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == "frame_too_deep");
  CHECK(parseJsonText(std::string(32, '[') + std::string(32, ']'), JsonLimits{1024, 32}, "frame").ok());
}

TEST_CASE("toJsonText replaces invalid UTF-8 instead of aborting") {
  const std::string dumped = toJsonText(Json{{"text", std::string("ok\xFF")}});
  CHECK(dumped.find("ok") != std::string::npos);
  CHECK(dumped.find('\xFF') == std::string::npos);
}

TEST_CASE("appendJsonString writes what nlohmann writes, each malformed byte as U+FFFD") {
  std::mt19937 random(7);
  const std::string pieces[] = {"a", "\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "中", "😀", "\xef\xbf\xbd", "\xff", "\xe4\xb8", "\xc0\xaf", "/"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i) text += pieces[random() % (sizeof pieces / sizeof pieces[0])];
    std::string written = "prefix";
    appendJsonString(written, text);
    INFO(text);
    // nlohmann replaces a malformed sequence as a whole; the core's policy (base/utf8.h)
    // is one U+FFFD per malformed byte, so the expected text is repaired that way first.
    REQUIRE(written == "prefix" + Json(utf8::encode(utf8::decode(text))).dump());
  }
}
