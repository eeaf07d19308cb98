#include <catch2/catch.hpp>

#include "fixtures.h"
#include "protocol/frame.h"

using namespace kefu;
using namespace kefu::protocol;

namespace {
Direction directionOf(const Json& fixture) {
  return fixture["direction"] == "toServer" ? Direction::toServer : Direction::toClient;
}
const Json& protocolFixtures() {
  static const Json fixtures = Json::parse(readRepoFile("shared/protocol/fixtures.json"));
  return fixtures;
}
}  // namespace

TEST_CASE("every valid example frame in shared/protocol parses in its direction") {
  for (const auto& fixture : protocolFixtures()["valid"]) {
    INFO(fixture["name"].get<std::string>());
    auto parsed = parseFrame(toJsonText(fixture["frame"]), directionOf(fixture), ProtocolLimits{});
    CHECK(parsed.ok());
    if (!parsed.ok()) WARN(parsed.error().message);
  }
}

TEST_CASE("every invalid example frame is rejected with its documented code") {
  for (const auto& fixture : protocolFixtures()["invalid"]) {
    INFO(fixture["name"].get<std::string>());
    auto parsed = parseFrame(fixture["text"].get<std::string>(), directionOf(fixture), ProtocolLimits{});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == fixture["error"].get<std::string>());
  }
}

TEST_CASE("frames over 64 KiB are rejected before parsing") {
  const std::string text = R"({"type":"message","cmid":"c","cseq":1,"clientTime":1,"text":")" + std::string(70000, 'a') + "\"}";
  CHECK(parseFrame(text, Direction::toServer, ProtocolLimits{}).error().code == "frame_too_large");
}

TEST_CASE("text is limited in characters, not bytes, and the limit is configurable") {
  const auto message = [](const std::string& text) {
    return toJsonText(Json{{"type", "message"}, {"cmid", "c"}, {"cseq", 1}, {"clientTime", 1}, {"text", text}});
  };
  std::string chinese;
  for (int i = 0; i < 4000; ++i) chinese += "字";  // 12,000 bytes, 4,000 characters
  CHECK(parseFrame(message(chinese), Direction::toServer, ProtocolLimits{}).ok());
  CHECK_FALSE(parseFrame(message(chinese + "字"), Direction::toServer, ProtocolLimits{}).ok());
  ProtocolLimits strict;
  strict.maxTextChars = 10;
  CHECK(parseFrame(message("0123456789a"), Direction::toServer, strict).error().message.find("text") == 0);
}

TEST_CASE("an error names the offending field") {
  auto parsed = parseFrame(R"({"type":"msg","seq":1,"serverId":"x","author":"agent","text":"hi","time":"now"})",
                           Direction::toClient, ProtocolLimits{});
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message.find("time:") == 0);
  auto nested = parseFrame(R"({"type":"resync","lastSeq":1,"more":false,"messages":[{"seq":1,"serverId":"x","author":"agent","time":1}]})",
                           Direction::toClient, ProtocolLimits{});
  CHECK(nested.error().message.find("messages[0].text") == 0);
}

TEST_CASE("sequence numbers accept whole doubles up to 2^53 and nothing beyond") {
  CHECK(parseFrame(R"({"type":"read","upToSeq":12.0})", Direction::toServer, ProtocolLimits{}).ok());
  CHECK(parseFrame(R"({"type":"read","upToSeq":9007199254740991})", Direction::toServer, ProtocolLimits{}).ok());
  CHECK_FALSE(parseFrame(R"({"type":"read","upToSeq":9007199254740993})", Direction::toServer, ProtocolLimits{}).ok());
  CHECK_FALSE(parseFrame(R"({"type":"read","upToSeq":true})", Direction::toServer, ProtocolLimits{}).ok());
}
