#include <catch2/catch.hpp>

#include "core/json_text.h"

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
