#pragma once
// The FAQ engine as the JS boundary sees it: JSON text in, JSON text out, every
// outcome either {"ok":true,...} or {"ok":false,"error":{"code","message"}}.
// Kept free of Emscripten so the native tests exercise exactly what JS receives.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "faq/faq_engine.h"

namespace kefu {

struct FaqApiLimits {
  std::size_t maxQueryChars = 4000;  // same as the protocol's visitor text limit
  std::size_t maxTopK = 50;
  std::size_t maxOptionsBytes = 64u << 10;
};

class FaqApi {
 public:
  // options: {"limits": {KnowledgeBaseLimits fields}, "thresholds": {"answer", "suggest"}}
  std::string loadKnowledgeBase(std::string_view kbJson, std::string_view optionsJson);
  // A binary index (faq/index_codec.h) instead of KB JSON; options may override its
  // thresholds but not its limits (it was validated when it was built).
  std::string loadIndex(std::string_view indexBytes, std::string_view optionsJson);
  std::string match(std::string_view text, int topK) const;
  std::string suggest(std::string_view prefix, int topK) const;
  // Encodes the loaded KB and index; the bytes stay in exportedIndex() until the next call.
  std::string exportIndex();
  const std::string& exportedIndex() const { return exportedIndex_; }
  // {"entries","phrasings","terms","indexBytes"}: what the loaded index costs in memory.
  std::string stats() const;

 private:
  // kb_not_loaded, invalid_argument (k) or query_too_long; nothing when the call may go on.
  std::optional<Error> checkQuery(std::string_view text, int topK, const char* action) const;

  FaqApiLimits limits_;
  FaqEngine engine_;
  bool loaded_ = false;
  std::string exportedIndex_;
};

std::string errorJson(const Error& error);

// invalid_argument (k out of 1..maxTopK) or query_too_long; nothing when the query may go on.
std::optional<Error> checkQueryBounds(std::string_view text, int topK, const FaqApiLimits& limits);

// {"ok":true,"suggestions":[{id, question}…]}: typeahead from any engine (FaqApi's own,
// or the one inside a chat session, so a tab need not build the KB twice).
std::string suggestionsReply(const FaqEngine& engine, std::string_view prefix, std::size_t topK);

}  // namespace kefu
