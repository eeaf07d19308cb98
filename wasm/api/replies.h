#pragma once
// What both Embind classes (FaqApi and SessionApi) answer alike: the error reply, the
// bounds on a query, and the typeahead reply. In a file of its own so the size
// measurement's build without the FAQ engine (npm run size -- --faq-delta) links the
// very same code for the session.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kefu {

class FaqEngine;

struct FaqApiLimits {
  std::size_t maxQueryChars = 4000;  // same as the protocol's visitor text limit
  std::size_t maxTopK = 50;
  std::size_t maxOptionsBytes = 64u << 10;
};

std::string errorJson(const Error& error);

// invalid_argument (k out of 1..maxTopK) or query_too_long; nothing when the query may go on.
std::optional<Error> checkQueryBounds(std::string_view text, int topK, const FaqApiLimits& limits);

// {"ok":true,"suggestions":[{id, question}…]}: typeahead from any engine (FaqApi's own,
// or the one inside a chat session, so a tab need not build the KB twice).
std::string suggestionsReply(const FaqEngine& engine, std::string_view prefix, std::size_t topK);

}  // namespace kefu
