#include "bindings/helpers.h"

namespace kefu::js {

std::string loadKnowledgeBase(FaqApi& api, const std::string& kbJson, const std::string& optionsJson) {
  return api.loadKnowledgeBase(kbJson, optionsJson);
}

std::string loadIndex(FaqApi& api, const std::string& indexBytes, const std::string& optionsJson) {
  return api.loadIndex(indexBytes, optionsJson);
}

namespace {

emscripten::val heapView(const std::string& bytes) {
  return emscripten::val(
      emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const unsigned char*>(bytes.data())));
}

}  // namespace

emscripten::val replyView(std::string reply) {
  static std::string kept;
  kept = std::move(reply);
  return heapView(kept);
}

std::string matchRanks(const FaqApi& api, const std::string& text, int topK) { return api.matchRanks(text, topK); }

std::string suggest(const FaqApi& api, const std::string& prefix, int topK) { return api.suggest(prefix, topK); }

emscripten::val exportedIndexView(const FaqApi& api) { return heapView(api.exportedIndex()); }

}  // namespace kefu::js
