#include "bindings/session_helpers.h"

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
std::string handleEvent(SessionApi& api, const std::string& event) { return api.handle(event); }
std::string sessionView(const SessionApi& api) { return api.view(); }

}  // namespace kefu::js
