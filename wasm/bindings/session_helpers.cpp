#include "bindings/session_helpers.h"

#include "bindings/helpers.h"

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
emscripten::val handleEvent(SessionApi& api, const std::string& event) { return replyView(api.handle(event)); }
emscripten::val handleFrame(SessionApi& api, const std::string& frame, double now) { return replyView(api.handleFrame(frame, now)); }
emscripten::val sessionView(const SessionApi& api) { return replyView(api.view()); }
std::string sessionSuggest(const SessionApi& api, const std::string& prefix, int topK) { return api.suggest(prefix, topK); }

}  // namespace kefu::js
