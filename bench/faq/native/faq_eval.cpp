// kefu-faq-eval DATASET.json [param=value ...] [--sweep] [--half=0|1]
// The same figures as `kefu eval`, computed natively so ranking changes can be tried in
// seconds. --sweep prints answer precision/coverage over a grid of thresholds, which is
// how the default tier thresholds were chosen (on all dev sets together). --half keeps
// one of two fixed halves of the queries (by a hash of their text), so parameters can be
// picked on one half and checked on the other.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "base/json_text.h"
#include "faq/faq_engine.h"
#include "faq/index_codec.h"

using namespace kefu;

namespace {

struct Query {
  std::string text;
  std::string expect;  // empty: out of scope
};

struct Scored {
  bool inScope;
  bool right;
  double top;
  double confidence;  // answerConfidence (faq_engine.h)
};

std::uint32_t fnv1a(const std::string& text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
  return hash;
}

bool setParam(RankingParams& p, TierThresholds& t, const std::string& name, float value) {
  const std::pair<const char*, float*> floats[] = {
      {"share", &p.nearestVariantShare}, {"uni", &p.cjkUnigramWeight},        {"bi", &p.cjkBigramWeight},
      {"word", &p.wordWeight},           {"pair", &p.wordPairWeight},          {"gram", &p.wordGramWeight},
      {"answerw", &p.answerWeight},      {"kw", &p.keywordWeight},             {"common", &p.variantIndexMaxTermShare},
      {"rate", &p.trainingRate},         {"temperature", &p.trainingTemperature},
      {"cimpact", &p.centroidMinImpact}, {"lnorm", &p.lengthNormPower}, {"tau", &p.trainingPriorCorrection}};
  const std::pair<const char*, double*> thresholds[] = {
      {"answer", &t.answer}, {"confidence", &t.answerConfidence}, {"suggest", &t.suggest}};
  for (const auto& [key, field] : floats) {
    if (name == key) return *field = value, true;
  }
  for (const auto& [key, field] : thresholds) {
    if (name == key) return *field = value, true;
  }
  if (name == "epochs") return p.trainingEpochs = static_cast<int>(value), true;
  if (name == "visits") return p.trainingPhrasingVisits = static_cast<int>(value), true;
  if (name == "postings") return p.trainingPostingsPerPhrasing = static_cast<int>(value), true;
  if (name == "maxterm") return p.trainingMaxTermFaqs = static_cast<int>(value), true;
  return false;
}

// The queries in `kefu eval --teach interleaved`'s order (cli/faq-evaluation.js): the
// same fixed-seed mulberry32 shuffle, so both tools teach and score the same halves.
std::vector<Query> interleaved(std::vector<Query> queries) {
  std::uint32_t state = 0x6b656675u;
  auto next = [&state]() {
    state += 0x6d2b79f5u;
    std::uint32_t t = state;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  };
  for (std::size_t i = queries.size() - 1; i > 0; --i) {
    const auto j = static_cast<std::size_t>(next() * static_cast<double>(i + 1));
    std::swap(queries[i], queries[j]);
  }
  return queries;
}

double hitAt1(const FaqEngine& engine, const std::vector<Query>& queries) {
  std::size_t inScope = 0, hits = 0;
  for (const auto& query : queries) {
    if (query.expect.empty()) continue;
    ++inScope;
    const MatchResult result = engine.match(query.text, 1);
    hits += !result.candidates.empty() && engine.knowledgeBase().entries[result.candidates[0].entryIndex].id == query.expect;
  }
  return inScope == 0 ? -1.0 : static_cast<double>(hits) / static_cast<double>(inScope);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kefu-faq-eval DATASET.json [name=value ...] [--sweep]\n");
    return 2;
  }
  RankingParams params;
  TierThresholds thresholds;
  bool sweep = false;
  int half = -1;
  std::string teach;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--sweep") {
      sweep = true;
      continue;
    }
    if (arg.rfind("--teach=", 0) == 0) {
      teach = arg.substr(8);
      continue;
    }
    if (arg.rfind("--half=", 0) == 0) {
      half = std::atoi(arg.c_str() + 7);
      continue;
    }
    auto eq = arg.find('=');
    if (eq == std::string::npos || !setParam(params, thresholds, arg.substr(0, eq), std::stof(arg.substr(eq + 1)))) {
      std::fprintf(stderr, "unknown parameter %s\n", arg.c_str());
      return 2;
    }
  }
  std::ifstream file(argv[1]);
  std::stringstream buffer;
  buffer << file.rdbuf();
  Json dataset = Json::parse(buffer.str());
  KnowledgeBase kb;
  for (const auto& faq : dataset["faqs"]) {
    FaqEntry entry;
    entry.id = faq["id"].is_string() ? faq["id"].get<std::string>() : std::to_string(faq["id"].get<long long>());
    entry.question = faq["question"].get<std::string>();
    if (faq.contains("similar")) {
      for (const auto& s : faq["similar"]) entry.similar.push_back(s.get<std::string>());
    }
    entry.answer = faq.value("answer", "");
    // As `kefu eval` does: some datasets leave answers empty, a KB may not.
    if (entry.answer.find_first_not_of(" \t\r\n") == std::string::npos) entry.answer = "[no answer in dataset: " + entry.id + "]";
    kb.entries.push_back(std::move(entry));
  }
  std::vector<Query> queries;
  for (const auto& q : dataset["queries"]) {
    Query query{q["text"].get<std::string>(), ""};
    if (q["expect"].is_string()) query.expect = q["expect"].get<std::string>();
    else if (q["expect"].is_number()) query.expect = std::to_string(q["expect"].get<long long>());
    if (half >= 0 && static_cast<int>(fnv1a(query.text) & 1u) != half) continue;
    queries.push_back(std::move(query));
  }

  if (!teach.empty()) {
    // As `kefu eval --teach` does: the first half's in-scope queries taught to their FAQs
    // as similar phrasings, the second half scored before and after.
    if (teach == "interleaved") queries = interleaved(std::move(queries));
    const std::vector<Query> first(queries.begin(), queries.begin() + static_cast<long>(queries.size() / 2));
    const std::vector<Query> second(queries.begin() + static_cast<long>(queries.size() / 2), queries.end());
    FaqEngine untaught;
    untaught.build(kb, thresholds, params);
    KnowledgeBase taughtKb = kb;
    std::size_t taught = 0;
    for (const auto& query : first) {
      for (auto& entry : taughtKb.entries) {
        if (!query.expect.empty() && entry.id == query.expect) entry.similar.push_back(query.text), ++taught;
      }
    }
    FaqEngine taughtEngine;
    taughtEngine.build(taughtKb, thresholds, params);
    const double before = hitAt1(untaught, second);
    const double after = hitAt1(taughtEngine, second);
    std::printf("%s teach=%s taught=%zu hit1 untaught=%.4f taught=%.4f (%+.1f points)\n", argv[1], teach.c_str(), taught,
                before, after, (after - before) * 100);
    // The same teaching without retraining (FaqEngine::changePhrasings), and how often it
    // ranks the same FAQ first as the full rebuild above.
    std::vector<PhrasingChange> changes;
    for (const auto& query : first) {
      for (std::uint32_t e = 0; e < kb.entries.size(); ++e) {
        if (!query.expect.empty() && kb.entries[e].id == query.expect) changes.push_back({e, query.text, true});
      }
    }
    const auto teachStart = std::chrono::steady_clock::now();
    untaught.changePhrasings(changes);
    const double teachMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - teachStart).count();
    std::size_t agree = 0, compared = 0;
    for (const auto& query : second) {
      const MatchResult a = untaught.match(query.text, 1), b = taughtEngine.match(query.text, 1);
      ++compared;
      agree += (a.candidates.empty() ? SIZE_MAX : a.candidates[0].entryIndex) == (b.candidates.empty() ? SIZE_MAX : b.candidates[0].entryIndex);
    }
    std::printf("  incremental: hit1 taught=%.4f, top-1 agreement with the rebuild %.4f, %.1f ms for %zu phrasings\n",
                hitAt1(untaught, second), compared ? static_cast<double>(agree) / static_cast<double>(compared) : 0.0, teachMs, changes.size());
    return 0;
  }

  FaqEngine engine;
  const auto buildStart = std::chrono::steady_clock::now();
  engine.build(kb, thresholds, params);
  const double buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - buildStart).count();

  {
    const std::string bytes = encodeIndex(engine);
    const auto loadStart = std::chrono::steady_clock::now();
    auto decoded = decodeIndex(bytes);
    const auto decodedAt = std::chrono::steady_clock::now();
    FaqEngine loaded;
    loaded.adopt(std::move(decoded.value().kb), std::move(decoded.value().index), decoded.value().thresholds);
    const auto adoptedAt = std::chrono::steady_clock::now();
    std::printf("index %zu bytes: decode %.2f ms, adopt %.2f ms (build %.1f ms)\n", bytes.size(),
                std::chrono::duration<double, std::milli>(decodedAt - loadStart).count(),
                std::chrono::duration<double, std::milli>(adoptedAt - decodedAt).count(), buildMs);
  }
  if (const char* repeat = std::getenv("REPEAT")) {
    for (int r = 0; r < std::atoi(repeat); ++r) {
      for (const auto& query : queries) engine.match(query.text, 5);
    }
  }
  std::size_t inScope = 0, hits1 = 0, top3 = 0, answered = 0, answeredRight = 0, outOfScope = 0, handedOff = 0;
  double reciprocal = 0;
  std::vector<double> latencies;
  std::vector<Scored> scored;
  for (const auto& query : queries) {
    const auto start = std::chrono::steady_clock::now();
    MatchResult result = engine.match(query.text, 5);
    latencies.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    std::string first = result.candidates.empty() ? "" : kb.entries[result.candidates[0].entryIndex].id;
    const double top = result.candidates.empty() ? 0 : result.candidates[0].score;
    scored.push_back({!query.expect.empty(), !query.expect.empty() && first == query.expect, top,
                      answerConfidence(result.candidates, engine.index().params.trainingTemperature)});
    if (std::getenv("DUMP")) {
      std::printf("DUMP %d %d", !query.expect.empty(), scored.back().right);
      for (const auto& candidate : result.candidates) std::printf(" %.4f", candidate.score);
      std::printf("\n");
    }
    if (std::getenv("SHOW_ERRORS") && !query.expect.empty() && first != query.expect) {
      std::printf("MISS %s | want %s | got %s %.3f\n", query.text.c_str(), query.expect.c_str(), first.c_str(), top);
    }
    if (result.tier == MatchTier::answer) {
      ++answered;
      if (first == query.expect) ++answeredRight;
    }
    if (query.expect.empty()) {
      ++outOfScope;
      if (result.tier == MatchTier::handoff) ++handedOff;
      continue;
    }
    ++inScope;
    for (std::size_t r = 0; r < result.candidates.size(); ++r) {
      if (kb.entries[result.candidates[r].entryIndex].id == query.expect) {
        if (r == 0) ++hits1;
        if (r < 3) ++top3;
        reciprocal += 1.0 / static_cast<double>(r + 1);
        break;
      }
    }
  }
  std::sort(latencies.begin(), latencies.end());
  auto ratio = [](auto a, auto b) { return b == 0 ? -1.0 : static_cast<double>(a) / static_cast<double>(b); };
  std::printf("%s hit1=%.4f mrr5=%.4f top3=%.4f answerP=%.4f answerC=%.4f handoffR=%.4f p50us=%.1f buildMs=%.0f bytes=%zu\n",
              argv[1], ratio(hits1, inScope), ratio(reciprocal, inScope), ratio(top3, inScope),
              ratio(answeredRight, answered), ratio(answeredRight, inScope), ratio(handedOff, outOfScope),
              latencies.empty() ? 0 : latencies[latencies.size() / 2], buildMs, engine.index().byteSize());
  if (sweep) {
    for (double answer : {0.1, 0.2, 0.3, 0.4, 0.5}) {
      for (double confidence : {0.5, 0.6, 0.7, 0.8, 0.9}) {
        std::size_t a = 0, r = 0;
        for (const auto& s : scored) {
          if (s.top >= answer && s.confidence >= confidence) ++a, r += s.right;
        }
        std::printf("  answer>=%.2f confidence>=%.2f  precision %.3f coverage %.3f\n", answer, confidence, ratio(r, a),
                    ratio(r, inScope));
      }
    }
    // This dataset's own best, for diagnosis only: the defaults must hold on all sets at once.
    double bestCoverage = 0, bestAnswer = 0, bestConfidence = 0;
    for (int a = 0; a <= 40; ++a) {
      for (int c = 0; c <= 50; ++c) {
        std::size_t n = 0, r = 0;
        for (const auto& s : scored) {
          if (s.top >= 0.0125 * a && s.confidence >= 0.5 + 0.01 * c) ++n, r += s.right;
        }
        if (ratio(r, n) >= 0.95 && ratio(r, inScope) > bestCoverage) {
          bestCoverage = ratio(r, inScope), bestAnswer = 0.0125 * a, bestConfidence = 0.5 + 0.01 * c;
        }
      }
    }
    std::printf("  best coverage at precision >= 0.95: %.3f (answer>=%.4f confidence>=%.2f)\n", bestCoverage, bestAnswer,
                bestConfidence);
    for (double suggest : {0.1, 0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3, 0.35}) {
      std::size_t off = 0, lostIn = 0;
      for (const auto& s : scored) {
        if (s.top < suggest) (s.inScope ? lostIn : off) += 1;
      }
      std::printf("  suggest>=%.2f  handoffRecall %.3f  in-scope handed off %.3f\n", suggest, ratio(off, outOfScope),
                  ratio(lostIn, inScope));
    }
  }
  return 0;
}
