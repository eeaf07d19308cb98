#include <catch2/catch.hpp>

#include <map>

#include "api/faq_api.h"
#include "base/json_text.h"
#include "base/json_writer.h"
#include "fixtures.h"

using namespace kefu;

namespace {
Json parse(const std::string& text) { return Json::parse(text); }

// The test oracle: the whole reply FaqEngine.match() gives in JS, {"ok":true,"tier",
// "candidates":[{id, question, answer, score}…]} or the error, written from the engine's
// own result. What the wrapper rebuilds from matchRanks() must equal it.
std::string matchReply(const FaqApi& api, std::string_view text, int topK) {
  if (auto problem = api.checkQuery(text, topK, "matching")) return errorJson(*problem);
  const MatchResult result = api.engine().match(text, static_cast<std::size_t>(topK));
  Json candidates = Json::array();
  for (const auto& candidate : result.candidates) {
    const FaqEntry& entry = api.engine().knowledgeBase().entries[candidate.entryIndex];
    std::string score;
    appendJsonNumber(score, candidate.score);  // as matchRanks writes it
    candidates.push_back({{"id", entry.id}, {"question", entry.question}, {"answer", entry.answer}, {"score", Json::parse(score)}});
  }
  return toJsonText(Json{{"ok", true}, {"tier", tierName(result.tier)}, {"candidates", std::move(candidates)}});
}
}  // namespace

TEST_CASE("a loaded KB answers its own questions in Chinese and English") {
  FaqApi api;
  auto loaded = parse(api.loadKnowledgeBase(readDemoKnowledgeBase(), ""));
  REQUIRE(loaded["ok"] == true);

  auto zh = parse(matchReply(api, "忘记密码了怎么办", 3));
  REQUIRE(zh["ok"] == true);
  CHECK(zh["tier"] == "answer");
  CHECK(zh["candidates"][0]["id"] == "reset-password");

  auto en = parse(matchReply(api, "How can I get a refund?", 3));
  CHECK(en["candidates"][0]["id"] == "refund");
}

TEST_CASE("a question far from the KB is handed off") {
  FaqApi api;
  api.loadKnowledgeBase(readDemoKnowledgeBase(), "");
  auto result = parse(matchReply(api, "量子力学的基本假设", 3));
  CHECK(result["tier"] == "handoff");
}

TEST_CASE("bad input gets an error object and the engine keeps working") {
  FaqApi api;
  CHECK(parse(matchReply(api, "hello", 3))["error"]["code"] == "kb_not_loaded");
  REQUIRE(parse(api.loadKnowledgeBase(readDemoKnowledgeBase(), ""))["ok"] == true);

  auto malformed = parse(api.loadKnowledgeBase("{\"faqs\": [ {", ""));
  CHECK(malformed["ok"] == false);
  CHECK(malformed["error"]["code"] == "kb_invalid_json");

  auto tooLarge = parse(api.loadKnowledgeBase(readDemoKnowledgeBase(), R"({"limits":{"maxBytes":100}})"));
  CHECK(tooLarge["error"]["code"] == "kb_too_large");

  CHECK(parse(api.loadKnowledgeBase("{}", "{\"limits\": 3}"))["error"]["code"] == "invalid_options");
  CHECK(parse(matchReply(api, "hello", 0))["error"]["code"] == "invalid_argument");
  CHECK(parse(matchReply(api, std::string(4001, 'a'), 3))["error"]["code"] == "query_too_long");
  CHECK(parse(matchReply(api, "\xFF\xFE garbage \xC0", 3))["ok"] == true);

  // The KB loaded before the failures is still in service.
  CHECK(parse(matchReply(api, "怎么退款", 1))["candidates"][0]["id"] == "refund");
}

TEST_CASE("tier thresholds are configurable per KB") {
  FaqApi api;
  REQUIRE(parse(api.loadKnowledgeBase(readDemoKnowledgeBase(),
                                      R"({"thresholds":{"answer":1.0,"suggest":0.0}})"))["ok"] == true);
  CHECK(parse(matchReply(api, "密码忘了", 3))["tier"] == "suggest");
  CHECK(parse(api.loadKnowledgeBase("{}", R"({"thresholds":{"answer":0.2,"suggest":0.5}})"))["error"]["code"] ==
        "invalid_options");
}

TEST_CASE("the API exports an index, loads it back, and suggests while typing") {
  FaqApi built;
  REQUIRE(parse(built.loadKnowledgeBase(readDemoKnowledgeBase(), ""))["ok"] == true);
  auto exported = parse(built.exportIndex());
  REQUIRE(exported["ok"] == true);
  CHECK(exported["bytes"] == built.exportedIndex().size());

  FaqApi loaded;
  CHECK(parse(loaded.exportIndex())["error"]["code"] == "kb_not_loaded");
  auto result = parse(loaded.loadIndex(built.exportedIndex(), R"({"thresholds":{"answer":0.9}})"));
  REQUIRE(result["ok"] == true);
  CHECK(result["entries"] == parse(built.stats())["entries"]);
  // Same ranking; the tier may differ, as the load overrode the answer threshold.
  CHECK(parse(matchReply(loaded, "怎么退款", 3))["candidates"] == parse(matchReply(built, "怎么退款", 3))["candidates"]);

  auto suggestions = parse(loaded.suggest("怎么开", 3));
  REQUIRE(suggestions["ok"] == true);
  CHECK(suggestions["suggestions"][0]["id"] == "invoice");
  CHECK(suggestions["suggestions"][0]["question"] == "怎么开发票？");
  CHECK(parse(loaded.suggest("x", 0))["error"]["code"] == "invalid_argument");

  // A bad index leaves the loaded one in service.
  CHECK(parse(loaded.loadIndex("KFI1 garbage", ""))["ok"] == false);
  CHECK(parse(matchReply(loaded, "怎么退款", 1))["candidates"][0]["id"] == "refund");
  auto stats = parse(loaded.stats());
  CHECK(stats["phrasings"].get<int>() > stats["entries"].get<int>());
  CHECK(stats["indexBytes"].get<int>() > 0);
}

TEST_CASE("after a new KB or index is loaded, match replies carry its texts, never the previous KB's") {
  const std::string first = R"({"faqs":[{"id":"refund","question":"怎么退款","answer":"第一个答案"}]})";
  const std::string second = R"({"faqs":[{"id":"refund-v2","question":"怎么退款","answer":"第二个答案"}]})";
  FaqApi api;
  REQUIRE(parse(api.loadKnowledgeBase(first, ""))["ok"] == true);
  CHECK(parse(matchReply(api, "怎么退款", 1))["candidates"][0]["answer"] == "第一个答案");

  REQUIRE(parse(api.loadKnowledgeBase(second, ""))["ok"] == true);
  auto reply = parse(matchReply(api, "怎么退款", 1));
  CHECK(reply["candidates"][0]["id"] == "refund-v2");
  CHECK(reply["candidates"][0]["answer"] == "第二个答案");

  // A failed load keeps the KB in service, and its replies.
  CHECK(parse(api.loadKnowledgeBase("{\"faqs\": [", ""))["ok"] == false);
  CHECK(parse(matchReply(api, "怎么退款", 1))["candidates"][0]["answer"] == "第二个答案");

  FaqApi exporter;
  REQUIRE(parse(exporter.loadKnowledgeBase(first, ""))["ok"] == true);
  REQUIRE(parse(exporter.exportIndex())["ok"] == true);
  REQUIRE(parse(api.loadIndex(exporter.exportedIndex(), ""))["ok"] == true);
  reply = parse(matchReply(api, "怎么退款", 1));
  CHECK(reply["candidates"][0]["id"] == "refund");
  CHECK(reply["candidates"][0]["answer"] == "第一个答案");
}

namespace {
// What the JS wrapper rebuilds from matchRanks(), keeping the entries it is sent: must
// equal matchReply().
Json rebuiltMatch(const FaqApi& api, const std::string& text, int topK, std::map<int, Json>& kept) {
  const std::string ranks = api.matchRanks(text, topK);
  if (!ranks.empty() && ranks[0] == '{') return parse(ranks);
  Json reply = {{"ok", true}, {"candidates", Json::array()}};
  std::size_t lineEnd = ranks.find('\n');
  reply["tier"] = ranks.substr(0, lineEnd);
  while (lineEnd != std::string::npos) {
    const std::size_t start = lineEnd + 1;
    lineEnd = ranks.find('\n', start);
    const std::string line = ranks.substr(start, lineEnd == std::string::npos ? std::string::npos : lineEnd - start);
    const std::size_t indexEnd = line.find(' ');
    const std::size_t scoreEnd = line.find(' ', indexEnd + 1);
    const int index = std::stoi(line.substr(0, indexEnd));
    if (scoreEnd != std::string::npos) {
      REQUIRE(kept.count(index) == 0);  // sent once per load
      kept[index] = parse(line.substr(scoreEnd + 1));
    }
    REQUIRE(kept.count(index) == 1);  // sent before it is ranked again
    const Json& entry = kept[index];
    reply["candidates"].push_back({{"id", entry["id"]},
                                   {"question", entry["question"]},
                                   {"answer", entry["answer"]},
                                   {"score", parse(line.substr(indexEnd + 1, scoreEnd - indexEnd - 1))}});
  }
  return reply;
}
}  // namespace

TEST_CASE("matchRanks sends each entry once a load and gives the wrapper exactly what match replies") {
  FaqApi api;
  std::map<int, Json> kept;
  CHECK(parse(api.matchRanks("hello", 3)) == parse(matchReply(api, "hello", 3)));  // kb_not_loaded
  REQUIRE(parse(api.loadKnowledgeBase(readDemoKnowledgeBase(), ""))["ok"] == true);
  for (int pass = 0; pass < 2; ++pass) {
    for (const char* text : {"忘记密码了怎么办", "How can I get a refund?", "量子力学的基本假设", "密码", "付款",
                             "\xFF\xFE garbage \xC0", ""}) {
      for (int topK : {1, 3, 5, 50}) {
        INFO(text << " k=" << topK << " pass " << pass);
        CHECK(rebuiltMatch(api, text, topK, kept) == parse(matchReply(api, text, topK)));
      }
    }
  }
  CHECK(api.matchRanks("忘记密码了怎么办", 5).find('{') == std::string::npos);  // all sent already
  CHECK(rebuiltMatch(api, "hello", 0, kept) == parse(matchReply(api, "hello", 0)));
  CHECK(rebuiltMatch(api, std::string(4001, 'a'), 3, kept) == parse(matchReply(api, std::string(4001, 'a'), 3)));

  // A failed load keeps the KB and what was sent of it; a new one is sent afresh.
  CHECK(parse(api.loadKnowledgeBase("{\"faqs\": [", ""))["ok"] == false);
  CHECK(api.matchRanks("忘记密码了怎么办", 5).find('{') == std::string::npos);
  REQUIRE(parse(api.loadKnowledgeBase(readDemoKnowledgeBase(), ""))["ok"] == true);
  CHECK(api.matchRanks("忘记密码了怎么办", 5).find("{\"id\":") != std::string::npos);
}
