#include "faq/tokenizer.h"

#include "base/utf8.h"
#include "faq/text_normalizer.h"

namespace kefu {

namespace {

bool isAsciiLetters(const std::string& word) {
  for (char c : word) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

// M. F. Porter's 1980 stemmer ("An algorithm for suffix stripping"): its measure of a
// stem (the number of vowel-consonant runs) keeps "transfer" whole while "transferred"
// meets it, and meets "activate" with "activation", which a plain suffix list cannot.
class PorterStem {
 public:
  explicit PorterStem(std::string& word) : w_(word) {}

  void run() {
    step1();
    step2and3();
    step4();
    if (ends("e") && (measure(k_) > 1 || (measure(k_) == 1 && !cvc(k_ - 1)))) w_.pop_back();
    if (w_.size() > 1 && w_.back() == 'l' && doubleAt(w_.size() - 1) && measure(w_.size()) > 1) w_.pop_back();
  }

 private:
  bool consonant(std::size_t i) const {
    const char c = w_[i];
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return false;
    return c != 'y' || i == 0 || !consonant(i - 1);
  }
  // Vowel-consonant runs in the first `length` letters.
  int measure(std::size_t length) const {
    int runs = 0;
    bool inVowels = false;
    for (std::size_t i = 0; i < length; ++i) {
      if (!consonant(i)) {
        inVowels = true;
      } else if (inVowels) {
        ++runs;
        inVowels = false;
      }
    }
    return runs;
  }
  bool hasVowel(std::size_t length) const {
    for (std::size_t i = 0; i < length; ++i) {
      if (!consonant(i)) return true;
    }
    return false;
  }
  bool doubleAt(std::size_t i) const { return i >= 1 && w_[i] == w_[i - 1] && consonant(i); }
  // consonant-vowel-consonant ending at i, the last not w, x or y: "hop" (→ "hope").
  bool cvc(std::size_t i) const {
    if (i < 2 || i >= w_.size() || !consonant(i) || consonant(i - 1) || !consonant(i - 2)) return false;
    return w_[i] != 'w' && w_[i] != 'x' && w_[i] != 'y';
  }
  // Sets k_ to the stem's length when the word ends with the suffix.
  bool ends(std::string_view suffix) {
    if (w_.size() < suffix.size() || std::string_view(w_).substr(w_.size() - suffix.size()) != suffix) return false;
    k_ = w_.size() - suffix.size();
    return true;
  }
  void replaceSuffix(std::string_view replacement) { w_.replace(k_, std::string::npos, replacement); }

  void step1() {
    if (ends("sses") || ends("ies")) {
      w_.resize(w_.size() - 2);
    } else if (w_.back() == 's' && !ends("ss")) {
      w_.pop_back();
    }
    if (ends("eed")) {
      if (measure(k_) > 0) w_.pop_back();
    } else if ((ends("ed") || ends("ing")) && hasVowel(k_)) {
      w_.resize(k_);
      if (ends("at") || ends("bl") || ends("iz")) {
        w_ += 'e';
      } else if (doubleAt(w_.size() - 1) && w_.back() != 'l' && w_.back() != 's' && w_.back() != 'z') {
        w_.pop_back();
      } else if (measure(w_.size()) == 1 && cvc(w_.size() - 1)) {
        w_ += 'e';
      }
    }
    if (ends("y") && hasVowel(k_)) w_.back() = 'i';
  }

  // Steps 2 and 3: a derivational suffix becomes a shorter one when the stem has a measure.
  void step2and3() {
    static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"},  {"izer", "ize"},
        {"bli", "ble"},     {"alli", "al"},     {"entli", "ent"}, {"eli", "e"},      {"ousli", "ous"},
        {"ization", "ize"}, {"ation", "ate"},   {"ator", "ate"},  {"alism", "al"},   {"iveness", "ive"},
        {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"},  {"iviti", "ive"},  {"biliti", "ble"},
        {"logi", "log"},    {"icate", "ic"},    {"ative", ""},    {"alize", "al"},   {"iciti", "ic"},
        {"ical", "ic"},     {"ful", ""},        {"ness", ""}};
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& [suffix, replacement] : kRules) {
        if (!ends(suffix)) continue;
        if (measure(k_) > 0) replaceSuffix(replacement);
        break;
      }
    }
  }

  void step4() {
    static constexpr std::string_view kSuffixes[] = {"al",  "ance", "ence", "er",  "ic",  "able", "ible",
                                                     "ant", "ement", "ment", "ent", "ion", "ou",   "ism",
                                                     "ate", "iti",  "ous",  "ive", "ize"};
    for (std::string_view suffix : kSuffixes) {
      if (!ends(suffix)) continue;
      if (suffix == "ion" && (k_ == 0 || (w_[k_ - 1] != 's' && w_[k_ - 1] != 't'))) continue;
      if (measure(k_) > 1) w_.resize(k_);
      return;
    }
  }

  std::string& w_;
  std::size_t k_ = 0;
};

}  // namespace

std::string stemWord(std::string word) {
  if (word.size() <= 2 || !isAsciiLetters(word)) return word;
  PorterStem(word).run();
  return word;
}

namespace {

void appendGrams(std::vector<std::string>& terms, const std::string& word) {
  const std::string marked = "^" + word + "$";
  if (marked.size() < 4) return;  // a one-letter word's grams say nothing its word term does not
  for (std::size_t i = 0; i + 3 <= marked.size(); ++i) {
    terms.push_back(static_cast<char>(TermKind::wordGram) + marked.substr(i, 3));
  }
}

}  // namespace

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
