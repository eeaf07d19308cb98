#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>

#include "base/crc32.h"
#include "base/json_text.h"
#include "base/json_writer.h"
#include "faq/faq_engine.h"
#include "faq/index_codec.h"
#include "faq/term_table.h"
#include "faq/tokenizer.h"
#include "fixtures.h"

using namespace kefu;

namespace {

KnowledgeBase demoKb() {
  auto kb = parseKnowledgeBase(readDemoKnowledgeBase(), KnowledgeBaseLimits{});
  REQUIRE(kb.ok());
  return kb.value();
}

const FaqEngine& demoEngine() {
  static FaqEngine engine = [] {
    FaqEngine built;
    built.build(demoKb());
    return built;
  }();
  return engine;
}

std::string topId(const FaqEngine& engine, const std::string& text) {
  const MatchResult result = engine.match(text, 3);
  return result.candidates.empty() ? "" : engine.knowledgeBase().entries[result.candidates[0].entryIndex].id;
}

MatchTier tierOf(const FaqEngine& engine, const std::string& text) { return engine.match(text, 3).tier; }

}  // namespace

TEST_CASE("ranking finds the FAQ through its similar phrasings, in any script or width") {
  const FaqEngine& engine = demoEngine();
  CHECK(topId(engine, "怎么重置密码") == "reset-password");
  CHECK(topId(engine, "登录密码忘了怎么办") == "reset-password");  // a similar phrasing, not the question
  CHECK(topId(engine, "登錄密碼忘了") == "reset-password");        // traditional
  CHECK(topId(engine, "ＲＥＦＵＮＤ my subscription") == "refund");  // full width
  CHECK(topId(engine, "I forgot my pasword") == "reset-password");   // typo
  CHECK(topId(engine, "how do i export notes to pdf") == "export");
  CHECK(topId(engine, "cancelling the auto renewal") == "cancel-subscription");
}

TEST_CASE("scores are 0..1, best first, at most k") {
  const MatchResult result = demoEngine().match("怎么开发票", 4);
  REQUIRE(result.candidates.size() <= 4);
  REQUIRE_FALSE(result.candidates.empty());
  for (std::size_t i = 0; i < result.candidates.size(); ++i) {
    CHECK(result.candidates[i].score > 0.0);
    CHECK(result.candidates[i].score <= 1.0);
    if (i > 0) CHECK(result.candidates[i - 1].score >= result.candidates[i].score);
  }
  CHECK(demoEngine().match("", 3).candidates.empty());
  CHECK(demoEngine().match("！！？？", 3).tier == MatchTier::handoff);
  CHECK(demoEngine().match("发票", 0).candidates.empty());
}

TEST_CASE("tiers: a KB question is answered, a shared keyword suggested, the unknown handed off") {
  const FaqEngine& engine = demoEngine();
  CHECK(tierOf(engine, "如何申请退款？") == MatchTier::answer);
  CHECK(tierOf(engine, "How do I get an invoice?") == MatchTier::answer);
  CHECK(tierOf(engine, "付款") == MatchTier::suggest);  // payment methods or payment failed?
  CHECK(tierOf(engine, "量子力学的基本假设是什么") == MatchTier::handoff);
  // Not "what is the capital of peru": since the demo KB's English answers moved to their
  // own locale, the pricing FAQ's centroid is all "what is the price of pro" for English
  // words, and that question now scores 0.27 there (a suggestion).
  CHECK(tierOf(engine, "who won the world cup in 1998") == MatchTier::handoff);
}

TEST_CASE("tier thresholds move the decision") {
  FaqEngine strict;
  strict.build(demoKb(), TierThresholds{1.01, 0.0, 0.0});
  CHECK(strict.match("如何申请退款？", 3).tier == MatchTier::suggest);
  FaqEngine lenient;
  lenient.build(demoKb(), TierThresholds{0.0, 0.0, 0.0});
  CHECK(lenient.match("付款", 3).tier == MatchTier::answer);
}

TEST_CASE("training on the similar questions is deterministic and changes the index") {
  FaqEngine first;
  FaqEngine second;
  first.build(demoKb());
  second.build(demoKb());
  CHECK(encodeIndex(first) == encodeIndex(second));
  RankingParams untrained;
  untrained.trainingEpochs = 0;
  FaqEngine plain;
  plain.build(demoKb(), {}, untrained);
  CHECK(encodeIndex(plain) != encodeIndex(first));
}

TEST_CASE("the training stops at its phrasing-visit limit, as if it ran fewer epochs") {
  KnowledgeBase kb;
  kb.entries.push_back({"goodbye", "goodbye", {"goodbye now", "say goodbye", "goodbye my friend"}, "Bye!", {}, ""});
  kb.entries.push_back({"translate", "translate a word", {"how do i say hello in french", "how to say dog in italian"}, "Use a dictionary.", {}, ""});
  kb.entries.push_back({"weather", "what is the weather", {"is it raining", "weather today"}, "Look outside.", {}, ""});
  constexpr int kPhrasings = 10;  // every phrasing above is held out once per epoch
  auto centroids = [&kb](int epochs, int visits) {
    RankingParams params;
    params.trainingEpochs = epochs;
    params.trainingPhrasingVisits = visits;
    return buildFaqIndex(kb, params).centroidPostings;
  };
  const Postings twoEpochs = centroids(2, 1000);
  const Postings capped = centroids(5, 2 * kPhrasings);
  CHECK(capped.ids == twoEpochs.ids);
  CHECK(capped.weights == twoEpochs.weights);
  CHECK(centroids(5, 1000).weights != twoEpochs.weights);
  CHECK(centroids(5, 0).weights == centroids(0, 1000).weights);
}

TEST_CASE("a phrasing's training reads at most its postings budget, rarest terms first") {
  // With no budget nothing is scored, so nothing is learned: the untrained centroids.
  const KnowledgeBase kb = demoKb();
  RankingParams none;
  none.trainingPostingsPerPhrasing = 0;
  RankingParams untrained;
  untrained.trainingEpochs = 0;
  CHECK(buildFaqIndex(kb, none).centroidPostings.weights == buildFaqIndex(kb, untrained).centroidPostings.weights);
  RankingParams some;
  some.trainingPostingsPerPhrasing = 64;
  CHECK(buildFaqIndex(kb, some).centroidPostings.weights != buildFaqIndex(kb, untrained).centroidPostings.weights);
}

TEST_CASE("terms used by more FAQs than trainingMaxTermFaqs keep the mean's centroid weights") {
  const KnowledgeBase kb = demoKb();
  RankingParams untrainedParams;
  untrainedParams.trainingEpochs = 0;
  const FaqIndex untrained = buildFaqIndex(kb, untrainedParams);
  RankingParams params;
  params.trainingMaxTermFaqs = 3;
  const FaqIndex trained = buildFaqIndex(kb, params);
  REQUIRE(trained.terms.size() == untrained.terms.size());
  auto weightsOf = [](const FaqIndex& index, std::size_t term) {
    const Postings& c = index.centroidPostings;
    return std::make_pair(std::vector<std::uint32_t>(c.ids.begin() + c.start[term], c.ids.begin() + c.start[term + 1]),
                          std::vector<float>(c.weights.begin() + c.start[term], c.weights.begin() + c.start[term + 1]));
  };
  std::size_t common = 0, movedRare = 0;
  for (std::size_t term = 0; term < trained.terms.size(); ++term) {
    if (!trained.trainedTerms[term]) {
      ++common;
      CHECK(weightsOf(trained, term) == weightsOf(untrained, term));
    } else if (weightsOf(trained, term) != weightsOf(untrained, term)) {
      ++movedRare;
    }
  }
  CHECK(common > 0);
  CHECK(movedRare > 0);
  // No term left: nothing is learned.
  params.trainingMaxTermFaqs = 0;
  CHECK(buildFaqIndex(kb, params).centroidPostings.weights == untrained.centroidPostings.weights);
}

TEST_CASE("training widens the lead of the FAQ whose phrasings share the question's pattern") {
  KnowledgeBase kb;
  kb.entries.push_back({"goodbye", "goodbye", {"goodbye now", "say goodbye", "goodbye my friend"}, "Bye!", {}, ""});
  kb.entries.push_back({"translate", "translate a word",
                        {"how do i say hello in french", "how do you say thanks in german", "how do i say cat in spanish",
                         "how to say dog in italian", "how do you say sorry in french"},
                        "Use a dictionary.", {}, ""});
  kb.entries.push_back({"weather", "what is the weather", {"is it raining", "weather today", "how hot is it"}, "Look outside.", {}, ""});
  RankingParams untrained;
  untrained.trainingEpochs = 0;
  FaqEngine plain;
  plain.build(kb, {}, untrained);
  FaqEngine trained;
  trained.build(kb);
  // "goodbye" is the goodbye FAQ's word, but "how do i say … in" is what the translate
  // phrasings share: the held-out phrasings teach the centroids to weigh that more.
  auto lead = [](const FaqEngine& engine) {
    const MatchResult result = engine.match("how do i say goodbye in french", 3);
    REQUIRE(result.candidates.size() >= 2);
    REQUIRE(engine.knowledgeBase().entries[result.candidates[0].entryIndex].id == "translate");
    return result.candidates[0].score - result.candidates[1].score;
  };
  CHECK(lead(trained) > lead(plain));
}

TEST_CASE("answer confidence is the top FAQ's softmax probability among the best five") {
  CHECK(answerConfidence({}, 0.07f) == 0.0);
  CHECK(answerConfidence({{0, 0.8}}, 0.07f) == 1.0);
  CHECK(answerConfidence({{0, 0.5}, {1, 0.5}}, 0.07f) == Approx(0.5));
  const double alone = answerConfidence({{0, 0.8}, {1, 0.5}}, 0.07f);
  CHECK(alone == Approx(1.0 / (1.0 + std::exp(-0.3 / 0.07))));
  // More rivals near the top leave less probability to it; a sixth is not counted.
  CHECK(answerConfidence({{0, 0.8}, {1, 0.5}, {2, 0.5}}, 0.07f) < alone);
  const std::vector<MatchCandidate> six{{0, 0.8}, {1, 0.7}, {2, 0.7}, {3, 0.7}, {4, 0.7}, {5, 0.7}};
  const std::vector<MatchCandidate> five(six.begin(), six.begin() + 5);
  CHECK(answerConfidence(six, 0.07f) == answerConfidence(five, 0.07f));
  // A hotter softmax is less sure of the same lead.
  CHECK(answerConfidence({{0, 0.8}, {1, 0.5}}, 0.2f) < alone);
}

TEST_CASE("typeahead: questions that start with the typed text first, then containing, then ranked") {
  const FaqEngine& engine = demoEngine();
  auto ids = [&engine](const std::string& prefix, std::size_t k) {
    std::vector<std::string> out;
    for (const auto& hit : engine.suggest(prefix, k)) out.push_back(engine.knowledgeBase().entries[hit.entryIndex].id);
    return out;
  };
  REQUIRE_FALSE(ids("怎么开", 5).empty());
  CHECK(ids("怎么开", 5)[0] == "invoice");
  CHECK(ids("How do I exp", 3)[0] == "export");
  CHECK(ids("退款多久", 3)[0] == "refund");  // a similar phrasing's prefix gives its FAQ
  CHECK(ids("怎么", 2).size() == 2);
  CHECK(ids("", 5).empty());
  CHECK(ids("？？", 5).empty());
  const auto hits = engine.suggest("发票", 5);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) CHECK(hits[i].entryIndex != hits[j].entryIndex);
  }
}

TEST_CASE("the binary index round-trips to identical answers") {
  const FaqEngine& engine = demoEngine();
  const std::string bytes = encodeIndex(engine);
  auto decoded = decodeIndex(bytes);
  REQUIRE(decoded.ok());
  FaqEngine loaded;
  loaded.adopt(std::move(decoded.value().kb), std::move(decoded.value().index), decoded.value().thresholds);
  CHECK(encodeIndex(loaded) == bytes);
  for (const char* query : {"怎么退款", "登錄密碼忘了", "I forgot my pasword", "付款", "量子力学", "plan"}) {
    const MatchResult a = engine.match(query, 5);
    const MatchResult b = loaded.match(query, 5);
    REQUIRE(a.candidates.size() == b.candidates.size());
    CHECK(a.tier == b.tier);
    for (std::size_t i = 0; i < a.candidates.size(); ++i) {
      CHECK(a.candidates[i].entryIndex == b.candidates[i].entryIndex);
      CHECK(a.candidates[i].score == b.candidates[i].score);
    }
  }
}

TEST_CASE("an index read in two steps needs its bytes only for the first") {
  // FaqApi::loadReceivedIndex frees the bytes after readIndex, before deriveIndex builds the
  // phrasing index: what readIndex returns must own everything it needs.
  const FaqEngine& engine = demoEngine();
  auto bytes = std::make_unique<std::string>(encodeIndex(engine));
  auto stored = readIndex(*bytes);
  REQUIRE(stored.ok());
  std::fill(bytes->begin(), bytes->end(), '\xFF');
  bytes.reset();
  auto decoded = deriveIndex(std::move(stored.value()));
  REQUIRE(decoded.ok());
  FaqEngine loaded;
  loaded.adopt(std::move(decoded.value().kb), std::move(decoded.value().index), decoded.value().thresholds);
  CHECK(encodeIndex(loaded) == encodeIndex(engine));
  for (const char* query : {"怎么退款", "I forgot my pasword", "plan"}) {
    const MatchResult a = engine.match(query, 5);
    const MatchResult b = loaded.match(query, 5);
    REQUIRE(a.candidates.size() == b.candidates.size());
    for (std::size_t i = 0; i < a.candidates.size(); ++i) {
      CHECK(a.candidates[i].entryIndex == b.candidates[i].entryIndex);
      CHECK(a.candidates[i].score == b.candidates[i].score);
    }
  }
}

namespace {

// The index with its payload replaced and signed again: only the decoder's own checks
// stand between such bytes and the ranker.
std::string resigned(const std::string& bytes, const std::string& payload) {
  std::string forged = bytes.substr(0, 8);
  for (std::uint32_t value : {static_cast<std::uint32_t>(payload.size()), crc32(payload)}) {
    for (int shift = 0; shift < 32; shift += 8) forged.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
  return forged + payload;
}

std::string errorCode(std::string_view bytes) {
  auto result = decodeIndex(bytes);
  return result.ok() ? "ok" : result.error().code;
}

}  // namespace

TEST_CASE("a truncated, altered or foreign index is kb_index_corrupt, never a crash") {
  const std::string bytes = encodeIndex(demoEngine());
  CHECK(errorCode("") == "kb_index_corrupt");
  CHECK(errorCode("PK\x03\x04 not an index at all") == "kb_index_corrupt");
  // Every prefix of the index fails cleanly.
  for (std::size_t length = 0; length < bytes.size(); length += 1 + length / 8) {
    CHECK(errorCode(std::string_view(bytes).substr(0, length)) == "kb_index_corrupt");
  }
  // Any flipped payload byte is caught by the checksum.
  for (std::size_t at = 16; at < bytes.size(); at += 97) {
    std::string altered = bytes;
    altered[at] = static_cast<char>(altered[at] ^ 0x5A);
    CHECK(errorCode(altered) == "kb_index_corrupt");
  }
  CHECK(errorCode(bytes + "x") == "kb_index_corrupt");
}

TEST_CASE("an index of another format version is kb_index_version") {
  const std::string bytes = encodeIndex(demoEngine());
  for (std::uint32_t version : {1u, 2u, 3u, kIndexFormatVersion + 1}) {
    std::string other = bytes;
    other[4] = static_cast<char>(version);
    CHECK(errorCode(other) == "kb_index_version");
  }
}

TEST_CASE("a well-checksummed index whose sections lie is still rejected") {
  const std::string bytes = encodeIndex(demoEngine());
  const std::string payload = bytes.substr(16);
  CHECK(errorCode(resigned(bytes, payload)) == "ok");
  // Cut short or run long inside the signed payload.
  for (std::size_t cut : {std::size_t{1}, std::size_t{7}, payload.size() / 2, payload.size() - 60}) {
    CHECK(errorCode(resigned(bytes, payload.substr(0, payload.size() - cut))) == "kb_index_corrupt");
  }
  CHECK(errorCode(resigned(bytes, payload + '\0')) == "kb_index_corrupt");
  // The first FAQ's similar-question count (after the 88 bytes of parameters and
  // thresholds, and the one-byte entry count) raised to 2^32 − 1: believed, it would size
  // billions of texts before a byte of them was read.
  REQUIRE(demoEngine().knowledgeBase().entries.size() < 128);
  std::string manySimilar = payload;
  manySimilar.replace(89, 1, "\xFF\xFF\xFF\xFF\x0F");
  CHECK(errorCode(resigned(bytes, manySimilar)) == "kb_index_corrupt");
  // A NaN ranking parameter (the first four payload bytes) would poison every score.
  std::string nanParam = payload;
  nanParam.replace(0, 4, "\xFF\xFF\xFF\x7F");
  CHECK(errorCode(resigned(bytes, nanParam)) == "kb_index_corrupt");
  // An unterminated varint where the centroids' last weight ends.
  std::string endless = payload;
  endless.back() = static_cast<char>(endless.back() | 0x80);
  CHECK(errorCode(resigned(bytes, endless)) == "kb_index_corrupt");
  // Every byte of the centroid columns (the payload's tail) set to 0xFF: ids past the
  // entries, runaway varints; and to 0x00: zero-length lists.
  for (char fill : {'\xFF', '\x00'}) {
    std::string garbled = payload;
    for (std::size_t at = payload.size() - 200; at < payload.size(); ++at) garbled[at] = fill;
    CHECK(errorCode(resigned(bytes, garbled)) == "kb_index_corrupt");
  }
}

TEST_CASE("an index whose texts no longer give the vocabulary it was trained on is kb_index_version") {
  // A core that tokenized differently would derive other term ids from the same texts:
  // the stored vocabulary checksum (the u32 before the centroid columns) catches it.
  FaqEngine engine;
  KnowledgeBase kb;
  kb.entries.push_back({"a", "refund my order", {"money back"}, "Yes.", {}, ""});
  kb.entries.push_back({"b", "reset my password", {"forgot password"}, "Reset it.", {}, ""});
  engine.build(kb);
  const std::string bytes = encodeIndex(engine);
  const std::uint32_t checksum = engine.index().vocabularyChecksum();
  std::string payload = bytes.substr(16);
  std::string stored;
  for (int shift = 0; shift < 32; shift += 8) stored.push_back(static_cast<char>((checksum >> shift) & 0xFF));
  const std::size_t at = payload.rfind(stored);
  REQUIRE(at != std::string::npos);
  payload[at] = static_cast<char>(payload[at] ^ 1);
  CHECK(errorCode(resigned(bytes, payload)) == "kb_index_version");
}

TEST_CASE("the binary index stores each text once and no vocabulary") {
  const FaqEngine& engine = demoEngine();
  const std::string bytes = encodeIndex(engine);
  const auto& entries = engine.knowledgeBase().entries;
  for (const auto& entry : entries) {
    const std::size_t first = bytes.find(entry.answer);
    REQUIRE(first != std::string::npos);
    const std::size_t inAnswers = static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(), [&](const FaqEntry& other) {
      return other.answer.find(entry.answer) != std::string::npos;
    }));
    if (inAnswers == 1) CHECK(bytes.find(entry.answer, first + 1) == std::string::npos);
  }
  // Terms carry a kind byte ('b' before a CJK bigram): none is written out. A few can turn
  // up by chance (a text's length byte 98 is 'b', and a text after it may begin with the
  // term's two characters); a stored vocabulary would show every one.
  std::size_t bigrams = 0;
  std::size_t written = 0;
  const TermList& terms = engine.index().terms;
  for (std::size_t id = 0; id < terms.size(); ++id) {
    const std::string_view term = terms[id];
    if (termKind(term) != TermKind::cjkBigram) continue;
    ++bigrams;
    if (bytes.find(term) != std::string::npos) ++written;
  }
  CHECK(bigrams > 100);
  CHECK(written * 50 <= bigrams);
}

TEST_CASE("the term table finds every term and nothing else") {
  TermList terms;
  for (const char* term : {"w退款", "b退款", "u退", "wrefund", ""}) terms.push_back(term);
  TermTable table;
  table.build(terms);
  for (std::uint32_t id = 0; id < terms.size(); ++id) CHECK(table.find(terms, terms[id]) == id);
  CHECK(table.find(terms, "wrefunds") == TermTable::kMissing);
  CHECK(table.find(terms, "u款") == TermTable::kMissing);
  TermTable empty;
  CHECK(empty.find(terms, "w退款") == TermTable::kMissing);
}

TEST_CASE("the term table numbers new terms as they are added, across its growth") {
  TermList terms;
  TermTable table;
  for (std::uint32_t i = 0; i < 100; ++i) CHECK(table.add(terms, "w" + std::to_string(i)) == i);
  CHECK(table.add(terms, "w7") == 7u);  // a repeated term keeps its id and is not appended
  REQUIRE(terms.size() == 100u);
  CHECK(table.size() == 100u);
  for (std::uint32_t id = 0; id < terms.size(); ++id) CHECK(table.find(terms, terms[id]) == id);
  CHECK(table.find(terms, "w100") == TermTable::kMissing);
}

TEST_CASE("the hand-written JSON is valid JSON, escaped and UTF-8 clean") {
  std::string out;
  appendJsonString(out, "say \"hi\"\\\n\t\x01 退款 \xFF end");
  auto parsed = parseJsonText(out, JsonLimits{1024, 4}, "test");
  REQUIRE(parsed.ok());
  CHECK(parsed.value().get<std::string>() == "say \"hi\"\\\n\t\x01 退款 \xEF\xBF\xBD end");
  for (double value : {0.0, 1.0, 0.123456, 0.5, 12.25, -3.5}) {
    std::string number;
    appendJsonNumber(number, value);
    auto back = parseJsonText(number, JsonLimits{64, 2}, "test");
    REQUIRE(back.ok());
    CHECK(back.value().get<double>() == Approx(value).margin(1e-6));
  }
  std::string notFinite;
  appendJsonNumber(notFinite, std::numeric_limits<double>::infinity());
  CHECK(notFinite == "null");
}

TEST_CASE("KB synonyms make different words meet, whole words only for Latin script") {
  auto kb = parseKnowledgeBase(R"({"faqs":[
      {"id":"refund","question":"怎么退款","answer":"a"},
      {"id":"apps","question":"download the app","answer":"b"},
      {"id":"fruit","question":"apple pie recipe","answer":"c"}],
    "synonyms":[["退款","退钱","拿回钱"],["app","application","客户端"]]})",
                               KnowledgeBaseLimits{});
  REQUIRE(kb.ok());
  FaqEngine engine;
  engine.build(kb.value());
  CHECK(engine.index().canonicalText("我要拿回钱") == U"我要退款");
  CHECK(engine.index().canonicalText("get the application now") == U"get the app now");
  CHECK(engine.index().canonicalText("applications") == U"applications");  // not a whole word
  CHECK(engine.index().canonicalText("下载客户端") == U"下载app");
  CHECK(topId(engine, "怎么退钱") == "refund");
  CHECK(topId(engine, "where can i download the application") == "apps");

  auto decoded = decodeIndex(encodeIndex(engine));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().index.synonymRules == engine.index().synonymRules);

  for (const char* bad : {R"({"faqs":[],"synonyms":{}})", R"({"faqs":[],"synonyms":[["only one"]]})",
                          R"({"faqs":[],"synonyms":[["a", 3]]})", R"({"faqs":[],"synonyms":[["a", " "]]})"}) {
    auto result = parseKnowledgeBase(bad, KnowledgeBaseLimits{});
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == "kb_invalid_shape");
    CHECK(result.error().message.find("synonyms") != std::string::npos);
  }
}

TEST_CASE("synonym rules apply longest first, ties in text order, whatever order the KB lists them in") {
  auto kb = parseKnowledgeBase(R"({"faqs":[{"id":"refund","question":"怎么退款","answer":"a"}],
    "synonyms":[["退款","退钱"],["申请退款","退钱申请"],["钱","款子"],["退货","退回"],["退货","退钱款"]]})",
                               KnowledgeBaseLimits{});
  REQUIRE(kb.ok());
  FaqEngine engine;
  engine.build(kb.value());
  std::vector<std::u32string> words;
  for (const auto& rule : engine.index().synonymRules) words.push_back(rule.first);
  CHECK(words == std::vector<std::u32string>{U"退钱申请", U"退钱款", U"款子", U"退回", U"退钱"});
  // 退钱申请 is replaced whole before 退钱 could break it apart.
  CHECK(engine.index().canonicalText("退钱申请") == U"申请退款");
}

TEST_CASE("CRC-32 matches the standard check values") {
  CHECK(crc32("") == 0x00000000u);
  CHECK(crc32("123456789") == 0xCBF43926u);
  CHECK(crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}
