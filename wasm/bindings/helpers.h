#pragma once
// Small adapters between Embind's std::string arguments and the core's string_view
// API. The only other file that knows about Emscripten is bindings.cpp.
#include <string>

#include "api/faq_api.h"

namespace kefu::js {

std::string loadKnowledgeBase(FaqApi& api, const std::string& kbJson, const std::string& optionsJson);
std::string match(const FaqApi& api, const std::string& text, int topK);

}  // namespace kefu::js
