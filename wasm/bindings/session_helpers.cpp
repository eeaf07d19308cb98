#include "bindings/session_helpers.h"

#include "bindings/helpers.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <vector>

namespace kefu::js {

std::string configureSession(SessionApi& api, const std::string& config, const std::string& knowledgeBase) {
  return api.configure(config, knowledgeBase);
}
std::string startFresh(SessionApi& api, double seed, const std::string& visitorId, double now) {
  return api.startFresh(seed, visitorId, now);
}
std::string restoreSession(SessionApi& api, const std::string& snapshot, const std::string& journal, double seed, double now) {
  return api.restore(snapshot, journal, seed, now);
}
std::uintptr_t sessionAddress(SessionApi& api) { return reinterpret_cast<std::uintptr_t>(&api); }
emscripten::val handleEvent(SessionApi& api, const std::string& event) { return replyView(api.handle(event)); }
emscripten::val handleFrame(SessionApi& api, const std::string& frame, double now) { return replyView(api.handleFrame(frame, now)); }
emscripten::val sessionView(const SessionApi& api) { return replyView(api.view()); }
std::string sessionSuggest(const SessionApi& api, const std::string& prefix, int topK) { return api.suggest(prefix, topK); }

}  // namespace kefu::js

namespace {

// The core is single-threaded: one input buffer serves every session. Replies stay in
// their SessionApi until its next call.
std::vector<char> input;
std::size_t replySize = 0;

const char* keep(const std::string& reply) {
  replySize = reply.size();
  return reply.data();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE char* kefu_session_input(std::size_t size) {
  if (input.size() < size) input.resize(std::max(size, 2 * input.size()));
  return input.data();
}

EMSCRIPTEN_KEEPALIVE const char* kefu_session_frame(kefu::SessionApi* api, std::size_t size, double now) {
  return keep(api->handleFrame(std::string_view(input.data(), size), now));
}

EMSCRIPTEN_KEEPALIVE const char* kefu_session_send_text(kefu::SessionApi* api, std::size_t size, double now) {
  return keep(api->handleSendText(std::string_view(input.data(), size), now));
}

EMSCRIPTEN_KEEPALIVE std::size_t kefu_session_reply_size() { return replySize; }

}  // extern "C"
