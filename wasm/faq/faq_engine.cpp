#include "faq/faq_engine.h"

#include <algorithm>

#include "core/utf8.h"

namespace kefu {

namespace {

bool isCjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

bool isWordChar(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7);
}

char32_t fold(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xFF01 && cp <= 0xFF5E) return fold(cp - 0xFEE0);  // full-width ASCII
  return cp;
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t shared = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++shared, ++i, ++j;
    }
  }
  const std::size_t total = a.size() + b.size() - shared;
  return total == 0 ? 0.0 : static_cast<double>(shared) / static_cast<double>(total);
}

}  // namespace

const char* tierName(MatchTier tier) {
  switch (tier) {
    case MatchTier::answer: return "answer";
    case MatchTier::suggest: return "suggest";
    case MatchTier::handoff: return "handoff";
  }
  return "handoff";
}

std::vector<std::string> naiveTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  char32_t previousCjk = 0;
  for (char32_t raw : utf8::decode(text)) {
    const char32_t cp = fold(raw);
    if (isCjk(cp)) {
      if (!word.empty()) tokens.push_back(std::move(word)), word.clear();
      std::string unigram;
      utf8::append(unigram, cp);
      if (previousCjk != 0) {
        std::string bigram;
        utf8::append(bigram, previousCjk);
        tokens.push_back(bigram + unigram);
      }
      tokens.push_back(std::move(unigram));
      previousCjk = cp;
      continue;
    }
    previousCjk = 0;
    if (isWordChar(cp)) {
      utf8::append(word, cp);
    } else if (!word.empty()) {
      tokens.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) tokens.push_back(std::move(word));
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

void FaqEngine::build(KnowledgeBase kb, TierThresholds thresholds) {
  kb_ = std::move(kb);
  thresholds_ = thresholds;
  variants_.clear();
  for (std::size_t index = 0; index < kb_.entries.size(); ++index) {
    const FaqEntry& entry = kb_.entries[index];
    variants_.push_back({index, naiveTokens(entry.question)});
    for (const auto& similar : entry.similar) variants_.push_back({index, naiveTokens(similar)});
  }
}

MatchResult FaqEngine::match(std::string_view text, std::size_t k) const {
  MatchResult result;
  const auto query = naiveTokens(text);
  if (query.empty() || k == 0) return result;
  std::vector<double> best(kb_.entries.size(), 0.0);
  for (const auto& variant : variants_) {
    best[variant.entryIndex] = std::max(best[variant.entryIndex], jaccard(query, variant.tokens));
  }
  for (std::size_t index = 0; index < best.size(); ++index) {
    if (best[index] > 0) result.candidates.push_back({index, best[index]});
  }
  const std::size_t keep = std::min(k, result.candidates.size());
  std::partial_sort(result.candidates.begin(), result.candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                    result.candidates.end(), [](const MatchCandidate& a, const MatchCandidate& b) {
                      return a.score != b.score ? a.score > b.score : a.entryIndex < b.entryIndex;
                    });
  result.candidates.resize(keep);
  const double top = result.candidates.empty() ? 0.0 : result.candidates.front().score;
  result.tier = top >= thresholds_.answer    ? MatchTier::answer
                : top >= thresholds_.suggest ? MatchTier::suggest
                                             : MatchTier::handoff;
  return result;
}

}  // namespace kefu
