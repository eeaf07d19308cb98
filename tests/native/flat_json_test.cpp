#include <catch2/catch.hpp>

#include "base/flat_json.h"
#include "fixtures.h"
#include "protocol/frame.h"

using namespace kefu;
using namespace kefu::protocol;

TEST_CASE("a flat object reads strings, whole numbers, booleans and null as the general parser does") {
  FlatObject object;
  REQUIRE(object.parse(R"( { "type" : "msg", "seq":9007199254740991, "on":true, "off":false, "none":null,
                             "esc":"a\"b\\c\/d\n\u4e2d", "zh":"中文", "empty":"" } )"));
  CHECK(*object.string("type") == "msg");
  CHECK(object.number("seq") == 9007199254740991);
  CHECK(object.find("on")->boolean);
  CHECK_FALSE(object.find("off")->boolean);
  CHECK(object.find("none")->kind == FlatObject::Kind::null);
  CHECK(*object.string("esc") == "a\"b\\c/d\n中");
  CHECK(*object.string("zh") == "中文");
  CHECK(object.string("empty")->empty());
  CHECK(object.string("seq") == nullptr);
  CHECK(object.number("missing", -1) == -1);
  CHECK(object.parse("{}"));
  CHECK(object.fields().empty());
}

TEST_CASE("anything a flat object cannot read exactly is left to the general parser") {
  FlatObject object;
  for (const char* text : {
           R"({"a":{"b":1}})",                  // nested
           R"({"a":[1]})",                      // array
           R"({"a":1.5})", R"({"a":1e3})",      // not whole
           R"({"a":-1})",                       // signed
           R"({"a":9007199254740992})",         // above 2^53
           R"({"a":01})",                       // not JSON
           R"({"a":1,"a":2})",                  // duplicate key
           R"({"a":"\ud83d\ude00"})",           // surrogate pair
           "{\"a\":\"\xff\"}",                  // invalid UTF-8
           "{\"a\":\"\x01\"}",                  // raw control character
           R"({"a":"x")", R"({"a":1,})", R"({"a":1} x)", R"(["a"])", R"({"a":tru})", R"({a:1})", "",
       }) {
    INFO(text);
    CHECK_FALSE(object.parse(text));
  }
}

TEST_CASE("the flat frame check accepts exactly the example frames the full validator accepts") {
  const Json fixtures = Json::parse(readRepoFile("shared/protocol/fixtures.json"));
  FlatObject object;
  int checkedFlat = 0;
  auto agree = [&](const std::string& text, Direction direction) {
    INFO(text);
    if (!object.parse(text)) return;
    ++checkedFlat;
    CHECK(isValidFlatFrame(object, direction, ProtocolLimits{}) == parseFrame(text, direction, ProtocolLimits{}).ok());
  };
  for (const auto& fixture : fixtures["valid"]) {
    const Direction direction = fixture["direction"] == "toServer" ? Direction::toServer : Direction::toClient;
    agree(toJsonText(fixture["frame"]), direction);
    // The same frame in the other direction, or with a field broken, must be rejected by both.
    agree(toJsonText(fixture["frame"]), direction == Direction::toServer ? Direction::toClient : Direction::toServer);
    for (auto it = fixture["frame"].begin(); it != fixture["frame"].end(); ++it) {
      Json broken = fixture["frame"];
      broken[it.key()] = it->is_string() ? Json(7) : Json("x");
      agree(toJsonText(broken), direction);
      broken.erase(it.key());
      agree(toJsonText(broken), direction);
    }
  }
  for (const auto& fixture : fixtures["invalid"]) {
    agree(fixture["text"].get<std::string>(), fixture["direction"] == "toServer" ? Direction::toServer : Direction::toClient);
  }
  ProtocolLimits strict;
  strict.maxTextChars = 3;
  object.parse(R"({"type":"msg","seq":1,"serverId":"s","author":"agent","text":"中文字","time":1})");
  CHECK(isValidFlatFrame(object, Direction::toClient, strict));
  object.parse(R"({"type":"msg","seq":1,"serverId":"s","author":"agent","text":"中文字!","time":1})");
  CHECK_FALSE(isValidFlatFrame(object, Direction::toClient, strict));
  CHECK(checkedFlat > 50);
}
