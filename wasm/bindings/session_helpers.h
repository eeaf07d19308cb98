#pragma once
#include <string>

#include "api/session_api.h"

namespace kefu::js {

std::string configureSession(SessionApi& api, const std::string& config, const std::string& knowledgeBase);
std::string startFresh(SessionApi& api, double seed, const std::string& visitorId, double now);
std::string restoreSession(SessionApi& api, const std::string& snapshot, const std::string& journal, double seed, double now);
std::string handleEvent(SessionApi& api, const std::string& event);
std::string sessionView(const SessionApi& api);

}  // namespace kefu::js
