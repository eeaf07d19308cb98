#pragma once
// Small adapters between Embind's std::string arguments and the core's string_view
// API. The only other file that knows about Emscripten is bindings.cpp.
#include <emscripten/val.h>

#include <string>

#include "api/faq_api.h"

namespace kefu::js {

std::string loadKnowledgeBase(FaqApi& api, const std::string& kbJson, const std::string& optionsJson);
// indexBytes arrives from a Uint8Array (Embind copies its bytes into the string).
std::string loadIndex(FaqApi& api, const std::string& indexBytes, const std::string& optionsJson);
std::string matchRanks(const FaqApi& api, const std::string& text, int topK);
// Keeps `reply` until the next call and returns a Uint8Array view of it in the wasm heap:
// the JS wrapper decodes it at once with one TextDecoder call (the core is single-threaded).
emscripten::val replyView(std::string reply);
std::string suggest(const FaqApi& api, const std::string& prefix, int topK);
// A Uint8Array view of the last exported index, inside the wasm heap: the JS wrapper
// copies it out at once, before anything can grow (and detach) the heap.
emscripten::val exportedIndexView(const FaqApi& api);

}  // namespace kefu::js
