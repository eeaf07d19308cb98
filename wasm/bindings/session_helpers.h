#pragma once
#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "api/session_api.h"

namespace kefu::js {

std::string configureSession(SessionApi& api, const std::string& config, const std::string& knowledgeBase);
std::string startFresh(SessionApi& api, double seed, const std::string& visitorId, double now);
std::string restoreSession(SessionApi& api, const std::string& snapshot, const std::string& journal, double seed, double now);
// The session's address in the wasm heap, for the plain exports below.
std::uintptr_t sessionAddress(SessionApi& api);
// Replies as Uint8Array views of UTF-8 in the wasm heap, valid until the next call (the
// wrapper decodes them at once with one TextDecoder call; see bindings/helpers.h).
emscripten::val handleEvent(SessionApi& api, const std::string& event);
emscripten::val handleFrame(SessionApi& api, const std::string& frame, double now);
emscripten::val sessionView(const SessionApi& api);
std::string sessionSuggest(const SessionApi& api, const std::string& prefix, int topK);

}  // namespace kefu::js

// The two commonest events, frames and the visitor's text, as plain wasm exports instead
// of Embind methods: the wrapper encodes the text straight into a buffer in the heap
// (TextEncoder.encodeInto) and decodes the reply from it (TextDecoder), so a call is one
// wasm call with numbers. Embind's per-call string conversion (length, malloc, encode,
// copy, free), its generic invoker (no `new Function` under DYNAMIC_EXECUTION=0) and the
// emval for the reply's view cost about a tenth of the time per event. Replies and
// errors are the same text as the Embind methods'.
extern "C" {
// Room for `size` bytes of input, valid until the next call (it may grow the heap).
char* kefu_session_input(std::size_t size);
// SessionApi::handleFrame / handleSendText on the first `size` bytes of the input; returns
// the reply, kept until the next call, of kefu_session_reply_size() bytes.
const char* kefu_session_frame(kefu::SessionApi* api, std::size_t size, double now);
const char* kefu_session_send_text(kefu::SessionApi* api, std::size_t size, double now);
std::size_t kefu_session_reply_size();
}
