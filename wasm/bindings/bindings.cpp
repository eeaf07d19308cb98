// Embind surface of the core. Every method takes and returns plain strings (JSON) or
// bytes, never throws, and reports failure as {"ok":false,"error":{...}}; the JS wrapper
// in web/core/ turns that into a KefuError. Raw methods carry a leading underscore
// because only that wrapper should call them.
#include <emscripten/bind.h>

#include "bindings/helpers.h"

EMSCRIPTEN_BINDINGS(kefu_core) {
  emscripten::class_<kefu::FaqApi>("FaqEngine")
      .constructor<>()
      .function("_loadKnowledgeBase", &kefu::js::loadKnowledgeBase)
      .function("_loadIndex", &kefu::js::loadIndex)
      .function("_matchRanks", &kefu::js::matchRanks)
      .function("_suggest", &kefu::js::suggest)
      .function("_exportIndex", &kefu::FaqApi::exportIndex)
      .function("_exportedIndexView", &kefu::js::exportedIndexView)
      .function("_stats", &kefu::FaqApi::stats);
}
