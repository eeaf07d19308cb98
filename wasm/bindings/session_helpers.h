#pragma once
#include <emscripten/val.h>

#include <string>

#include "api/session_api.h"

namespace kefu::js {

std::string configureSession(SessionApi& api, const std::string& config, const std::string& knowledgeBase);
std::string startFresh(SessionApi& api, double seed, const std::string& visitorId, double now);
std::string restoreSession(SessionApi& api, const std::string& snapshot, const std::string& journal, double seed, double now);
// Replies as Uint8Array views of UTF-8 in the wasm heap, valid until the next call (the
// wrapper decodes them at once with one TextDecoder call; see bindings/helpers.h).
emscripten::val handleEvent(SessionApi& api, const std::string& event);
emscripten::val handleFrame(SessionApi& api, const std::string& frame, double now);
emscripten::val sessionView(const SessionApi& api);
std::string sessionSuggest(const SessionApi& api, const std::string& prefix, int topK);

}  // namespace kefu::js
