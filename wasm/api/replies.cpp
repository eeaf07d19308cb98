#include "api/replies.h"

#include "base/json_writer.h"
#include "base/utf8.h"
#include "faq/faq_engine.h"
#include "session/session.h"

// Compiled for speed (wasm/CMakeLists.txt): an event's reply is written for every frame
// and keystroke, the ranks for every query.

namespace kefu {

namespace {

void appendError(std::string& out, const Error& error) {
  out += "{\"error\":{\"code\":";
  appendJsonString(out, error.code);
  out += ",\"message\":";
  appendJsonString(out, error.message);
  out += "},\"ok\":false}";
}

}  // namespace

std::optional<Error> checkQueryBounds(std::string_view text, int topK, const FaqApiLimits& limits) {
  if (topK < 1 || static_cast<std::size_t>(topK) > limits.maxTopK) {
    return Error{"invalid_argument", "k must be from 1 to " + std::to_string(limits.maxTopK)};
  }
  if (utf8::length(text) > limits.maxQueryChars) {
    return Error{"query_too_long", "the text is longer than " + std::to_string(limits.maxQueryChars) + " characters"};
  }
  return std::nullopt;
}

std::string errorJson(const Error& error) {
  std::string out;
  appendError(out, error);
  return out;
}

std::string resultJson(Json members) {
  members["ok"] = true;
  return toJsonText(members);
}

void writeEffectsReply(std::string& reply, const std::optional<Error>& error, session::Session& session, std::string_view moreMembers) {
  reply.clear();
  if (error) {
    appendError(reply, *error);
  } else if (!moreMembers.empty()) {
    reply += "{\"ok\":true";
    reply += moreMembers;
    reply += '}';
  }
  const std::size_t header = reply.size();
  session.drainEffectsText(reply);
  if (error) reply.resize(header);
}

std::string ranksReply(const MatchResult& result, const std::vector<FaqEntry>& entries, std::vector<unsigned char>& entrySent) {
  std::string out = tierName(result.tier);
  for (const auto& candidate : result.candidates) {
    out += '\n';
    out += std::to_string(candidate.entryIndex);
    out += ' ';
    appendJsonNumber(out, candidate.score);
    if (!entrySent[candidate.entryIndex]) {
      entrySent[candidate.entryIndex] = 1;
      const FaqEntry& entry = entries[candidate.entryIndex];
      out += " {\"id\":";
      appendJsonString(out, entry.id);
      out += ",\"question\":";
      appendJsonString(out, entry.question);
      out += ",\"answer\":";
      appendJsonString(out, entry.answer);
      out += '}';
    }
  }
  return out;
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
