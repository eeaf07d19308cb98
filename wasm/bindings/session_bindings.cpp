// The chat session's boundary: the Embind class takes its C++ name, SessionApi (the JS
// wrapper web/core/chat-session.js is the public ChatSession), for the calls made once
// per page or per keystroke of typeahead; and plain wasm exports for the events and
// the view, the calls made for every frame, keystroke and render (see faq_bindings.cpp
// for the conventions; docs/architecture.md lists every door).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "api/session_api.h"
#include "bindings/index_inbox_view.h"

namespace {

// The session's address in the wasm heap, for the plain exports below.
std::uintptr_t sessionAddress(kefu::SessionApi& api) { return reinterpret_cast<std::uintptr_t>(&api); }

}  // namespace

EMSCRIPTEN_BINDINGS(kefu_session) {
  emscripten::class_<kefu::SessionApi>("SessionApi")
      .constructor<>()
      .function("_configure", &kefu::SessionApi::configure)
      .function("_indexInbox", &kefu::indexInboxView<kefu::SessionApi>)
      .function("_loadReceivedIndex", &kefu::SessionApi::loadReceivedIndex)
      .function("_address", &sessionAddress)
      .function("_startFresh", &kefu::SessionApi::startFresh)
      .function("_restore", &kefu::SessionApi::restore)
      .function("_suggest", &kefu::SessionApi::suggest);
}

// The events and the view as plain wasm exports instead of Embind methods: the wrapper
// encodes the text straight into a buffer in the heap (TextEncoder.encodeInto) and
// decodes the reply from it (TextDecoder), so a call is one wasm call with numbers.
// Embind's per-call string conversion (length, malloc, encode, copy, free), its generic
// invoker (no `new Function` under DYNAMIC_EXECUTION=0) and the emval for a reply's view
// cost about a tenth of the time per event. Each returns its reply (api/replies.h), kept
// in the SessionApi until its next call, of kefu_session_reply_size() bytes.
namespace {

// The core is single-threaded: one input buffer serves every session.
std::vector<char> input;
std::size_t replySize = 0;

const char* keep(const std::string& reply) {
  replySize = reply.size();
  return reply.data();
}

}  // namespace

extern "C" {

// Room for `size` bytes of input, valid until the next call (it may grow the heap).
EMSCRIPTEN_KEEPALIVE char* kefu_session_input(std::size_t size) {
  if (input.size() < size) input.resize(std::max(size, 2 * input.size()));
  return input.data();
}

// SessionApi::handle / handleFrame / handleSendText on the first `size` bytes of the input.
EMSCRIPTEN_KEEPALIVE const char* kefu_session_event(kefu::SessionApi* api, std::size_t size) {
  return keep(api->handle(std::string_view(input.data(), size)));
}

EMSCRIPTEN_KEEPALIVE const char* kefu_session_frame(kefu::SessionApi* api, std::size_t size, double now) {
  return keep(api->handleFrame(std::string_view(input.data(), size), now));
}

EMSCRIPTEN_KEEPALIVE const char* kefu_session_send_text(kefu::SessionApi* api, std::size_t size, double now) {
  return keep(api->handleSendText(std::string_view(input.data(), size), now));
}

EMSCRIPTEN_KEEPALIVE const char* kefu_session_view(kefu::SessionApi* api) { return keep(api->view()); }

EMSCRIPTEN_KEEPALIVE std::size_t kefu_session_reply_size() { return replySize; }

}  // extern "C"
