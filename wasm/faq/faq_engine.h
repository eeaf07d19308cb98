#pragma once
// Answers a visitor's question from the knowledge base.
//
// Ranking (faq_index.h): the query's weighted term vector is compared by cosine with
// every known phrasing of every FAQ and with each FAQ's trained centroid; a FAQ's score
// mixes its best phrasing with its centroid. Scores stay on a 0..1 scale, so one set of
// thresholds means the same thing on every KB.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "faq/faq_index.h"
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

// Defaults chosen with `kefu-faq-eval --sweep` over all the public dev sets together
// (docs/knowledge-base.md): an `answer` should be right at least 19 times in 20, and a
// question from outside the KB should mostly reach a person.
struct TierThresholds {
  double answer = 0.35;            // top score at or above, and the top FAQ's probability
  double answerConfidence = 0.76;  // at least this (answerConfidence below): reply directly
  double suggest = 0.25;           // at or above: offer "did you mean"; below: hand off
};

// The top FAQ's probability among the best few candidates, softmax(score / temperature)
// at the temperature the centroids were trained with (faq_index.cpp): how sure the trained
// classifier is, which separates right answers from wrong ones better than the top score
// or its lead over the runner-up alone. Candidates best first.
double answerConfidence(const std::vector<MatchCandidate>& candidates, float temperature);

struct SuggestHit {
  std::size_t entryIndex;
  std::string text;  // the FAQ's standard question
};

class FaqEngine {
 public:
  void build(KnowledgeBase kb, TierThresholds thresholds = {}, RankingParams params = {});
  // Takes a prebuilt index (index_codec.h) with the KB it was built from.
  void adopt(KnowledgeBase kb, FaqIndex index, TierThresholds thresholds);

  // Teaching: each change's phrasing appended to (or, taught false, its first copy removed
  // from) its FAQ's similar questions, the index updated without retraining
  // (changedFaqIndex, faq_index.h). The caller has checked the changes (FaqApi::teach).
  void changePhrasings(const std::vector<PhrasingChange>& changes);

  MatchResult match(std::string_view text, std::size_t k) const;
  // Typeahead: KB questions for what the visitor has typed so far, best first.
  std::vector<SuggestHit> suggest(std::string_view prefix, std::size_t k) const;

  const KnowledgeBase& knowledgeBase() const { return kb_; }
  const FaqIndex& index() const { return index_; }
  const TierThresholds& thresholds() const { return thresholds_; }
  bool empty() const { return kb_.entries.empty(); }

 private:
  struct Scratch {
    std::vector<float> variantScores;
    std::vector<float> entryNearest;
    std::vector<float> entryCentroid;
    // Buffers, not lists: rank() keeps their used length itself and grows them to one
    // slot per posting a query reads (see rank()).
    std::vector<std::uint32_t> touchedVariants;
    std::vector<std::uint32_t> touchedEntries;
  };
  void prepare();
  void prepareTypeahead() const;
  std::vector<MatchCandidate> rank(const std::u32string& normalized, std::size_t k) const;

  KnowledgeBase kb_;
  FaqIndex index_;
  TierThresholds thresholds_;
  // Typeahead's phrasings, normalized: each FAQ's standard question, then its similar
  // ones, as UTF-8 one after another in a single buffer (phrasing i is
  // [questionStart_[i], questionStart_[i + 1])). A string of 32-bit code points each was
  // four times the bytes plus a header and an allocation per phrasing (1.9 MB for hflqa),
  // and UTF-8 answers both of typeahead's questions alike: a normalized prefix is a byte
  // prefix, and a contained text is a contained byte string.
  mutable std::string normalizedQuestions_;
  mutable std::vector<std::uint32_t> questionStart_;
  mutable std::vector<std::uint32_t> questionEntry_;
  // Reused between queries so a match allocates almost nothing; the engine is therefore
  // not safe to share between threads (the wasm core has one).
  mutable Scratch scratch_;
};

}  // namespace kefu
