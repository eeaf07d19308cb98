#include "faq/tokenizer.h"

#include "core/utf8.h"
#include "faq/text_normalizer.h"

namespace kefu {

namespace {

bool endsWith(const std::string& word, std::string_view suffix) {
  return word.size() >= suffix.size() && std::string_view(word).substr(word.size() - suffix.size()) == suffix;
}

bool isVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

bool isAsciiLetters(const std::string& word) {
  for (char c : word) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

// The stem must keep at least this many letters and a vowel, so "sing" keeps its -ing.
constexpr std::size_t kMinStem = 3;

bool stripSuffix(std::string& word, std::string_view suffix, std::string_view replacement = "") {
  if (!endsWith(word, suffix) || word.size() - suffix.size() < kMinStem) return false;
  const std::string stem = word.substr(0, word.size() - suffix.size());
  bool hasVowel = false;
  for (char c : stem) hasVowel = hasVowel || isVowel(c);
  if (!hasVowel) return false;
  word = stem + std::string(replacement);
  return true;
}

void appendGrams(std::vector<std::string>& terms, const std::string& word) {
  const std::string marked = "^" + word + "$";
  if (marked.size() < 4) return;  // a one-letter word's grams say nothing its word term does not
  for (std::size_t i = 0; i + 3 <= marked.size(); ++i) {
    terms.push_back(static_cast<char>(TermKind::wordGram) + marked.substr(i, 3));
  }
}

}  // namespace

std::string stemWord(std::string word) {
  if (word.size() <= kMinStem || !isAsciiLetters(word)) return word;
  if (endsWith(word, "sses")) {
    word.resize(word.size() - 2);
  } else if (endsWith(word, "ies") && word.size() > 4) {
    word.replace(word.size() - 3, 3, "y");
  } else if (endsWith(word, "s") && !endsWith(word, "ss") && !endsWith(word, "us") && !endsWith(word, "is")) {
    word.pop_back();
  }
  static constexpr std::string_view kSuffixes[] = {"ational", "ations", "ation", "ments", "ment", "ness", "ingly",
                                                   "edly",    "ings",   "ing",   "ed",    "ly",   "er"};
  for (std::string_view suffix : kSuffixes) {
    if (stripSuffix(word, suffix)) break;
  }
  if (word.size() > kMinStem) {
    const char last = word.back();
    const char beforeLast = word[word.size() - 2];
    if (last == 'e') {
      word.pop_back();  // charge / charging / charged → charg
    } else if (last == beforeLast && !isVowel(last) && last != 'l' && last != 's' && last != 'z') {
      word.pop_back();  // stopped → stopp → stop
    } else if (last == 'l' && beforeLast == 'l') {
      word.pop_back();  // cancelled / cancel
    } else if (last == 'y' && !isVowel(beforeLast)) {
      word.back() = 'i';  // apply / applies / applied meet at appli
    }
  }
  return word;
}

std::vector<std::string> tokenize(const std::u32string& text) {
  std::vector<std::string> terms;
  std::string previousCjk;
  std::string previousWord;
  std::size_t at = 0;
  while (at < text.size()) {
    const char32_t cp = text[at];
    if (cp == U' ') {
      previousCjk.clear();
      ++at;
      continue;
    }
    if (isCjkIdeograph(cp)) {
      previousWord.clear();
      std::string character;
      utf8::append(character, cp);
      terms.push_back(static_cast<char>(TermKind::cjkUnigram) + character);
      if (!previousCjk.empty()) terms.push_back(static_cast<char>(TermKind::cjkBigram) + previousCjk + character);
      previousCjk = std::move(character);
      ++at;
      continue;
    }
    previousCjk.clear();
    std::string word;
    while (at < text.size() && text[at] != U' ' && !isCjkIdeograph(text[at])) utf8::append(word, text[at++]);
    std::string stem = stemWord(word);
    terms.push_back(static_cast<char>(TermKind::word) + stem);
    if (!previousWord.empty()) terms.push_back(static_cast<char>(TermKind::wordPair) + previousWord + " " + stem);
    appendGrams(terms, word);
    previousWord = std::move(stem);
  }
  return terms;
}

}  // namespace kefu
