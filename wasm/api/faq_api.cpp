#include "api/faq_api.h"

#include <algorithm>

#include "base/json_text.h"
#include "base/json_writer.h"
#include "base/utf8.h"
#include "faq/index_codec.h"

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
        !readRatio(*found, "answerConfidence", thresholds.answerConfidence, error) ||
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

std::string FaqApi::loadKnowledgeBase(const std::string& kbJson, const std::string& optionsJson) {
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
  resetSentEntries();
  return resultJson(Json{{"entries", entries}});
}

std::string FaqApi::loadIndex(const std::string& indexBytes, const std::string& optionsJson) {
  return loadStoredIndex(readIndex(indexBytes), optionsJson);
}

std::string FaqApi::loadReceivedIndex(const std::string& optionsJson) { return loadStoredIndex(indexInbox_.take(), optionsJson); }

std::string FaqApi::loadStoredIndex(Result<StoredIndex> stored, const std::string& optionsJson) {
  if (!stored.ok()) return errorJson(stored.error());
  KnowledgeBaseLimits unusedLimits;
  TierThresholds thresholds = stored.value().thresholds;
  Error error;
  if (!readOptions(optionsJson, limits_.maxOptionsBytes, unusedLimits, thresholds, error)) return errorJson(error);
  auto decoded = deriveIndex(std::move(stored.value()));
  if (!decoded.ok()) return errorJson(decoded.error());
  const std::size_t entries = decoded.value().kb.entries.size();
  engine_.adopt(std::move(decoded.value().kb), std::move(decoded.value().index), thresholds);
  loaded_ = true;
  resetSentEntries();
  return resultJson(Json{{"entries", entries}});
}

std::string FaqApi::exportIndex() {
  if (!loaded_) return errorJson({"kb_not_loaded", "load a knowledge base before exporting its index"});
  exportedIndex_ = encodeIndex(engine_);
  return resultJson(Json{{"bytes", exportedIndex_.size()}});
}

std::string FaqApi::teach(const std::string& lessonsJson) { return changePhrasings(lessonsJson, true); }

std::string FaqApi::untaught(const std::string& lessonsJson) { return changePhrasings(lessonsJson, false); }

std::string FaqApi::changePhrasings(const std::string& lessonsJson, bool taught) {
  if (!loaded_) return errorJson({"kb_not_loaded", "load a knowledge base before teaching it"});
  // A taught phrasing is held to what a KB file's similar questions are (knowledge_base.h).
  const KnowledgeBaseLimits limits;
  auto parsed = parseJsonText(lessonsJson, JsonLimits{limits.maxBytes, 4}, "lessons");
  if (!parsed.ok()) return errorJson({"invalid_argument", parsed.error().message});
  const Json& lessons = parsed.value();
  if (!lessons.is_array()) return errorJson({"invalid_argument", "lessons must be an array of {faqId, phrasing}"});
  const auto& entries = engine_.knowledgeBase().entries;
  // Each FAQ's similar questions as they will be after the lessons so far, for the checks.
  std::vector<std::vector<std::string>> similarAfter(entries.size());
  std::vector<unsigned char> copied(entries.size(), 0);
  std::vector<PhrasingChange> changes;
  for (std::size_t i = 0; i < lessons.size(); ++i) {
    const Json& lesson = lessons[i];
    const std::string where = "lessons[" + std::to_string(i) + "]";
    auto field = [&lesson](const char* name) -> const Json* {
      if (!lesson.is_object()) return nullptr;
      auto found = lesson.find(name);
      return found != lesson.end() && found->is_string() ? &*found : nullptr;
    };
    const Json* faqId = field("faqId");
    const Json* phrasing = field("phrasing");
    if (faqId == nullptr || phrasing == nullptr) return errorJson({"invalid_argument", where + ": must be {faqId: string, phrasing: string}"});
    const std::string& text = phrasing->get_ref<const std::string&>();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return errorJson({"invalid_argument", where + ".phrasing: must not be empty"});
    if (utf8::length(text) > limits.maxQuestionChars) {
      return errorJson({"kb_text_too_long", where + ".phrasing: longer than " + std::to_string(limits.maxQuestionChars) + " characters"});
    }
    const std::string& id = faqId->get_ref<const std::string&>();
    auto entry = std::find_if(entries.begin(), entries.end(), [&id](const FaqEntry& e) { return e.id == id; });
    if (entry == entries.end()) return errorJson({"faq_not_found", where + ": no FAQ has the id " + id});
    const auto e = static_cast<std::uint32_t>(entry - entries.begin());
    if (!copied[e]) similarAfter[e] = entry->similar, copied[e] = 1;
    auto& similar = similarAfter[e];
    auto known = std::find(similar.begin(), similar.end(), text);
    if (taught) {
      // Teaching a phrasing twice would count it twice in the FAQ's centroid.
      if (known != similar.end() || text == entry->question) return errorJson({"phrasing_exists", where + ": the FAQ already has this phrasing"});
      if (similar.size() >= limits.maxSimilarPerEntry) {
        return errorJson({"kb_too_many_items", where + ": the FAQ has " + std::to_string(limits.maxSimilarPerEntry) + " similar questions already"});
      }
      similar.push_back(text);
    } else {
      if (known == similar.end()) return errorJson({"phrasing_not_found", where + ": not one of the FAQ's similar questions"});
      similar.erase(known);
    }
    changes.push_back({e, text, taught});
  }
  if (!changes.empty()) engine_.changePhrasings(changes);
  return resultJson(Json{{"phrasings", engine_.index().variantEntry.size()}});
}

std::string FaqApi::stats() const {
  if (!loaded_) return errorJson({"kb_not_loaded", "no knowledge base is loaded"});
  const FaqIndex& index = engine_.index();
  return resultJson(Json{{"entries", engine_.knowledgeBase().entries.size()},
                         {"phrasings", index.variantEntry.size()},
                         {"terms", index.terms.size()},
                         {"indexBytes", index.byteSize()}});
}

std::optional<Error> FaqApi::checkQuery(std::string_view text, int topK, const char* action) const {
  if (!loaded_) return Error{"kb_not_loaded", std::string("load a knowledge base before ") + action};
  return checkQueryBounds(text, topK, limits_);
}

std::string FaqApi::suggest(const std::string& prefix, int topK) const {
  if (auto problem = checkQuery(prefix, topK, "asking for suggestions")) return errorJson(*problem);
  return suggestionsReply(engine_, prefix, static_cast<std::size_t>(topK));
}

std::string FaqApi::matchRanks(const std::string& text, int topK) const {
  if (auto problem = checkQuery(text, topK, "matching")) return errorJson(*problem);
  return ranksReply(engine_.match(text, static_cast<std::size_t>(topK)), engine_.knowledgeBase().entries, entrySent_);
}

void FaqApi::resetSentEntries() {
  entrySent_.assign(engine_.knowledgeBase().entries.size(), 0);
}

}  // namespace kefu
