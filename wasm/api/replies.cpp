#include "api/replies.h"

#include "base/json_text.h"
#include "base/json_writer.h"
#include "base/utf8.h"
#include "faq/faq_engine.h"

namespace kefu {

std::string errorJson(const Error& error) {
  return toJsonText(Json{{"ok", false}, {"error", {{"code", error.code}, {"message", error.message}}}});
}

std::optional<Error> checkQueryBounds(std::string_view text, int topK, const FaqApiLimits& limits) {
  if (topK < 1 || static_cast<std::size_t>(topK) > limits.maxTopK) {
    return Error{"invalid_argument", "k must be from 1 to " + std::to_string(limits.maxTopK)};
  }
  if (utf8::length(text) > limits.maxQueryChars) {
    return Error{"query_too_long", "the text is longer than " + std::to_string(limits.maxQueryChars) + " characters"};
  }
  return std::nullopt;
}

std::string suggestionsReply(const FaqEngine& engine, std::string_view prefix, std::size_t topK) {
  std::string out = "{\"ok\":true,\"suggestions\":[";
  bool first = true;
  for (const auto& hit : engine.suggest(prefix, topK)) {
    out += first ? "{\"id\":" : ",{\"id\":";
    first = false;
    appendJsonString(out, engine.knowledgeBase().entries[hit.entryIndex].id);
    out += ",\"question\":";
    appendJsonString(out, hit.text);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace kefu
