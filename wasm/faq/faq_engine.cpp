#include "faq/faq_engine.h"

#include <algorithm>
#include <cmath>

#include "faq/text_normalizer.h"
#include "faq/tokenizer.h"

namespace kefu {

namespace {

bool betterCandidate(const MatchCandidate& a, const MatchCandidate& b) {
  return a.score != b.score ? a.score > b.score : a.entryIndex < b.entryIndex;
}

// Enough rivals for the top FAQ's probability: a sixth within reach of the first is rare,
// and each costs the ranker a slot in its sorted shortlist.
constexpr std::size_t kConfidenceCandidates = 5;

}  // namespace

double answerConfidence(const std::vector<MatchCandidate>& candidates, float temperature) {
  if (candidates.empty()) return 0.0;
  if (!(temperature > 0)) return candidates.size() > 1 && candidates[1].score >= candidates[0].score ? 0.0 : 1.0;
  double total = 1.0;
  for (std::size_t i = 1; i < candidates.size() && i < kConfidenceCandidates; ++i) {
    total += std::exp((candidates[i].score - candidates[0].score) / temperature);
  }
  return 1.0 / total;
}

const char* tierName(MatchTier tier) {
  switch (tier) {
    case MatchTier::answer: return "answer";
    case MatchTier::suggest: return "suggest";
    case MatchTier::handoff: return "handoff";
  }
  return "handoff";
}

void FaqEngine::build(KnowledgeBase kb, TierThresholds thresholds, RankingParams params) {
  FaqIndex index = buildFaqIndex(kb, params);
  adopt(std::move(kb), std::move(index), thresholds);
}

void FaqEngine::adopt(KnowledgeBase kb, FaqIndex index, TierThresholds thresholds) {
  kb_ = std::move(kb);
  index_ = std::move(index);
  index_.indexTerms();
  thresholds_ = thresholds;
  prepare();
}

void FaqEngine::prepare() {
  scratch_ = Scratch{};
  scratch_.variantScores.assign(index_.variantEntry.size(), 0.0f);
  scratch_.entryNearest.assign(kb_.entries.size(), 0.0f);
  scratch_.entryCentroid.assign(kb_.entries.size(), 0.0f);
  normalizedQuestions_.clear();
  questionEntry_.clear();
  isStandardQuestion_.clear();
}

// Typeahead's normalized phrasings are made on its first use: a page that never shows
// the composer's suggestions never pays for them, and loading an index stays fast.
void FaqEngine::prepareTypeahead() const {
  if (!normalizedQuestions_.empty() || kb_.entries.empty()) return;
  for (std::uint32_t e = 0; e < kb_.entries.size(); ++e) {
    normalizedQuestions_.push_back(normalizeText(kb_.entries[e].question));
    questionEntry_.push_back(e);
    isStandardQuestion_.push_back(true);
    for (const auto& similar : kb_.entries[e].similar) {
      normalizedQuestions_.push_back(normalizeText(similar));
      questionEntry_.push_back(e);
      isStandardQuestion_.push_back(false);
    }
  }
}

std::vector<MatchCandidate> FaqEngine::rank(const std::u32string& normalized, std::size_t k) const {
  std::vector<MatchCandidate> candidates;
  if (normalized.empty() || k == 0 || kb_.entries.empty()) return candidates;

  // Distinct terms: a query is a sentence, and a repeated character says little more.
  // Ids are deduplicated as integers; only the (few) unknown terms as strings.
  std::vector<std::string> unknown;
  std::vector<std::pair<std::uint32_t, float>> known;
  for (auto& term : tokenize(normalized)) {
    const std::uint32_t id = index_.termTable.find(index_.terms, term);
    if (id == TermTable::kMissing) {
      // Few per query: a linear check is cheaper (and smaller in the wasm) than sorting strings.
      if (std::find(unknown.begin(), unknown.end(), term) == unknown.end()) unknown.push_back(std::move(term));
    } else if (index_.termWeights[id] > 0) {
      known.emplace_back(id, index_.termWeights[id]);
    }
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  double querySquares = 0;
  for (const auto& [id, weight] : known) querySquares += static_cast<double>(weight) * weight;
  // Unseen words still count toward the query's length: a question that is mostly
  // about something the KB never mentions should score low, and go to a person.
  for (const auto& term : unknown) {
    const float weight = index_.unknownTermIdf * termKindWeight(index_.params, term);
    querySquares += static_cast<double>(weight) * weight;
  }
  if (known.empty() || querySquares <= 0) return candidates;
  const float queryNorm = static_cast<float>(std::sqrt(querySquares));

  Scratch& s = scratch_;
  const Postings& variants = index_.variantPostings;
  const Postings& centroids = index_.centroidPostings;
  for (const auto& [term, weight] : known) {
    for (std::uint32_t p = variants.start[term]; p < variants.start[term + 1]; ++p) {
      const std::uint32_t variant = variants.ids[p];
      if (s.variantScores[variant] == 0.0f) s.touchedVariants.push_back(variant);
      s.variantScores[variant] += weight * variants.weights[p];
    }
    for (std::uint32_t p = centroids.start[term]; p < centroids.start[term + 1]; ++p) {
      const std::uint32_t entry = centroids.ids[p];
      if (s.entryCentroid[entry] == 0.0f) s.touchedEntries.push_back(entry);
      s.entryCentroid[entry] += weight * centroids.weights[p];
    }
  }
  for (std::uint32_t variant : s.touchedVariants) {
    const std::uint32_t entry = index_.variantEntry[variant];
    if (s.entryCentroid[entry] == 0.0f && s.entryNearest[entry] == 0.0f) s.touchedEntries.push_back(entry);
    s.entryNearest[entry] = std::max(s.entryNearest[entry], s.variantScores[variant]);
    s.variantScores[variant] = 0.0f;
  }
  s.touchedVariants.clear();

  // Only the best k survive: a small sorted array beats sorting every touched FAQ.
  const float nearestShare = index_.params.nearestVariantShare;
  candidates.reserve(k + 1);
  for (std::uint32_t entry : s.touchedEntries) {
    const float score = (nearestShare * s.entryNearest[entry] + (1.0f - nearestShare) * s.entryCentroid[entry]) / queryNorm;
    s.entryNearest[entry] = 0.0f;
    s.entryCentroid[entry] = 0.0f;
    if (!(score > 0.0f)) continue;
    const MatchCandidate candidate{entry, std::min(1.0, static_cast<double>(score))};
    if (candidates.size() == k && !betterCandidate(candidate, candidates.back())) continue;
    auto at = std::upper_bound(candidates.begin(), candidates.end(), candidate, betterCandidate);
    candidates.insert(at, candidate);
    if (candidates.size() > k) candidates.pop_back();
  }
  s.touchedEntries.clear();
  return candidates;
}

MatchResult FaqEngine::match(std::string_view text, std::size_t k) const {
  MatchResult result;
  if (k == 0) return result;
  // The confidence needs the runners-up even when the caller shows fewer.
  result.candidates = rank(index_.canonicalText(text), std::max(k, kConfidenceCandidates));
  const double top = result.candidates.empty() ? 0.0 : result.candidates[0].score;
  if (top >= thresholds_.answer &&
      answerConfidence(result.candidates, index_.params.trainingTemperature) >= thresholds_.answerConfidence) {
    result.tier = MatchTier::answer;
  } else if (top >= thresholds_.suggest) {
    result.tier = MatchTier::suggest;
  } else {
    result.tier = MatchTier::handoff;
  }
  if (result.candidates.size() > k) result.candidates.resize(k);
  return result;
}

std::vector<SuggestHit> FaqEngine::suggest(std::string_view prefix, std::size_t k) const {
  std::vector<SuggestHit> hits;
  const std::u32string typed = normalizeText(prefix);
  if (typed.empty() || k == 0) return hits;
  prepareTypeahead();
  std::vector<bool> taken(kb_.entries.size(), false);
  auto take = [&](std::uint32_t entry) {
    if (hits.size() >= k || taken[entry]) return;
    taken[entry] = true;
    hits.push_back({entry, kb_.entries[entry].question});
  };
  // Phrasings that start with what was typed, then those that contain it, then the ranker's
  // best guesses for the words so far. Within a pass, KB order: the company's own order.
  for (std::size_t i = 0; i < normalizedQuestions_.size() && hits.size() < k; ++i) {
    if (normalizedQuestions_[i].compare(0, typed.size(), typed) == 0) take(questionEntry_[i]);
  }
  // One Latin letter would contain-match nearly everything; wait for a second.
  const bool longEnough = typed.size() >= 2 || isCjkIdeograph(typed[0]);
  // Containment is checked on standard questions only: scanning every phrasing of a large
  // KB on each keystroke costs more than the ranker's pass below, which covers them anyway.
  for (std::size_t i = 0; longEnough && i < normalizedQuestions_.size() && hits.size() < k; ++i) {
    if (isStandardQuestion_[i] && normalizedQuestions_[i].find(typed) != std::u32string::npos) take(questionEntry_[i]);
  }
  if (hits.size() < k && longEnough) {
    for (const auto& candidate : rank(index_.canonicalText(prefix), k)) take(static_cast<std::uint32_t>(candidate.entryIndex));
  }
  return hits;
}

}  // namespace kefu
