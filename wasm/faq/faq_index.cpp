#include "faq/faq_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/crc32.h"
#include "faq/text_normalizer.h"
#include "faq/tokenizer.h"

namespace kefu {

namespace {

// Answers can be long; the first part says what they are about, the rest mostly costs time.
constexpr std::size_t kAnswerCharsIndexed = 600;

using SparseVector = std::vector<std::pair<std::uint32_t, float>>;  // sorted by term id

// Posting lists written straight into their flat arrays: every posting is counted in a
// first pass over the texts, and stored in a second. A growing list per term had cost
// about twice the lists' final size at the peak of an index load (tens of thousands of
// small vectors, their headers and growth slack, then the copy), and an index load's
// peak is the wasm memory a visitor's device keeps.
class PostingsBuilder {
 public:
  explicit PostingsBuilder(std::size_t termCount) { postings_.start.assign(termCount + 1, 0); }
  void count(std::uint32_t term) { ++postings_.start[term + 1]; }
  // After every count(): room for exactly the postings counted.
  void allocate() {
    for (std::size_t term = 1; term < postings_.start.size(); ++term) postings_.start[term] += postings_.start[term - 1];
    next_.assign(postings_.start.begin(), postings_.start.end() - 1);
    postings_.ids.resize(postings_.start.back());
    postings_.weights.resize(postings_.start.back());
  }
  // In the counted order, ids ascending within each term's list.
  void add(std::uint32_t term, std::uint32_t id, float weight) {
    const std::uint32_t at = next_[term]++;
    postings_.ids[at] = id;
    postings_.weights[at] = weight;
  }
  Postings finish() {
    next_ = {};
    return std::move(postings_);
  }

 private:
  Postings postings_;
  std::vector<std::uint32_t> next_;  // per term: where its next posting goes
};

std::u32string truncated(const FaqIndex& index, const std::string& text, std::size_t maxChars) {
  std::u32string normalized = index.canonicalText(text);
  if (normalized.size() > maxChars) normalized.resize(maxChars);
  return normalized;
}

// A text's distinct term ids, sorted (EntryTerms).
struct TermIds {
  const std::uint32_t* first;
  const std::uint32_t* last;
  const std::uint32_t* begin() const { return first; }
  const std::uint32_t* end() const { return last; }
};

// A FAQ's texts as term ids: each text's distinct ids, sorted, one text after another
// (text t is [ends[t − 1], ends[t])): its phrasings, then its keywords together, then its
// answer. One array per FAQ, not one per text: an index load holds them all at once, and
// a vector per phrasing (its header, allocation and growth slack, repeated ids) was the
// largest part of the load's peak memory.
struct EntryTerms {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> ends;

  // Ends the text whose ids were appended since the previous one.
  void endText() {
    const auto first = ids.begin() + (ends.empty() ? 0 : ends.back());
    std::sort(first, ids.end());
    ids.erase(std::unique(first, ids.end()), ids.end());
    ends.push_back(static_cast<std::uint32_t>(ids.size()));
  }
  TermIds text(std::size_t t) const { return {ids.data() + (t == 0 ? 0 : ends[t - 1]), ids.data() + ends[t]}; }
  std::size_t variants() const { return ends.size() - 2; }
  TermIds variant(std::size_t v) const { return text(v); }
  TermIds keywords() const { return text(ends.size() - 2); }
  TermIds answer() const { return text(ends.size() - 1); }
};

// A text's distinct terms with their (positive) term weights, sorted by term id.
SparseVector weightedTerms(TermIds distinct, const std::vector<float>& termWeights) {
  SparseVector vector;
  for (std::uint32_t term : distinct) {
    if (termWeights[term] > 0) vector.emplace_back(term, termWeights[term]);
  }
  return vector;
}

double normOf(const SparseVector& vector) {
  double squares = 0;
  for (const auto& [term, weight] : vector) squares += static_cast<double>(weight) * weight;
  return std::sqrt(squares);
}

// weightedTerms divided by norm^power · pivot^(1−power): power 1 is the unit vector
// (cosine); below 1, long phrasings are penalized less (pivoted normalization, as BM25's
// length normalization does), with the pivot keeping scores on the same scale.
SparseVector unitVector(TermIds termIds, const std::vector<float>& termWeights,
                        float power = 1.0f, double pivot = 1.0) {
  SparseVector vector = weightedTerms(termIds, termWeights);
  const double norm = normOf(vector);
  if (norm > 0) {
    const auto scale = static_cast<float>(std::pow(norm, power) * std::pow(pivot, 1.0 - power));
    for (auto& entry : vector) entry.second /= scale;
  }
  return vector;
}

// e^x for the training's softmax, to about 2e-5 relative: 2^(x·log2 e), the power of two
// put in the exponent bits and 2^fraction as a polynomial (its Taylor series). The
// training takes one per rival FAQ per phrasing, and pow() was a third of a build.
float trainingExp(float x) {
  const float t = x * 1.44269504f;
  if (t < -126.0f) return 0.0f;
  if (t > 127.0f) return HUGE_VALF;
  const float whole = std::floor(t);
  const float f = t - whole;
  const float fraction = 1.0f + f * (0.693147181f + f * (0.240226507f + f * (0.0555041087f + f * (0.00961812911f + f * (0.00133335581f + f * 0.000154035304f)))));
  const auto bits = static_cast<std::uint32_t>(static_cast<int>(whole) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return fraction * scale;
}

// The centroid postings from term-major (entry, weight) lists: `centroidWeight(entry,
// weight)` gives the weight to store, and what could move no query's score by more than
// centroidMinImpact (scaled by `pruning`) is left out. Counted (pass 0), then stored (pass 1).
template <typename CentroidWeight>
Postings centroidPostingsOf(const FaqIndex& index, const std::vector<std::vector<std::pair<std::uint32_t, float>>>& centroidByTerm,
                            double pruning, CentroidWeight centroidWeight) {
  PostingsBuilder postings(index.terms.size());
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uint32_t term = 0; term < centroidByTerm.size(); ++term) {
      for (const auto& [entry, weight] : centroidByTerm[term]) {
        const float scaled = centroidWeight(entry, weight);
        if (std::fabs(scaled) * index.termWeights[term] < index.params.centroidMinImpact * pruning) continue;
        const float quantized = quantizedCentroidWeight(scaled);
        if (quantized == 0.0f) continue;
        if (pass == 0) {
          postings.count(term);
        } else {
          postings.add(term, entry, quantized);
        }
      }
    }
    if (pass == 0) postings.allocate();
  }
  return postings.finish();
}

// How far the index prunes weak evidence, by the KB's size (indexOf explains why); one
// rule for the build and for teaching.
double pruningOf(std::size_t entries) { return std::min(1.0, static_cast<double>(std::max<std::size_t>(1, entries)) / 1000.0); }

// Trains the centroids on the KB's own phrasings, each one held out from its FAQ's
// centroid while it is scored (leave-one-out), as a softmax (multinomial logistic)
// classifier: the held-out phrasing pulls its FAQ's centroid toward its terms by how
// unsure the centroids are of it (1 − p), and pushes every rival away by the probability
// it took (p), p = softmax(score / temperature). Unlike a perceptron that pushes only the
// strongest rival, every FAQ that draws a phrasing's probability learns from it, and the
// scores come out calibrated: the gap between the top two FAQs means the same thing on
// every KB, which the answer tier's margin relies on. This is also what teaches "how do
// I say X in French" to mean translation rather than X.
// Only the terms of `trainedTerms` take part (RankingParams::trainingMaxTermFaqs): the
// examples lose the others here.
void refineCentroids(const RankingParams& params, std::vector<SparseVector>& examples,
                     const std::vector<std::uint32_t>& exampleEntry, const std::vector<float>& entryMass,
                     const std::vector<bool>& trainedTerms,
                     std::vector<std::vector<std::pair<std::uint32_t, float>>>& centroidByTerm) {
  if (params.trainingEpochs <= 0 || examples.empty() || !(params.trainingTemperature > 0)) return;
  for (SparseVector& example : examples) {
    example.erase(std::remove_if(example.begin(), example.end(), [&](const auto& entry) { return !trainedTerms[entry.first]; }), example.end());
  }
  std::vector<float> scores(entryMass.size(), 0.0f);
  std::vector<std::uint32_t> touched;
  std::vector<std::pair<std::uint32_t, float>> rivals;  // (entry, score − the truth's score)
  auto adjust = [&](std::uint32_t term, std::uint32_t entry, float delta) {
    auto& list = centroidByTerm[term];
    auto at = std::lower_bound(list.begin(), list.end(), entry,
                               [](const std::pair<std::uint32_t, float>& item, std::uint32_t value) { return item.first < value; });
    if (at != list.end() && at->first == entry) {
      at->second += delta;
    } else {
      list.insert(at, {entry, delta});
    }
  };
  // A FAQ that takes less than this of a phrasing's probability is left as it is: pushing
  // every faintly related FAQ would fill the centroids with tiny weights for no ranking.
  constexpr float kMinRivalProbability = 0.01f;
  // A fixed-seed shuffle: the same KB always trains to the same index.
  std::vector<std::uint32_t> order(examples.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  // The training's cost has a ceiling whatever the KB: at most trainingPhrasingVisits
  // phrasings scored in all (later epochs are cut short, then skipped), each reading at
  // most trainingPostingsPerPhrasing centroid postings. Without it, a KB of many similar
  // phrasings cost (phrasings × FAQs sharing their words) per epoch: 2,000 FAQs of 100
  // similar phrasings took minutes to build.
  std::size_t visitsLeft = params.trainingPhrasingVisits;
  // ln(phrasings) per FAQ, for the prior correction (RankingParams::trainingPriorCorrection).
  std::vector<float> logPrior(entryMass.size(), 0.0f);
  {
    std::vector<float> counts(entryMass.size(), 0.0f);
    for (std::uint32_t entry : exampleEntry) counts[entry] += 1.0f;
    for (std::size_t e = 0; e < counts.size(); ++e) logPrior[e] = counts[e] > 0 ? std::log(counts[e]) : 0.0f;
  }

  std::vector<std::pair<std::uint32_t, std::uint32_t>> termOrder;  // (postings, position in the phrasing)
  for (int epoch = 0; epoch < params.trainingEpochs && visitsLeft > 0; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      std::swap(order[i - 1], order[static_cast<std::size_t>((state >> 33) % i)]);
    }
    for (std::uint32_t example : order) {
      if (visitsLeft == 0) break;
      const SparseVector& x = examples[example];
      const std::uint32_t truth = exampleEntry[example];
      // A FAQ's only phrasing, held out, leaves nothing to compare it with.
      if (entryMass[truth] < 1.5f) continue;
      --visitsLeft;
      // The phrasing is scored on its rarest terms first, as many as the postings budget
      // reaches: the common terms left out weigh least (√idf) and have the longest lists.
      termOrder.clear();
      for (std::uint32_t i = 0; i < x.size(); ++i) termOrder.emplace_back(static_cast<std::uint32_t>(centroidByTerm[x[i].first].size()), i);
      std::sort(termOrder.begin(), termOrder.end());
      const std::size_t budget = static_cast<std::size_t>(std::max(0, params.trainingPostingsPerPhrasing));
      std::size_t postingsLeft = budget;
      if (touched.size() <= budget) touched.resize(budget + 1);
      std::size_t touchedCount = 0;
      float selfDot = 0.0f;  // the phrasing's own share of its FAQ's centroid score
      for (const auto& [postings, i] : termOrder) {
        if (postings > postingsLeft) break;
        postingsLeft -= postings;
        const auto& [term, weight] = x[i];
        selfDot += weight * weight;
        // Appended without a branch, as FaqEngine::rank does: whether a score is still
        // zero is a coin toss the processor mispredicts.
        for (const auto& [entry, centroidWeight] : centroidByTerm[term]) {
          touched[touchedCount] = entry;
          touchedCount += scores[entry] == 0.0f ? 1 : 0;
          scores[entry] += weight * centroidWeight;
        }
      }
      float truthScore = 0.0f;
      for (std::size_t t = 0; t < touchedCount; ++t) {
        const std::uint32_t entry = touched[t];
        if (entry == truth) {
          truthScore = (scores[entry] - selfDot) / (entryMass[entry] - 1.0f);
        } else {
          rivals.emplace_back(entry, scores[entry] / entryMass[entry]);
        }
        scores[entry] = 0.0f;
      }
      // Probabilities relative to the truth's exp(0), so no exponent can overflow while
      // the truth leads; FAQs that share no term with the phrasing are left out.
      double total = 1.0;
      for (auto& rival : rivals) {
        rival.second = trainingExp((rival.second - truthScore) / params.trainingTemperature +
                                   params.trainingPriorCorrection * (logPrior[rival.first] - logPrior[truth]));
        total += rival.second;
      }
      const auto rate = static_cast<float>(params.trainingRate / total);
      if (total - 1.0 > kMinRivalProbability) {
        for (const auto& [term, weight] : x) adjust(term, truth, rate * static_cast<float>(total - 1.0) * entryMass[truth] * weight);
      }
      for (const auto& [entry, odds] : rivals) {
        if (odds < kMinRivalProbability * total) continue;
        for (const auto& [term, weight] : x) adjust(term, entry, -rate * odds * entryMass[entry] * weight);
      }
      rivals.clear();
    }
  }
}

}  // namespace

float termKindWeight(const RankingParams& params, std::string_view term) {
  switch (termKind(term)) {
    case TermKind::cjkUnigram: return params.cjkUnigramWeight;
    case TermKind::cjkBigram: return params.cjkBigramWeight;
    case TermKind::word: return params.wordWeight;
    case TermKind::wordPair: return params.wordPairWeight;
    case TermKind::wordGram: return params.wordGramWeight;
  }
  return 1.0f;
}

void FaqIndex::indexTerms() { termTable.build(terms); }

namespace {

// A Latin-script synonym must match whole words ("app" is not inside "apple"); a
// Chinese one matches anywhere, as Chinese has no spaces to respect.
bool separatesWords(char32_t neighbour) { return neighbour == U' ' || isCjkIdeograph(neighbour); }

bool wholeWordAt(const std::u32string& text, std::size_t at, const std::u32string& word) {
  const std::size_t end = at + word.size();
  const bool leftOk = isCjkIdeograph(word.front()) || at == 0 || separatesWords(text[at - 1]);
  const bool rightOk = isCjkIdeograph(word.back()) || end >= text.size() || separatesWords(text[end]);
  return leftOk && rightOk;
}

std::vector<std::pair<std::u32string, std::u32string>> synonymRulesOf(const KnowledgeBase& kb) {
  std::vector<std::pair<std::u32string, std::u32string>> rules;
  for (const auto& group : kb.synonyms) {
    if (group.empty()) continue;
    const std::u32string canonical = normalizeText(group[0]);
    for (std::size_t i = 1; i < group.size(); ++i) {
      std::u32string word = normalizeText(group[i]);
      if (!word.empty() && word != canonical) rules.emplace_back(std::move(word), canonical);
    }
  }
  // Longest first, so "退款申请" is replaced before "退款"; ties in a fixed order. The
  // positions are sorted, not the rules: sorting pairs of strings in place compiled to
  // 14 KB of wasm, for a step that runs once per KB.
  std::vector<std::uint32_t> order(rules.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&rules](std::uint32_t i, std::uint32_t j) {
    const auto& a = rules[i];
    const auto& b = rules[j];
    return a.first.size() != b.first.size() ? a.first.size() > b.first.size() : a < b;
  });
  std::vector<std::pair<std::u32string, std::u32string>> sorted;
  sorted.reserve(rules.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(rules[i]));
  return sorted;
}

}  // namespace

std::u32string FaqIndex::canonicalText(std::string_view text) const {
  std::u32string out = normalizeText(text);
  for (const auto& [word, canonical] : synonymRules) {
    for (std::size_t at = out.find(word); at != std::u32string::npos; at = out.find(word, at)) {
      if (!wholeWordAt(out, at, word)) {
        ++at;
        continue;
      }
      out.replace(at, word.size(), canonical);
      at += canonical.size();
    }
  }
  return out;
}

std::size_t FaqIndex::byteSize() const {
  std::size_t bytes = 0;
  bytes += terms.byteSize();
  bytes += termWeights.size() * 4 + variantEntry.size() * 4;
  for (const Postings* postings : {&variantPostings, &centroidPostings}) {
    bytes += postings->start.size() * 4 + postings->ids.size() * 4 + postings->weights.size() * 4;
  }
  return bytes;
}

namespace {

// Both build paths: trainedCentroids null trains the centroids; otherwise they are taken
// as they are and everything else is derived from the texts.
FaqIndex indexOf(const KnowledgeBase& kb, const RankingParams& params, Postings* trainedCentroids) {
  FaqIndex index;
  index.params = params;
  index.synonymRules = synonymRulesOf(kb);

  // The vocabulary is built in the query-time term table: an unordered_map of strings
  // here was a second hash table's code in the wasm.
  std::vector<EntryTerms> entryTerms(kb.entries.size());
  for (std::size_t e = 0; e < kb.entries.size(); ++e) {
    const FaqEntry& entry = kb.entries[e];
    EntryTerms& terms = entryTerms[e];
    auto addTerms = [&index, &terms](const std::u32string& normalized) {
      for (auto& term : tokenize(normalized)) terms.ids.push_back(index.termTable.add(index.terms, std::move(term)));
    };
    addTerms(index.canonicalText(entry.question));
    terms.endText();
    for (const auto& similar : entry.similar) {
      addTerms(index.canonicalText(similar));
      terms.endText();
    }
    for (const auto& keyword : entry.keywords) addTerms(index.canonicalText(keyword));
    terms.endText();
    if (params.answerWeight > 0) addTerms(truncated(index, entry.answer, kAnswerCharsIndexed));
    terms.endText();
    terms.ids.shrink_to_fit();
  }

  // The vocabulary is complete: its growth slack (up to half of it) would stay for as long
  // as the index does.
  index.terms.shrink_to_fit();

  // Document frequency counts entries, not variants: a FAQ with forty phrasings of one
  // word must not make that word look common.
  std::vector<std::uint32_t> entryFrequency(index.terms.size(), 0);
  std::vector<std::uint32_t> lastEntrySeen(index.terms.size(), UINT32_MAX);
  for (std::uint32_t e = 0; e < entryTerms.size(); ++e) {
    for (std::uint32_t term : entryTerms[e].ids) {
      if (lastEntrySeen[term] != e) lastEntrySeen[term] = e, ++entryFrequency[term];
    }
  }
  const double entries = static_cast<double>(std::max<std::size_t>(1, kb.entries.size()));
  // A term's weight is the square root of its idf: the query and the phrasing or centroid
  // both carry it, so a shared term counts idf once in their product, not idf². With idf²,
  // a word in a third of the FAQs ("why", "when", "pending") weighed a tenth of a rare one
  // and the training could hardly raise it, though such words are often what tells two
  // intents apart ("why verify my identity" / "verify my identity"). On half 0 of the dev
  // sets, hit@1 rose on banking77 0.754 → 0.775, clinc150 0.824 → 0.842, hflqa 0.884 → 0.892.
  index.termWeights.resize(index.terms.size());
  for (std::size_t term = 0; term < index.terms.size(); ++term) {
    const double df = entryFrequency[term];
    const double idf = std::log(1.0 + (entries - df + 0.5) / (df + 0.5));
    index.termWeights[term] = static_cast<float>(std::sqrt(idf)) * termKindWeight(params, index.terms[term]);
  }
  index.unknownTermIdf = static_cast<float>(std::sqrt(std::log(1.0 + (entries + 0.5) / 0.5)));
  index.trainedTerms.resize(index.terms.size());
  for (std::size_t term = 0; term < index.terms.size(); ++term) {
    index.trainedTerms[term] = entryFrequency[term] <= static_cast<std::uint32_t>(std::max(0, params.trainingMaxTermFaqs));
  }

  // Both prunings are for speed on large KBs, where a common term's lists run to
  // thousands. On a small KB every list is short, and the pruned weak evidence is what
  // tells near-identical intents apart ("how long until my oil change" from "how do I
  // change my oil"), so below 1,000 FAQs they shrink in proportion.
  const double pruning = pruningOf(kb.entries.size());
  const double maxVariantTermFrequency = std::max(2.0, params.variantIndexMaxTermShare * entries / pruning);
  double pivotNorm = 0;
  std::size_t variantCountAll = 0;
  for (const auto& entry : entryTerms) {
    for (std::size_t v = 0; v < entry.variants(); ++v) pivotNorm += normOf(weightedTerms(entry.variant(v), index.termWeights)), ++variantCountAll;
  }
  pivotNorm = variantCountAll > 0 && pivotNorm > 0 ? pivotNorm / static_cast<double>(variantCountAll) : 1.0;
  index.variantPivotNorm = static_cast<float>(pivotNorm);
  PostingsBuilder variantPostings(index.terms.size());
  auto inVariantIndex = [&](std::uint32_t term) { return entryFrequency[term] <= maxVariantTermFrequency; };
  const bool training = trainedCentroids == nullptr;
  // FAQ centroids kept term-major, (entry, summed weight) sorted by entry, so that a
  // training phrasing is scored exactly like a query. Only a training build needs them.
  std::vector<std::vector<std::pair<std::uint32_t, float>>> centroidByTerm(training ? index.terms.size() : 0);
  std::vector<float> entryMass(entryTerms.size(), 0.0f);
  std::vector<SparseVector> examples;
  std::vector<float> centroid(training ? index.terms.size() : 0, 0.0f);
  std::vector<std::uint32_t> touched;
  for (std::uint32_t e = 0; e < entryTerms.size(); ++e) {
    auto accumulate = [&](const SparseVector& vector, float share) {
      if (vector.empty() || !training) return;
      for (const auto& [term, weight] : vector) {
        if (centroid[term] == 0.0f) touched.push_back(term);
        centroid[term] += weight * share;
      }
      entryMass[e] += share;
    };
    for (std::size_t v = 0; v < entryTerms[e].variants(); ++v) {
      SparseVector vector = unitVector(entryTerms[e].variant(v), index.termWeights, params.lengthNormPower, pivotNorm);
      if (vector.empty()) continue;
      index.variantEntry.push_back(e);
      for (const auto& [term, weight] : vector) {
        if (inVariantIndex(term)) variantPostings.count(term);
      }
      accumulate(vector, 1.0f);
      if (training) examples.push_back(std::move(vector));
    }
    const float variantCount = static_cast<float>(std::max<std::size_t>(1, entryTerms[e].variants()));
    accumulate(unitVector(entryTerms[e].keywords(), index.termWeights), params.keywordWeight * variantCount);
    accumulate(unitVector(entryTerms[e].answer(), index.termWeights), params.answerWeight * variantCount);
    std::sort(touched.begin(), touched.end());
    for (std::uint32_t term : touched) {
      centroidByTerm[term].emplace_back(e, centroid[term]);
      centroid[term] = 0.0f;
    }
    touched.clear();
  }
  centroid = {};
  index.variantEntry.shrink_to_fit();

  // The phrasing index's second pass: the same vectors again, stored this time. Each
  // FAQ's term ids are let go once read, so they and the postings are not held together.
  variantPostings.allocate();
  std::uint32_t variantId = 0;
  for (auto& entry : entryTerms) {
    for (std::size_t v = 0; v < entry.variants(); ++v) {
      const SparseVector vector = unitVector(entry.variant(v), index.termWeights, params.lengthNormPower, pivotNorm);
      if (vector.empty()) continue;
      for (const auto& [term, weight] : vector) {
        if (inVariantIndex(term)) variantPostings.add(term, variantId, weight);
      }
      ++variantId;
    }
    entry = EntryTerms{};
  }
  index.variantPostings = variantPostings.finish();

  if (!training) {
    index.centroidPostings = std::move(*trainedCentroids);
    return index;
  }
  refineCentroids(params, examples, index.variantEntry, entryMass, index.trainedTerms, centroidByTerm);
  examples = {};

  // The trained centroids' postings, also counted (pass 0) before they are stored (pass 1).
  index.centroidPostings = centroidPostingsOf(index, centroidByTerm, pruning, [&](std::uint32_t entry, float weight) {
    if (entryMass[entry] <= 0 || weight == 0.0f) return 0.0f;
    // The mean of the phrasing vectors (computed in double, as the index always has been).
    return static_cast<float>(weight / static_cast<double>(entryMass[entry]));
  });
  return index;
}

}  // namespace

FaqIndex buildFaqIndex(const KnowledgeBase& kb, const RankingParams& params) { return indexOf(kb, params, nullptr); }

FaqIndex rebuildFaqIndex(const KnowledgeBase& kb, const RankingParams& params, Postings trainedCentroids) {
  return indexOf(kb, params, &trainedCentroids);
}

namespace {

// Sorts `ids` and drops repeats in place: the view weightedTerms and unitVector take.
TermIds distinctTermIds(std::vector<std::uint32_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return {ids.data(), ids.data() + ids.size()};
}

// A phrasing's vector in `index`'s vocabulary, scaled as indexOf scales a phrasing. A term
// the vocabulary no longer has (the last use of a word, just removed) still counts in the
// length, at the weight of a word one FAQ uses, so the vector is the one that was added.
SparseVector phrasingVector(const FaqIndex& index, std::size_t entryCount, std::string_view phrasing) {
  const double entries = static_cast<double>(std::max<std::size_t>(1, entryCount));
  const float rareTermWeight = static_cast<float>(std::sqrt(std::log(1.0 + (entries - 0.5) / 1.5)));
  std::vector<std::uint32_t> ids;
  double missingSquares = 0;
  std::vector<std::string> missing;
  for (auto& term : tokenize(index.canonicalText(phrasing))) {
    const std::uint32_t id = index.termTable.find(index.terms, term);
    if (id != TermTable::kMissing) {
      ids.push_back(id);
    } else if (std::find(missing.begin(), missing.end(), term) == missing.end()) {
      const float weight = rareTermWeight * termKindWeight(index.params, term);
      missingSquares += static_cast<double>(weight) * weight;
      missing.push_back(std::move(term));
    }
  }
  SparseVector vector = weightedTerms(distinctTermIds(ids), index.termWeights);
  const double norm = std::sqrt(normOf(vector) * normOf(vector) + missingSquares);
  if (norm > 0) {
    const double power = index.params.lengthNormPower;
    const auto scale = static_cast<float>(std::pow(norm, power) * std::pow(static_cast<double>(index.variantPivotNorm), 1.0 - power));
    for (auto& entry : vector) entry.second /= scale;
  }
  return vector;
}

// The part of a FAQ's centroid that is not its phrasings: keywords and answer, each in
// proportion to the number of phrasings (indexOf), as weight · unit vector; `share` is
// 1 + their weights, the FAQ's mass per phrasing.
struct EntryExtra {
  SparseVector vector;
  float share = 1.0f;
};

EntryExtra entryExtraOf(const FaqIndex& index, const FaqEntry& entry) {
  EntryExtra extra;
  auto add = [&](std::vector<std::uint32_t> ids, float weight) {
    if (weight <= 0) return;
    SparseVector unit = unitVector(distinctTermIds(ids), index.termWeights);
    if (unit.empty()) return;
    extra.share += weight;
    for (const auto& [term, value] : unit) extra.vector.emplace_back(term, value * weight);
  };
  auto idsOf = [&](const std::u32string& normalized) {
    std::vector<std::uint32_t> ids;
    for (const auto& term : tokenize(normalized)) {
      const std::uint32_t id = index.termTable.find(index.terms, term);
      if (id != TermTable::kMissing) ids.push_back(id);
    }
    return ids;
  };
  std::vector<std::uint32_t> keywordIds;
  for (const auto& keyword : entry.keywords) {
    auto ids = idsOf(index.canonicalText(keyword));
    keywordIds.insert(keywordIds.end(), ids.begin(), ids.end());
  }
  add(keywordIds, index.params.keywordWeight);
  if (index.params.answerWeight > 0) add(idsOf(truncated(index, entry.answer, kAnswerCharsIndexed)), index.params.answerWeight);
  return extra;
}

}  // namespace

FaqIndex changedFaqIndex(const FaqIndex& before, const KnowledgeBase& kbAfter, const std::vector<PhrasingChange>& changes) {
  const RankingParams& params = before.params;
  FaqIndex index = rebuildFaqIndex(kbAfter, params, Postings{});
  const std::size_t entries = kbAfter.entries.size();

  // The trained centroids, term-major in the new vocabulary (a term keeps its text, not
  // its id, across the change), each FAQ's weights times its `scale`: taking a phrasing
  // into a mean scales the whole centroid, once per FAQ instead of once per weight.
  std::vector<std::vector<std::pair<std::uint32_t, float>>> centroidByTerm(index.terms.size());
  for (std::uint32_t term = 0; term < before.terms.size(); ++term) {
    const std::uint32_t to = index.termTable.find(index.terms, before.terms[term]);
    if (to == TermTable::kMissing) continue;  // a removed phrasing's last use of the word
    const Postings& centroids = before.centroidPostings;
    for (std::uint32_t p = centroids.start[term]; p < centroids.start[term + 1]; ++p) {
      centroidByTerm[to].emplace_back(centroids.ids[p], centroids.weights[p]);
    }
  }
  std::vector<float> scale(entries, 1.0f);
  auto add = [&](std::uint32_t entry, const SparseVector& vector, float factor) {
    for (const auto& [term, weight] : vector) {
      auto& list = centroidByTerm[term];
      auto at = std::lower_bound(list.begin(), list.end(), entry,
                                 [](const std::pair<std::uint32_t, float>& item, std::uint32_t value) { return item.first < value; });
      const float delta = factor * weight / scale[entry];
      if (at != list.end() && at->first == entry) {
        at->second += delta;
      } else {
        list.insert(at, {entry, delta});
      }
    }
  };

  // Phrasings per FAQ before the first change, counted back from the KB after them all.
  std::vector<float> phrasings(entries);
  for (std::size_t e = 0; e < entries; ++e) phrasings[e] = 1.0f + static_cast<float>(kbAfter.entries[e].similar.size());
  for (const auto& change : changes) phrasings[change.entry] += change.taught ? -1.0f : 1.0f;

  std::vector<float> scores(entries, 0.0f);
  std::vector<std::uint32_t> touched;
  std::vector<std::pair<std::uint32_t, float>> rivals;
  constexpr float kMinRivalProbability = 0.01f;  // as in refineCentroids
  for (const auto& change : changes) {
    const std::uint32_t truth = change.entry;
    const SparseVector x = phrasingVector(index, entries, change.phrasing);
    const EntryExtra extra = entryExtraOf(index, kbAfter.entries[truth]);
    const float count = phrasings[truth];  // the FAQ's phrasings before this change
    // The centroid is (Σ phrasings + count · extra) / (count · share), so one phrasing more
    // or less is c·n/n' + (±x + ±extra)/(n'·share) with n' = count ± 1.
    const float next = change.taught ? count + 1.0f : count - 1.0f;
    if (next < 1.0f) continue;
    scale[truth] *= count / next;
    const float sign = change.taught ? 1.0f : -1.0f;
    add(truth, x, sign / (next * extra.share));
    add(truth, extra.vector, sign / (next * extra.share));
    phrasings[truth] = next;
    if (!change.taught || x.empty()) continue;

    // The training's steps (refineCentroids) on this phrasing alone, as many as a full
    // training visits each phrasing: its FAQ scored without it (leave-one-out), on the
    // terms the training moves.
    const float mass = next * extra.share;
    SparseVector trained;
    for (const auto& entry : x) {
      if (index.trainedTerms[entry.first]) trained.push_back(entry);
    }
    float selfDot = 0.0f;
    for (const auto& [term, weight] : trained) selfDot += weight * weight;
    for (int step = 0; step < params.trainingEpochs && params.trainingTemperature > 0 && mass > 1.5f; ++step) {
      touched.clear();
      for (const auto& [term, weight] : trained) {
        for (const auto& [entry, centroidWeight] : centroidByTerm[term]) {
          if (scores[entry] == 0.0f) touched.push_back(entry);
          scores[entry] += weight * centroidWeight * scale[entry];
        }
      }
      float truthScore = 0.0f;
      for (std::uint32_t entry : touched) {
        if (entry == truth) {
          truthScore = (scores[entry] * mass - selfDot) / (mass - 1.0f);
        } else {
          rivals.emplace_back(entry, scores[entry]);
        }
        scores[entry] = 0.0f;
      }
      double total = 1.0;
      for (auto& rival : rivals) {
        rival.second = trainingExp((rival.second - truthScore) / params.trainingTemperature +
                                   params.trainingPriorCorrection * (std::log(phrasings[rival.first]) - std::log(phrasings[truth])));
        total += rival.second;
      }
      if (total - 1.0 > kMinRivalProbability) add(truth, trained, static_cast<float>(params.trainingRate * (total - 1.0) / total));
      for (const auto& [entry, odds] : rivals) {
        if (odds >= kMinRivalProbability * total) add(entry, trained, static_cast<float>(-params.trainingRate * odds / total));
      }
      rivals.clear();
    }
  }

  const double pruning = pruningOf(entries);
  index.centroidPostings = centroidPostingsOf(index, centroidByTerm, pruning,
                                             [&](std::uint32_t entry, float weight) { return weight * scale[entry]; });
  return index;
}

std::uint32_t FaqIndex::vocabularyChecksum() const {
  std::string joined;
  for (std::size_t id = 0; id < terms.size(); ++id) joined.append(terms[id]).push_back('\0');
  return crc32(joined);
}

}  // namespace kefu
