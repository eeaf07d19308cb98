#include "api/faq_api.h"

#include "core/json_text.h"
#include "core/utf8.h"

namespace kefu {

namespace {

// Options are optional and partial: a missing field keeps its default, a field of
// the wrong type is an error rather than a silent default.
bool readSize(const Json& object, const char* field, std::size_t& target, Error& error) {
  auto found = object.find(field);
  if (found == object.end()) return true;
  if (!found->is_number_unsigned() && !(found->is_number_integer() && found->get<long long>() >= 0)) {
    error = {"invalid_options", std::string("limits.") + field + ": must be a non-negative integer"};
    return false;
  }
  target = found->get<std::size_t>();
  return true;
}

bool readRatio(const Json& object, const char* field, double& target, Error& error) {
  auto found = object.find(field);
  if (found == object.end()) return true;
  if (!found->is_number() || found->get<double>() < 0 || found->get<double>() > 1) {
    error = {"invalid_options", std::string("thresholds.") + field + ": must be a number from 0 to 1"};
    return false;
  }
  target = found->get<double>();
  return true;
}

bool readOptions(std::string_view optionsJson, std::size_t maxBytes, KnowledgeBaseLimits& limits,
                 TierThresholds& thresholds, Error& error) {
  if (optionsJson.empty()) return true;
  auto parsed = parseJsonText(optionsJson, JsonLimits{maxBytes, 8}, "options");
  if (!parsed.ok()) {
    error = {"invalid_options", parsed.error().message};
    return false;
  }
  const Json& options = parsed.value();
  if (options.is_null()) return true;
  if (!options.is_object()) {
    error = {"invalid_options", "options must be an object"};
    return false;
  }
  if (auto found = options.find("limits"); found != options.end()) {
    if (!found->is_object()) {
      error = {"invalid_options", "limits: must be an object"};
      return false;
    }
    if (!readSize(*found, "maxBytes", limits.maxBytes, error) ||
        !readSize(*found, "maxEntries", limits.maxEntries, error) ||
        !readSize(*found, "maxSimilarPerEntry", limits.maxSimilarPerEntry, error) ||
        !readSize(*found, "maxQuestionChars", limits.maxQuestionChars, error) ||
        !readSize(*found, "maxAnswerChars", limits.maxAnswerChars, error)) {
      return false;
    }
  }
  if (auto found = options.find("thresholds"); found != options.end()) {
    if (!found->is_object()) {
      error = {"invalid_options", "thresholds: must be an object"};
      return false;
    }
    if (!readRatio(*found, "answer", thresholds.answer, error) ||
        !readRatio(*found, "answerMargin", thresholds.answerMargin, error) ||
        !readRatio(*found, "suggest", thresholds.suggest, error)) {
      return false;
    }
    if (thresholds.suggest > thresholds.answer) {
      error = {"invalid_options", "thresholds.suggest must not exceed thresholds.answer"};
      return false;
    }
  }
  return true;
}

}  // namespace

std::string errorJson(const Error& error) {
  return toJsonText(Json{{"ok", false}, {"error", {{"code", error.code}, {"message", error.message}}}});
}

std::string FaqApi::loadKnowledgeBase(std::string_view kbJson, std::string_view optionsJson) {
  KnowledgeBaseLimits kbLimits;
  TierThresholds thresholds;
  Error error;
  if (!readOptions(optionsJson, limits_.maxOptionsBytes, kbLimits, thresholds, error)) return errorJson(error);
  auto kb = parseKnowledgeBase(kbJson, kbLimits);
  // A failed load leaves the previous KB in service: a bad upload must not take the bot down.
  if (!kb.ok()) return errorJson(kb.error());
  const std::size_t entries = kb.value().entries.size();
  engine_.build(std::move(kb.value()), thresholds);
  loaded_ = true;
  return toJsonText(Json{{"ok", true}, {"entries", entries}});
}

std::string FaqApi::match(std::string_view text, int topK) const {
  if (!loaded_) return errorJson({"kb_not_loaded", "load a knowledge base before matching"});
  if (topK < 1 || static_cast<std::size_t>(topK) > limits_.maxTopK) {
    return errorJson({"invalid_argument", "k must be from 1 to " + std::to_string(limits_.maxTopK)});
  }
  if (utf8::length(text) > limits_.maxQueryChars) {
    return errorJson({"query_too_long", "the question is longer than " + std::to_string(limits_.maxQueryChars) +
                                            " characters"});
  }
  const MatchResult result = engine_.match(text, static_cast<std::size_t>(topK));
  Json candidates = Json::array();
  for (const auto& candidate : result.candidates) {
    const FaqEntry& entry = engine_.knowledgeBase().entries[candidate.entryIndex];
    candidates.push_back({{"id", entry.id},
                          {"question", entry.question},
                          {"answer", entry.answer},
                          {"score", candidate.score}});
  }
  return toJsonText(Json{{"ok", true}, {"tier", tierName(result.tier)}, {"candidates", std::move(candidates)}});
}

}  // namespace kefu
