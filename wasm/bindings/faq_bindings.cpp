// Embind surface of the FAQ engine: the class takes its C++ name, FaqApi (the JS wrapper
// web/core/faq-engine.js is the public FaqEngine). Every method takes and returns plain
// strings or bytes, never throws, and reports failure as an error result
// (api/replies.h); web/core/core-reply.js reads every reply. Raw methods carry a leading
// underscore because only that wrapper should call them. A new call is a method on
// FaqApi and one line here.
#include <emscripten/bind.h>

#include "api/faq_api.h"
#include "bindings/index_inbox_view.h"

namespace {

// A Uint8Array view of the last exported index, inside the wasm heap: the JS wrapper
// copies it out at once, before anything can grow (and detach) the heap.
emscripten::val exportedIndexView(const kefu::FaqApi& api) {
  const std::string& bytes = api.exportedIndex();
  return emscripten::val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const unsigned char*>(bytes.data())));
}

}  // namespace

EMSCRIPTEN_BINDINGS(kefu_faq) {
  emscripten::class_<kefu::FaqApi>("FaqApi")
      .constructor<>()
      .function("_loadKnowledgeBase", &kefu::FaqApi::loadKnowledgeBase)
      .function("_indexInbox", &kefu::indexInboxView<kefu::FaqApi>)
      .function("_loadReceivedIndex", &kefu::FaqApi::loadReceivedIndex)
      .function("_matchRanks", &kefu::FaqApi::matchRanks)
      .function("_suggest", &kefu::FaqApi::suggest)
      .function("_teach", &kefu::FaqApi::teach)
      .function("_untaught", &kefu::FaqApi::untaught)
      .function("_exportIndex", &kefu::FaqApi::exportIndex)
      .function("_exportedIndexView", &exportedIndexView)
      .function("_stats", &kefu::FaqApi::stats);
}
