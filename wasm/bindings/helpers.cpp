#include "bindings/helpers.h"

namespace kefu::js {

std::string loadKnowledgeBase(FaqApi& api, const std::string& kbJson, const std::string& optionsJson) {
  return api.loadKnowledgeBase(kbJson, optionsJson);
}

std::string match(const FaqApi& api, const std::string& text, int topK) { return api.match(text, topK); }

}  // namespace kefu::js
