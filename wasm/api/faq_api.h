#pragma once
// The FAQ engine as the JS boundary sees it: text in (KB JSON, options JSON, the query)
// or index bytes; replies written by api/replies.h (a result, or matchRanks' ranks),
// never throws.
// Kept free of Emscripten so the native tests exercise exactly what JS receives.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/replies.h"
#include "faq/faq_engine.h"
#include "api/index_inbox.h"
#include "faq/index_codec.h"

namespace kefu {

class FaqApi {
 public:
  // options: {"limits": {KnowledgeBaseLimits fields}, "thresholds": {"answer", "suggest"}}
  std::string loadKnowledgeBase(const std::string& kbJson, const std::string& optionsJson);
  // A binary index (faq/index_codec.h) instead of KB JSON; options may override its
  // thresholds but not its limits (it was validated when it was built).
  std::string loadIndex(const std::string& indexBytes, const std::string& optionsJson);
  // The same, for bytes the JS side writes straight into wasm memory (api/index_inbox.h):
  // indexInbox(size) makes room for them, the wrapper copies its Uint8Array there, and
  // loadReceivedIndex() decodes them and frees the room.
  std::string& indexInbox(std::size_t size) { return indexInbox_.room(size); }
  std::string loadReceivedIndex(const std::string& optionsJson);
  // The best `topK` entries for `text`, for a caller that keeps the entries it is sent
  // (the JS wrapper does): "<tier>", then per candidate "\n<entry index> <score>", followed by " " and the
  // entry's {"id","question","answer"} the first time matchRanks ranks it after a load;
  // or the error JSON. A KB entry crosses the boundary once per load instead of every
  // candidate's answer being written, decoded and parsed on every query (a third of a
  // match's time in Node).
  std::string matchRanks(const std::string& text, int topK) const;
  std::string suggest(const std::string& prefix, int topK) const;
  // Teaching: `lessonsJson` is [{"faqId", "phrasing"}…]; teach adds each phrasing to its
  // FAQ's similar questions, untaught removes it again, and either updates the index
  // without retraining (FaqEngine::changePhrasings). All or nothing: the first bad lesson
  // is the error (kb_not_loaded, invalid_argument, kb_text_too_long, kb_too_many_items,
  // faq_not_found, phrasing_exists, phrasing_not_found) and nothing is changed.
  // {"phrasings": the KB's phrasings after the change}.
  std::string teach(const std::string& lessonsJson);
  std::string untaught(const std::string& lessonsJson);
  // Encodes the loaded KB and index; the bytes stay in exportedIndex() until the next call.
  std::string exportIndex();
  const std::string& exportedIndex() const { return exportedIndex_; }
  // {"entries","phrasings","terms","indexBytes"}: what the loaded index costs in memory.
  std::string stats() const;

  // kb_not_loaded, invalid_argument (k) or query_too_long; nothing when the call may go on.
  std::optional<Error> checkQuery(std::string_view text, int topK, const char* action) const;
  const FaqEngine& engine() const { return engine_; }

 private:

  std::string changePhrasings(const std::string& lessonsJson, bool taught);
  std::string loadStoredIndex(Result<StoredIndex> stored, const std::string& optionsJson);
  // After a load: no entry of the new KB has been sent yet.
  void resetSentEntries();

  FaqApiLimits limits_;
  FaqEngine engine_;
  bool loaded_ = false;
  std::string exportedIndex_;
  IndexInbox indexInbox_;
  // Per entry, whether matchRanks has sent its texts since the KB was loaded.
  mutable std::vector<unsigned char> entrySent_;  // not vector<bool>: its code costs download bytes
};

}  // namespace kefu
