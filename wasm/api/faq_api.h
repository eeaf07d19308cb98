#pragma once
// The FAQ engine as the JS boundary sees it: JSON text in, JSON text out, every
// outcome either {"ok":true,...} or {"ok":false,"error":{"code","message"}}.
// Kept free of Emscripten so the native tests exercise exactly what JS receives.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/replies.h"
#include "faq/faq_engine.h"

namespace kefu {

class FaqApi {
 public:
  // options: {"limits": {KnowledgeBaseLimits fields}, "thresholds": {"answer", "suggest"}}
  std::string loadKnowledgeBase(std::string_view kbJson, std::string_view optionsJson);
  // A binary index (faq/index_codec.h) instead of KB JSON; options may override its
  // thresholds but not its limits (it was validated when it was built).
  std::string loadIndex(std::string_view indexBytes, std::string_view optionsJson);
  // {"ok":true,"tier","candidates":[{id, question, answer, score}…]}: what the JS wrapper
  // makes of matchRanks' replies, written whole (the native tests' reference).
  std::string match(std::string_view text, int topK) const;
  // match() for a caller that keeps the entries it is sent (the JS wrapper does):
  // "<tier>", then per candidate "\n<entry index> <score>", followed by " " and the
  // entry's {"id","question","answer"} the first time matchRanks ranks it after a load;
  // or the error JSON. A KB entry crosses the boundary once per load instead of every
  // candidate's answer being written, decoded and parsed on every query (a third of a
  // match's time in Node).
  std::string matchRanks(std::string_view text, int topK) const;
  std::string suggest(std::string_view prefix, int topK) const;
  // Encodes the loaded KB and index; the bytes stay in exportedIndex() until the next call.
  std::string exportIndex();
  const std::string& exportedIndex() const { return exportedIndex_; }
  // {"entries","phrasings","terms","indexBytes"}: what the loaded index costs in memory.
  std::string stats() const;

 private:
  // kb_not_loaded, invalid_argument (k) or query_too_long; nothing when the call may go on.
  std::optional<Error> checkQuery(std::string_view text, int topK, const char* action) const;

  // After a load: no entry of the new KB has been sent yet.
  void resetSentEntries();

  FaqApiLimits limits_;
  FaqEngine engine_;
  bool loaded_ = false;
  std::string exportedIndex_;
  // Per entry, whether matchRanks has sent its texts since the KB was loaded.
  mutable std::vector<unsigned char> entrySent_;  // not vector<bool>: its code costs download bytes

  static void appendEntryObject(std::string& out, const FaqEntry& entry);
};

}  // namespace kefu
