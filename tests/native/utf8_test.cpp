#include <catch2/catch.hpp>

#include "base/utf8.h"

using namespace kefu;

TEST_CASE("utf8 decodes mixed scripts and round-trips them") {
  const std::string text = "退款 refund 😀";
  const auto codePoints = utf8::decode(text);
  REQUIRE(codePoints.size() == 11);
  CHECK(codePoints[0] == U'退');
  CHECK(codePoints[10] == U'😀');
  CHECK(utf8::encode(codePoints) == text);
  CHECK(utf8::length(text) == 11);
}

TEST_CASE("utf8 turns every malformed byte into one replacement character") {
  CHECK(utf8::decode("\xFF") == std::vector<char32_t>{utf8::kReplacement});
  CHECK(utf8::decode("a\xE9") == std::vector<char32_t>{U'a', utf8::kReplacement});            // truncated
  CHECK(utf8::decode("\xC0\xAF") == std::vector<char32_t>{utf8::kReplacement, utf8::kReplacement});  // overlong
  CHECK(utf8::decode("\xED\xA0\x80").front() == utf8::kReplacement);                           // surrogate
}
