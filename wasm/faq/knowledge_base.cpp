#include "faq/knowledge_base.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <unordered_set>

#include "base/json_text.h"
#include "base/utf8.h"

namespace kefu {

namespace {

using KbResult = Result<KnowledgeBase>;

// The fields a KB may have. A field outside these is a typo far more often than a
// deliberate extra ("similiar" would silently leave an entry with no phrasings), so it is
// an error that names the nearest real field. "$schema" lets editors validate the file.
constexpr std::initializer_list<const char*> kTopFields = {"$schema", "name", "lang", "faqs", "synonyms"};
constexpr std::initializer_list<const char*> kEntryFields = {"id", "question", "similar", "answer", "keywords", "category"};

// Optimal-string-alignment distance, case-insensitive: a swapped pair of letters
// ("anwser") costs one edit, as a person would count it.
std::size_t editDistance(const std::string& a, const std::string& b) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The first field of `object` that is not in `known`, as an error naming it at `where`
// and the nearest known field (at most two edits away, and fewer than the name's length,
// so "x" does not become "id"), or the list of fields when none is near.
bool findUnknownField(const Json& object, std::initializer_list<const char*> known, const std::string& where,
                      Error& error) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& field = it.key();
    if (std::any_of(known.begin(), known.end(), [&](const char* name) { return field == name; })) continue;
    const char* nearest = nullptr;
    std::size_t nearestDistance = 3;
    for (const char* name : known) {
      const std::size_t distance = editDistance(field, name);
      if (distance < nearestDistance && distance < field.size()) {
        nearest = name;
        nearestDistance = distance;
      }
    }
    std::string message = where + field + ": unknown field; ";
    if (nearest) {
      message += std::string("did you mean \"") + nearest + "\"?";
    } else {
      message += "the fields are";
      const char* separator = " ";
      for (const char* name : known) {
        message += separator;
        message += name;
        separator = ", ";
      }
    }
    error = {"kb_unknown_field", message};
    return true;
  }
  return false;
}

std::string fieldPath(std::size_t index, const char* field) {
  return "faqs[" + std::to_string(index) + "]." + field;
}

// Reads an optional or required string field, enforcing its length in code points.
bool readString(const Json& entry, std::size_t index, const char* field, bool required, std::size_t maxChars,
                std::string& out, Error& error) {
  auto found = entry.find(field);
  if (found == entry.end() || found->is_null()) {
    if (!required) return true;
    error = {"kb_invalid_entry", fieldPath(index, field) + ": is required"};
    return false;
  }
  if (!found->is_string()) {
    error = {"kb_invalid_entry", fieldPath(index, field) + ": must be a string"};
    return false;
  }
  out = found->get_ref<const std::string&>();
  if (required && out.find_first_not_of(" \t\r\n") == std::string::npos) {
    error = {"kb_invalid_entry", fieldPath(index, field) + ": must not be empty"};
    return false;
  }
  if (utf8::length(out) > maxChars) {
    error = {"kb_text_too_long", fieldPath(index, field) + ": longer than " + std::to_string(maxChars) + " characters"};
    return false;
  }
  return true;
}

bool readStringList(const Json& entry, std::size_t index, const char* field, std::size_t maxItems,
                    std::size_t maxChars, std::vector<std::string>& out, Error& error) {
  auto found = entry.find(field);
  if (found == entry.end() || found->is_null()) return true;
  if (!found->is_array()) {
    error = {"kb_invalid_entry", fieldPath(index, field) + ": must be an array of strings"};
    return false;
  }
  if (found->size() > maxItems) {
    error = {"kb_too_many_items", fieldPath(index, field) + ": more than " + std::to_string(maxItems) + " items"};
    return false;
  }
  for (std::size_t i = 0; i < found->size(); ++i) {
    const Json& item = (*found)[i];
    const std::string where = fieldPath(index, field) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) {
      error = {"kb_invalid_entry", where + ": must be a string"};
      return false;
    }
    const auto& text = item.get_ref<const std::string&>();
    if (utf8::length(text) > maxChars) {
      error = {"kb_text_too_long", where + ": longer than " + std::to_string(maxChars) + " characters"};
      return false;
    }
    if (text.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(text);
  }
  return true;
}

}  // namespace

Result<KnowledgeBase> parseKnowledgeBase(std::string_view jsonText, const KnowledgeBaseLimits& limits) {
  auto parsed = parseJsonText(jsonText, JsonLimits{limits.maxBytes, limits.maxDepth}, "kb");
  // A syntax error's message gives its line and column (parseJsonText).
  if (!parsed.ok()) return KbResult::failure(parsed.error());
  const Json& root = parsed.value();
  if (!root.is_object()) return KbResult::failure("kb_invalid_shape", "the KB must be a JSON object with a \"faqs\" array");
  Error error;
  if (findUnknownField(root, kTopFields, "", error)) return KbResult::failure(error);
  auto faqs = root.find("faqs");
  if (faqs == root.end() || !faqs->is_array()) {
    return KbResult::failure("kb_invalid_shape", "the KB must have a \"faqs\" array");
  }
  if (faqs->size() > limits.maxEntries) {
    return KbResult::failure("kb_too_many_entries", "the KB has " + std::to_string(faqs->size()) +
                                                        " entries; the limit is " + std::to_string(limits.maxEntries));
  }

  KnowledgeBase kb;
  kb.entries.reserve(faqs->size());
  std::unordered_set<std::string> seenIds;
  for (std::size_t index = 0; index < faqs->size(); ++index) {
    const Json& item = (*faqs)[index];
    if (!item.is_object()) {
      return KbResult::failure("kb_invalid_entry", "faqs[" + std::to_string(index) + "]: must be an object");
    }
    if (findUnknownField(item, kEntryFields, "faqs[" + std::to_string(index) + "].", error)) return KbResult::failure(error);
    FaqEntry entry;
    // Dataset ids are sometimes numbers; accept them as their decimal text.
    auto id = item.find("id");
    if (id != item.end() && id->is_number_integer()) {
      entry.id = std::to_string(id->get<long long>());
    } else if (!readString(item, index, "id", true, limits.maxIdChars, entry.id, error)) {
      return KbResult::failure(error);
    }
    if (!readString(item, index, "question", true, limits.maxQuestionChars, entry.question, error) ||
        !readString(item, index, "answer", true, limits.maxAnswerChars, entry.answer, error) ||
        !readString(item, index, "category", false, limits.maxQuestionChars, entry.category, error) ||
        !readStringList(item, index, "similar", limits.maxSimilarPerEntry, limits.maxQuestionChars, entry.similar,
                        error) ||
        !readStringList(item, index, "keywords", limits.maxSimilarPerEntry, limits.maxQuestionChars, entry.keywords,
                        error)) {
      return KbResult::failure(error);
    }
    if (!seenIds.insert(entry.id).second) {
      return KbResult::failure("kb_duplicate_id", fieldPath(index, "id") + ": \"" + entry.id + "\" is used twice");
    }
    kb.entries.push_back(std::move(entry));
  }
  if (auto synonyms = root.find("synonyms"); synonyms != root.end() && !synonyms->is_null()) {
    if (!synonyms->is_array()) return KbResult::failure("kb_invalid_shape", "synonyms: must be an array of arrays of strings");
    if (synonyms->size() > limits.maxSynonymGroups) {
      return KbResult::failure("kb_too_many_items", "synonyms: more than " + std::to_string(limits.maxSynonymGroups) + " groups");
    }
    for (std::size_t g = 0; g < synonyms->size(); ++g) {
      const Json& group = (*synonyms)[g];
      const std::string where = "synonyms[" + std::to_string(g) + "]";
      if (!group.is_array() || group.size() < 2) {
        return KbResult::failure("kb_invalid_shape", where + ": must be an array of at least two strings");
      }
      if (group.size() > limits.maxSynonymsPerGroup) {
        return KbResult::failure("kb_too_many_items", where + ": more than " + std::to_string(limits.maxSynonymsPerGroup) + " words");
      }
      std::vector<std::string> words;
      for (std::size_t w = 0; w < group.size(); ++w) {
        const std::string at = where + "[" + std::to_string(w) + "]";
        if (!group[w].is_string() || group[w].get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos) {
          return KbResult::failure("kb_invalid_shape", at + ": must be a non-empty string");
        }
        if (utf8::length(group[w].get_ref<const std::string&>()) > limits.maxSynonymChars) {
          return KbResult::failure("kb_text_too_long", at + ": longer than " + std::to_string(limits.maxSynonymChars) + " characters");
        }
        words.push_back(group[w].get<std::string>());
      }
      kb.synonyms.push_back(std::move(words));
    }
  }
  // Checked last, so a KB with no entries yet still hears about its other mistakes.
  if (kb.entries.empty()) {
    return KbResult::failure("kb_empty", "the KB has no entries; add at least one to \"faqs\"");
  }
  return KbResult::success(std::move(kb));
}

}  // namespace kefu
