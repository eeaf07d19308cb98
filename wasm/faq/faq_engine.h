#pragma once
// Answers a visitor's question from the knowledge base.
//
// This first engine is deliberately naive (token-set overlap against every question
// variant); it fixes the interface that the session and the bindings use. The ranking
// engine of the FAQ issue replaces the internals behind the same interface.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "faq/knowledge_base.h"

namespace kefu {

enum class MatchTier { answer, suggest, handoff };
const char* tierName(MatchTier tier);

struct MatchCandidate {
  std::size_t entryIndex;
  double score;  // 0..1, higher is better
};

struct MatchResult {
  MatchTier tier = MatchTier::handoff;
  std::vector<MatchCandidate> candidates;  // best first, at most k
};

struct TierThresholds {
  double answer = 0.6;   // top score at or above: reply directly
  double suggest = 0.3;  // at or above: offer "did you mean"; below: hand off
};

class FaqEngine {
 public:
  void build(KnowledgeBase kb, TierThresholds thresholds = {});
  MatchResult match(std::string_view text, std::size_t k) const;
  const KnowledgeBase& knowledgeBase() const { return kb_; }
  bool empty() const { return kb_.entries.empty(); }

 private:
  struct Variant {
    std::size_t entryIndex;
    std::vector<std::string> tokens;  // sorted, unique
  };
  KnowledgeBase kb_;
  TierThresholds thresholds_;
  std::vector<Variant> variants_;
};

// Sorted, unique tokens: lower-cased Latin words and digits runs, and CJK characters
// with their bigrams. Exposed for tests.
std::vector<std::string> naiveTokens(std::string_view text);

}  // namespace kefu
