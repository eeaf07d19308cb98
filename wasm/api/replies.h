#pragma once
// Every text the core answers across the JS boundary is written here, and read by one
// file on the JS side, web/core/core-reply.js (docs/architecture.md draws both). Three
// formats:
// - a result: JSON, {"ok":true,...} or {"error":{"code","message"},"ok":false};
// - effects: an event's reply, a result line only when there is more to say than ok
//   (an error, restore's restoreError), then the session's effect lines (session/effects.h);
// - ranks: FaqApi::matchRanks' reply (api/faq_api.h).
// In a file of its own, apart from FaqApi, so the size measurement's build without the
// FAQ engine (npm run size -- --faq-delta) links the very same code for the session.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_text.h"
#include "base/result.h"

namespace kefu {

class FaqEngine;
struct FaqEntry;
struct MatchResult;
namespace session {
class Session;
}

struct FaqApiLimits {
  std::size_t maxQueryChars = 4000;  // same as the protocol's visitor text limit
  std::size_t maxTopK = 50;
  std::size_t maxOptionsBytes = 64u << 10;
};

// invalid_argument (k out of 1..maxTopK) or query_too_long; nothing when the query may go on.
std::optional<Error> checkQueryBounds(std::string_view text, int topK, const FaqApiLimits& limits);

// {"error":{"code","message"},"ok":false}
std::string errorJson(const Error& error);
// `members` (an object) with "ok": true.
std::string resultJson(Json members);

// An event's reply into `reply` (cleared first): the result line, then the effects the
// session has for the shell. `moreMembers` (`,"key":value…`) go into the result line.
// A rejected event changes nothing, so its reply has no effects for the shell to carry out.
void writeEffectsReply(std::string& reply, const std::optional<Error>& error, session::Session& session,
                       std::string_view moreMembers = {});

// matchRanks' reply: "<tier>", then per candidate "\n<entry index> <score>", followed by
// " " and the entry's {"id","question","answer"} when `entrySent` says it was not sent
// since the KB was loaded (and marks it sent).
std::string ranksReply(const MatchResult& result, const std::vector<FaqEntry>& entries, std::vector<unsigned char>& entrySent);

// {"ok":true,"suggestions":[{id, question}…]}: typeahead from any engine (FaqApi's own,
// or the one inside a chat session, so a tab need not build the KB twice).
std::string suggestionsReply(const FaqEngine& engine, std::string_view prefix, std::size_t topK);

}  // namespace kefu
