#pragma once
// Terms of a normalized text (see text_normalizer.h). No segmentation dictionary: Chinese
// is cut into overlapping character unigrams and bigrams, which find words of any length
// without knowing them; Latin-script words are stemmed lightly, and also cut into
// character trigrams so a typo still shares most of a word's terms.
//
// Every term starts with a byte naming its kind, so the kinds never collide and the
// ranker can weigh them apart.
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

enum class TermKind : char {
  cjkUnigram = 'u',
  cjkBigram = 'b',
  word = 'w',       // stemmed
  wordPair = 'p',   // two adjacent stemmed words
  wordGram = 'g',   // character trigram of a word, with boundary marks
};

inline TermKind termKind(std::string_view term) { return static_cast<TermKind>(term.empty() ? 'w' : term[0]); }

// Terms in text order, repeats kept (the ranker decides what repeats are worth).
std::vector<std::string> tokenize(const std::u32string& normalizedText);

// Light English stemming: plurals, -ing, -ed, -ly, -ment, -ation and the like, so that
// "refunds", "refunded" and "refunding" meet at "refund". Words not in ASCII pass as is.
std::string stemWord(std::string word);

}  // namespace kefu
