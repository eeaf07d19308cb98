#include <catch2/catch.hpp>

#include "api/faq_api.h"
#include "core/json_text.h"
#include "fixtures.h"

using namespace kefu;

namespace {
Json parse(const std::string& text) { return Json::parse(text); }
}  // namespace

TEST_CASE("a loaded KB answers its own questions in Chinese and English") {
  FaqApi api;
  auto loaded = parse(api.loadKnowledgeBase(readRepoFile("shared/kb/demo.json"), ""));
  REQUIRE(loaded["ok"] == true);

  auto zh = parse(api.match("忘记密码了怎么办", 3));
  REQUIRE(zh["ok"] == true);
  CHECK(zh["tier"] == "answer");
  CHECK(zh["candidates"][0]["id"] == "reset-password");

  auto en = parse(api.match("How can I get a refund?", 3));
  CHECK(en["candidates"][0]["id"] == "refund");
}

TEST_CASE("a question far from the KB is handed off") {
  FaqApi api;
  api.loadKnowledgeBase(readRepoFile("shared/kb/demo.json"), "");
  auto result = parse(api.match("量子力学的基本假设", 3));
  CHECK(result["tier"] == "handoff");
}

TEST_CASE("bad input gets an error object and the engine keeps working") {
  FaqApi api;
  CHECK(parse(api.match("hello", 3))["error"]["code"] == "kb_not_loaded");
  REQUIRE(parse(api.loadKnowledgeBase(readRepoFile("shared/kb/demo.json"), ""))["ok"] == true);

  auto malformed = parse(api.loadKnowledgeBase("{\"faqs\": [ {", ""));
  CHECK(malformed["ok"] == false);
  CHECK(malformed["error"]["code"] == "kb_invalid_json");

  auto tooLarge = parse(api.loadKnowledgeBase(readRepoFile("shared/kb/demo.json"), R"({"limits":{"maxBytes":100}})"));
  CHECK(tooLarge["error"]["code"] == "kb_too_large");

  CHECK(parse(api.loadKnowledgeBase("{}", "{\"limits\": 3}"))["error"]["code"] == "invalid_options");
  CHECK(parse(api.match("hello", 0))["error"]["code"] == "invalid_argument");
  CHECK(parse(api.match(std::string(4001, 'a'), 3))["error"]["code"] == "query_too_long");
  CHECK(parse(api.match("\xFF\xFE garbage \xC0", 3))["ok"] == true);

  // The KB loaded before the failures is still in service.
  CHECK(parse(api.match("怎么退款", 1))["candidates"][0]["id"] == "refund");
}

TEST_CASE("tier thresholds are configurable per KB") {
  FaqApi api;
  REQUIRE(parse(api.loadKnowledgeBase(readRepoFile("shared/kb/demo.json"),
                                      R"({"thresholds":{"answer":1.0,"suggest":0.0}})"))["ok"] == true);
  CHECK(parse(api.match("密码忘了", 3))["tier"] == "suggest");
  CHECK(parse(api.loadKnowledgeBase("{}", R"({"thresholds":{"answer":0.2,"suggest":0.5}})"))["error"]["code"] ==
        "invalid_options");
}
