#pragma once
// The searchable form of a knowledge base: a vocabulary with learned term weights and
// two inverted indexes over it,
//   - one over every question variant (the standard question and each similar one), for
//     "which phrasing that we know is this closest to", and
//   - one over each FAQ's centroid (the mean of its variants' vectors), which uses the
//     similar questions as labelled examples of the FAQ: terms the phrasings share weigh
//     more than a word one phrasing happens to use.
// All plain arrays, so the binary index (index_codec.h) is a straight copy.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "faq/knowledge_base.h"
#include "faq/term_table.h"

namespace kefu {

struct RankingParams {
  // Share of the nearest-variant cosine in the final score; the rest is the centroid's.
  float nearestVariantShare = 0.2f;
  // Relative weight of each term kind (tokenizer.h): bigrams carry Chinese words,
  // unigrams recall single-character words; trigrams only rescue typos.
  float cjkUnigramWeight = 0.6f;
  float cjkBigramWeight = 1.0f;
  float wordWeight = 1.0f;
  float wordPairWeight = 0.5f;
  float wordGramWeight = 0.4f;
  // Weight of the answer text inside the FAQ's centroid (0 = matched on questions only).
  float answerWeight = 0.15f;
  float keywordWeight = 0.5f;
  // A centroid is the mean of its phrasings' vectors, then trained on them as a softmax
  // classifier (faq_index.cpp, refineCentroids). The temperature sets how far ahead the
  // right FAQ must score before a phrasing stops teaching: lower trains harder on fewer.
  int trainingEpochs = 5;
  float trainingRate = 0.3f;
  float trainingTemperature = 0.07f;
  // Logit adjustment by phrasing counts: in the training's softmax a FAQ of n phrasings
  // starts ahead by this × ln n (× the temperature), so the centroids learn what is left
  // beyond how many phrasings each FAQ has. Without it, a FAQ taught many phrasings pulls
  // its centroid on every one and pushes its rivals on every one, and starts taking their
  // questions (issue 15's uneven teaching); at 1 (the textbook prior correction) hflqa,
  // whose phrasing counts follow how often its FAQs are asked, lost 2 points.
  float trainingPriorCorrection = 0.5f;
  // The ceiling on the training's cost (faq_index.cpp): the build is linear in the KB's
  // size and never runs longer than about these two limits' product allows.
  int trainingPhrasingVisits = 100000;
  int trainingPostingsPerPhrasing = 4096;
  // Terms used by more FAQs than this are left out of the training (neither scored nor
  // moved): they say little about which FAQ a phrasing is, and their centroid lists are
  // the longest, so scoring them was most of a large KB's build (faq_index.cpp). Their
  // centroid weights stay the mean's. No KB under this many FAQs is affected.
  int trainingMaxTermFaqs = 200;
  // Phrasing vector length normalization: 1 = cosine; lower favours long phrasings more.
  float lengthNormPower = 0.4f;
  // Centroid terms whose contribution to any query could be at most this are dropped
  // (scaled down on small KBs, see faq_index.cpp).
  float centroidMinImpact = 0.05f;
  // Terms in more than this share of the FAQs (我, 的, how, the) are left out of the
  // phrasing index: their posting lists are the longest and their weights the smallest,
  // so they cost most of the query time and move almost no ranking. They still count in
  // vector lengths and in the centroid index. On KBs under 1,000 FAQs, the share of
  // 1,000 FAQs instead (faq_index.cpp).
  float variantIndexMaxTermShare = 0.02f;
};

struct Postings {
  std::vector<std::uint32_t> start;  // per term: [start[t], start[t+1])
  std::vector<std::uint32_t> ids;
  std::vector<float> weights;
};

struct FaqIndex {
  RankingParams params;
  TermList terms;
  std::vector<float> termWeights;   // √idf × kind weight (faq_index.cpp)
  float unknownTermIdf = 0;         // √idf of query terms the KB never uses
  // Normalized synonym → normalized canonical word, longest first (KnowledgeBase::synonyms).
  std::vector<std::pair<std::u32string, std::u32string>> synonymRules;
  std::vector<std::uint32_t> variantEntry;  // variant → entry index
  Postings variantPostings;
  Postings centroidPostings;
  TermTable termTable;  // derived from terms by FaqEngine::adopt, not stored
  // The mean phrasing vector length the phrasing vectors are scaled by (lengthNormPower's
  // pivot, faq_index.cpp): derived, kept so a taught phrasing is scaled like the others.
  float variantPivotNorm = 1.0f;
  // Per term: used by at most params.trainingMaxTermFaqs FAQs, so the training (and
  // teaching) moves its centroid weights. Derived from the texts, not stored.
  std::vector<bool> trainedTerms;

  void indexTerms();
  // CRC-32 of the vocabulary in id order: an index file's centroids are stored by term id,
  // and the ids are derived again from the texts on load (index_codec.h), so the two must
  // come from the same tokenizer.
  std::uint32_t vocabularyChecksum() const;
  // The text as the index reads it: normalized (text_normalizer.h), synonyms replaced.
  std::u32string canonicalText(std::string_view text) const;
  std::size_t byteSize() const;
};

float termKindWeight(const RankingParams& params, std::string_view term);

// Centroid weights are fixed-point, multiples of 2^-12: the index file stores them as
// integers (index_codec.h), and a built index holds the same values a loaded one does.
// The rounding moves a weight by 2^-13 (0.00012) at most, against scores of 0..1.
constexpr float kCentroidWeightStep = 1.0f / 4096.0f;
inline float quantizedCentroidWeight(float weight) { return std::nearbyint(weight / kCentroidWeightStep) * kCentroidWeightStep; }

FaqIndex buildFaqIndex(const KnowledgeBase& kb, const RankingParams& params);
// The index of a KB whose centroids were trained before (index_codec.h): the vocabulary,
// term weights and phrasing index are derived from the texts again, deterministically,
// at a fraction of the training's cost.
FaqIndex rebuildFaqIndex(const KnowledgeBase& kb, const RankingParams& params, Postings trainedCentroids);

// A phrasing taught to (or, taught false, removed from) a FAQ's similar questions.
struct PhrasingChange {
  std::uint32_t entry;
  std::string phrasing;
  bool taught;
};

// Teaching without retraining: the index of `kbAfter` (the KB with `changes` already made
// to it, in that order) from the index of the KB before them. Each taught phrasing moves
// its FAQ's centroid as adding it to the mean would, then takes the training's softmax
// steps on it alone (pulling its FAQ, pushing the rivals that drew its probability); a
// removed one takes its share out of the mean. Everything else is derived from the texts
// again, as loading an index does. Within a stated tolerance of a full rebuild
// (tests/native/faq_engine_test.cpp), at a fraction of its cost.
FaqIndex changedFaqIndex(const FaqIndex& before, const KnowledgeBase& kbAfter, const std::vector<PhrasingChange>& changes);

}  // namespace kefu
