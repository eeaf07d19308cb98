#include <catch2/catch.hpp>

#include "base/utf8.h"
#include "faq/t2s_table.h"
#include "faq/text_normalizer.h"
#include "faq/tokenizer.h"

using namespace kefu;

namespace {
std::string normalized(const std::string& text) {
  const std::u32string folded = normalizeText(text);
  return utf8::encode(std::vector<char32_t>(folded.begin(), folded.end()));
}

bool hasTerm(const std::vector<std::string>& terms, const std::string& term) {
  for (const auto& t : terms) {
    if (t == term) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("width, case and diacritics fold to one form") {
  CHECK(normalized("ＶＩＰ会员１２３") == "vip会员123");  // the tokenizer splits scripts
  CHECK(normalized("Café RÉSUMÉ naïve") == "cafe resume naive");
  CHECK(normalized("ΑΒΓ Привет") == "αβγ привет");
  CHECK(normalized("　全角空格") == "全角空格");
}

TEST_CASE("traditional Chinese folds to simplified, character by character") {
  CHECK(t2s::toSimplified(U'說') == U'说');
  CHECK(t2s::toSimplified(U'中') == U'中');
  CHECK(t2s::toSimplified(U'a') == U'a');
  CHECK(normalized("我掛住你了，點算？") == "我挂住你了 点算");
  CHECK(normalized("請問帳號怎麼註銷") == "请问帐号怎么注销");
  // The decoder finds every pair the generator wrote, each a real change.
  std::size_t changed = 0;
  for (char32_t cp = 0x3400; cp <= 0xFAFF; ++cp) changed += t2s::toSimplified(cp) != cp ? 1 : 0;
  CHECK(changed == t2s::kPairCount);
  CHECK(t2s::kPairCount > 2500);
}

TEST_CASE("punctuation, emoji and symbols separate words; apostrophes join them") {
  CHECK(normalized("Hello,world!!") == "hello world");
  CHECK(normalized("退款😀😀怎么办？？") == "退款 怎么办");
  CHECK(normalized("can't / don’t") == "cant dont");
  CHECK(normalized("'quoted'") == "quoted");
  CHECK(normalized("iphone12 pro") == "iphone 12 pro");
  CHECK(normalized("  \t\n ") == "");
  CHECK(normalized("") == "");
}

TEST_CASE("malformed UTF-8 is a separator, never a crash") {
  CHECK(normalized("ab\xFF\xFE" "cd\xC0") == "ab cd");
  CHECK(normalized(std::string("\0\0x", 3)) == "x");
}

TEST_CASE("Chinese becomes overlapping unigrams and bigrams") {
  const auto terms = tokenize(normalizeText("怎么退款"));
  CHECK(terms.size() == 7);
  CHECK(hasTerm(terms, "u退"));
  CHECK(hasTerm(terms, "b退款"));
  CHECK(hasTerm(terms, "b么退"));
  CHECK_FALSE(hasTerm(terms, "b怎退"));
  const auto mixed = tokenize(normalizeText("ＶＩＰ会员１２３"));
  CHECK(hasTerm(mixed, "wvip"));
  CHECK(hasTerm(mixed, "b会员"));
  CHECK(hasTerm(mixed, "w123"));
  // A space breaks the chain: no bigram across it.
  CHECK_FALSE(hasTerm(tokenize(normalizeText("退 款")), "b退款"));
}

TEST_CASE("Latin words are stemmed, paired and cut into trigrams") {
  const auto terms = tokenize(normalizeText("Refunds processing"));
  CHECK(hasTerm(terms, "wrefund"));
  CHECK(hasTerm(terms, "wprocess"));
  CHECK(hasTerm(terms, "prefund process"));
  CHECK(hasTerm(terms, "g^re"));
  CHECK(hasTerm(terms, "gds$"));
  // A typo keeps most of the trigrams of the word it misspells.
  const auto right = tokenize(normalizeText("password"));
  const auto typo = tokenize(normalizeText("pasword"));
  int shared = 0;
  for (const auto& term : typo) shared += hasTerm(right, term) && term[0] == 'g' ? 1 : 0;
  CHECK(shared >= 4);
}

TEST_CASE("the Porter stemmer meets inflections and derivations at one stem") {
  CHECK(stemWord("refunds") == stemWord("refund"));
  CHECK(stemWord("refunded") == stemWord("refund"));
  CHECK(stemWord("charged") == stemWord("charge"));
  CHECK(stemWord("charging") == stemWord("charges"));
  CHECK(stemWord("cancelled") == stemWord("cancel"));
  CHECK(stemWord("stopped") == stemWord("stop"));
  CHECK(stemWord("applies") == stemWord("apply"));
  CHECK(stemWord("payments") == stemWord("payment"));
  CHECK(stemWord("happiness") == stemWord("happy"));
  // The stem's measure: "transfer" keeps its -er (a light suffix list cut it to "transf",
  // away from "transferred"), and derivations meet their verb.
  CHECK(stemWord("transfer") == "transfer");
  CHECK(stemWord("transferred") == "transfer");
  CHECK(stemWord("activation") == stemWord("activate"));
  CHECK(stemWord("generalizations") == "gener");  // Porter's own example
  CHECK(stemWord("relational") == "relat");
  CHECK(stemWord("hopping") == "hop");
  CHECK(stemWord("filing") == "file");  // a short stem regains its e
  CHECK(stemWord("sing") == "sing");    // no vowel left before -ing: kept
  CHECK(stemWord("is") == "is");
  CHECK(stemWord("café") == "café");  // not ASCII: left alone
}
