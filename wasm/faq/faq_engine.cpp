#include "faq/faq_engine.h"

#include <algorithm>
#include <cmath>

#include "base/utf8.h"
#include "faq/exp_via_pow.h"
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
    total += expViaPow((candidates[i].score - candidates[0].score) / temperature);
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

void FaqEngine::changePhrasings(const std::vector<PhrasingChange>& changes) {
  for (const auto& change : changes) {
    auto& similar = kb_.entries[change.entry].similar;
    if (change.taught) {
      similar.push_back(change.phrasing);
    } else if (auto at = std::find(similar.begin(), similar.end(), change.phrasing); at != similar.end()) {
      similar.erase(at);
    }
  }
  index_ = changedFaqIndex(index_, kb_, changes);
  index_.indexTerms();
  prepare();
}

void FaqEngine::prepare() {
  scratch_ = Scratch{};
  scratch_.variantScores.assign(index_.variantEntry.size(), 0.0f);
  scratch_.entryNearest.assign(kb_.entries.size(), 0.0f);
  scratch_.entryCentroid.assign(kb_.entries.size(), 0.0f);
  normalizedQuestions_ = {};
  questionStart_ = {};
  questionEntry_ = {};
}

// Typeahead's normalized phrasings are made on its first use: a page that never shows
// the composer's suggestions never pays for them, and loading an index stays fast.
void FaqEngine::prepareTypeahead() const {
  if (!questionStart_.empty() || kb_.entries.empty()) return;
  auto add = [this](const std::string& text, std::uint32_t entry) {
    for (char32_t codePoint : normalizeText(text)) utf8::append(normalizedQuestions_, codePoint);
    questionEntry_.push_back(entry);
    questionStart_.push_back(static_cast<std::uint32_t>(normalizedQuestions_.size()));
  };
  questionStart_.push_back(0);
  for (std::uint32_t e = 0; e < kb_.entries.size(); ++e) {
    add(kb_.entries[e].question, e);
    for (const auto& similar : kb_.entries[e].similar) add(similar, e);
  }
  normalizedQuestions_.shrink_to_fit();
  questionStart_.shrink_to_fit();
  questionEntry_.shrink_to_fit();
}

std::vector<MatchCandidate> FaqEngine::rank(const std::u32string& normalized, std::size_t k) const {
  std::vector<MatchCandidate> candidates;
  if (normalized.empty() || k == 0 || kb_.entries.empty()) return candidates;

  // Distinct terms: a query is a sentence, and a repeated character says little more.
  // Ids are deduplicated as integers; only the (few) unknown terms as strings.
  std::vector<std::string> unknown;
  // Term ids only: a term's weight follows from its id, so sorting plain integers (a sort
  // the wasm has anyway) orders and deduplicates them as well as sorting (id, weight) pairs.
  std::vector<std::uint32_t> known;
  const float* termWeights = index_.termWeights.data();
  for (auto& term : tokenize(normalized)) {
    const std::uint32_t id = index_.termTable.find(index_.terms, term);
    if (id == TermTable::kMissing) {
      // Few per query: a linear check is cheaper (and smaller in the wasm) than sorting strings.
      if (std::find(unknown.begin(), unknown.end(), term) == unknown.end()) unknown.push_back(std::move(term));
    } else if (termWeights[id] > 0) {
      known.push_back(id);
    }
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  double querySquares = 0;
  for (std::uint32_t id : known) querySquares += static_cast<double>(termWeights[id]) * termWeights[id];
  // Unseen words still count toward the query's length: a question that is mostly
  // about something the KB never mentions should score low, and go to a person.
  for (const auto& term : unknown) {
    const float weight = index_.unknownTermIdf * termKindWeight(index_.params, term);
    querySquares += static_cast<double>(weight) * weight;
  }
  if (known.empty() || querySquares <= 0) return candidates;
  const float queryNorm = static_cast<float>(std::sqrt(querySquares));

  Scratch& s = scratch_;
  // The postings and score arrays as plain pointers, read once: through the vectors, the
  // compiler has to reload their bounds after every store to a touched list.
  const std::uint32_t* variantStart = index_.variantPostings.start.data();
  const std::uint32_t* variantIds = index_.variantPostings.ids.data();
  const float* variantWeights = index_.variantPostings.weights.data();
  const std::uint32_t* centroidStart = index_.centroidPostings.start.data();
  const std::uint32_t* centroidIds = index_.centroidPostings.ids.data();
  const float* centroidWeights = index_.centroidPostings.weights.data();
  float* variantScores = s.variantScores.data();
  float* entryCentroid = s.entryCentroid.data();
  float* entryNearest = s.entryNearest.data();
  // The touched lists are appended to without a branch: each posting writes its id at the
  // end and moves the end only when its score was still zero. Whether a score is still
  // zero is a coin toss the processor cannot predict, and the mispredicted jumps cost
  // more than the postings' arithmetic. That needs room for one id per posting.
  std::size_t variantPostings = 0;
  std::size_t centroidPostings = 0;
  for (std::uint32_t term : known) {
    variantPostings += variantStart[term + 1] - variantStart[term];
    centroidPostings += centroidStart[term + 1] - centroidStart[term];
  }
  if (s.touchedVariants.size() <= variantPostings) s.touchedVariants.resize(variantPostings + 1);
  if (s.touchedEntries.size() <= variantPostings + centroidPostings) s.touchedEntries.resize(variantPostings + centroidPostings + 1);
  std::uint32_t* touchedVariants = s.touchedVariants.data();
  std::uint32_t* touchedEntries = s.touchedEntries.data();
  std::size_t variantsTouched = 0;
  std::size_t entriesTouched = 0;
  for (std::uint32_t term : known) {
    const float weight = termWeights[term];
    for (std::uint32_t p = variantStart[term], end = variantStart[term + 1]; p < end; ++p) {
      const std::uint32_t variant = variantIds[p];
      touchedVariants[variantsTouched] = variant;
      variantsTouched += variantScores[variant] == 0.0f ? 1 : 0;
      variantScores[variant] += weight * variantWeights[p];
    }
    for (std::uint32_t p = centroidStart[term], end = centroidStart[term + 1]; p < end; ++p) {
      const std::uint32_t entry = centroidIds[p];
      touchedEntries[entriesTouched] = entry;
      entriesTouched += entryCentroid[entry] == 0.0f ? 1 : 0;
      entryCentroid[entry] += weight * centroidWeights[p];
    }
  }
  const std::uint32_t* variantEntry = index_.variantEntry.data();
  for (std::size_t i = 0; i < variantsTouched; ++i) {
    const std::uint32_t variant = touchedVariants[i];
    const std::uint32_t entry = variantEntry[variant];
    touchedEntries[entriesTouched] = entry;
    entriesTouched += entryCentroid[entry] == 0.0f && entryNearest[entry] == 0.0f ? 1 : 0;
    entryNearest[entry] = std::max(entryNearest[entry], variantScores[variant]);
    variantScores[variant] = 0.0f;
  }

  // Only the best k survive: a small sorted array beats sorting every touched FAQ.
  const float nearestShare = index_.params.nearestVariantShare;
  candidates.reserve(k + 1);
  for (std::size_t i = 0; i < entriesTouched; ++i) {
    const std::uint32_t entry = touchedEntries[i];
    const float score = (nearestShare * entryNearest[entry] + (1.0f - nearestShare) * entryCentroid[entry]) / queryNorm;
    entryNearest[entry] = 0.0f;
    entryCentroid[entry] = 0.0f;
    if (!(score > 0.0f)) continue;
    const MatchCandidate candidate{entry, std::min(1.0, static_cast<double>(score))};
    if (candidates.size() == k && !betterCandidate(candidate, candidates.back())) continue;
    auto at = std::upper_bound(candidates.begin(), candidates.end(), candidate, betterCandidate);
    candidates.insert(at, candidate);
    if (candidates.size() > k) candidates.pop_back();
  }
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
  const std::u32string typedText = normalizeText(prefix);
  if (typedText.empty() || k == 0) return hits;
  std::string typed;
  for (char32_t codePoint : typedText) utf8::append(typed, codePoint);
  prepareTypeahead();
  const std::string_view questions = normalizedQuestions_;
  auto question = [&](std::size_t i) { return questions.substr(questionStart_[i], questionStart_[i + 1] - questionStart_[i]); };
  std::vector<bool> taken(kb_.entries.size(), false);
  auto take = [&](std::uint32_t entry) {
    if (hits.size() >= k || taken[entry]) return;
    taken[entry] = true;
    hits.push_back({entry, kb_.entries[entry].question});
  };
  // Phrasings that start with what was typed, then those that contain it, then the ranker's
  // best guesses for the words so far. Within a pass, KB order: the company's own order.
  for (std::size_t i = 0; i < questionEntry_.size() && hits.size() < k; ++i) {
    if (question(i).substr(0, typed.size()) == typed) take(questionEntry_[i]);
  }
  // One Latin letter would contain-match nearly everything; wait for a second.
  const bool longEnough = typedText.size() >= 2 || isCjkIdeograph(typedText[0]);
  // Containment is checked on standard questions only: scanning every phrasing of a large
  // KB on each keystroke costs more than the ranker's pass below, which covers them anyway.
  for (std::size_t i = 0; longEnough && i < questionEntry_.size() && hits.size() < k; ++i) {
    const bool standardQuestion = i == 0 || questionEntry_[i] != questionEntry_[i - 1];  // each FAQ's first phrasing
    if (standardQuestion && question(i).find(typed) != std::string_view::npos) take(questionEntry_[i]);
  }
  if (hits.size() < k && longEnough) {
    for (const auto& candidate : rank(index_.canonicalText(prefix), k)) take(static_cast<std::uint32_t>(candidate.entryIndex));
  }
  return hits;
}

}  // namespace kefu
