#include "api/session_api.h"

#include <cmath>

#include "api/replies.h"

// SessionApi's per-event calls, compiled for speed; the setup calls and the view are in
// session_api_setup.cpp, compiled for size.

namespace kefu {

namespace {

constexpr std::size_t kMaxEventBytes = 256u << 10;  // a frame event carries a frame of at most 64 KiB

}  // namespace

bool SessionApi::validTime(double now) { return std::isfinite(now) && now >= 0 && now <= 9007199254740991.0; }

const std::string& SessionApi::effectsReply(const std::optional<Error>& error, std::string_view moreMembers) {
  // Written into a buffer kept from call to call: the hot path copies no reply.
  writeEffectsReply(reply_, error, *session_, moreMembers);
  return reply_;
}

const std::string& SessionApi::keepReply(std::string reply) {
  reply_ = std::move(reply);
  return reply_;
}

const std::string& SessionApi::handle(std::string_view eventJson) {
  if (!session_ || !started_) return keepReply(errorJson({"not_started", "start or restore the session first"}));
  auto parsed = parseJsonText(eventJson, JsonLimits{kMaxEventBytes, 8}, "event");
  if (!parsed.ok()) return keepReply(errorJson({"invalid_event", parsed.error().message}));
  return effectsReply(session_->handle(parsed.value()));
}

const std::string& SessionApi::handleFrame(std::string_view frameText, double now) {
  if (!session_ || !started_) return keepReply(errorJson({"not_started", "start or restore the session first"}));
  if (!validTime(now)) return keepReply(errorJson({"invalid_event", "every event carries now (ms since epoch)"}));
  return effectsReply(session_->handleFrame(frameText, static_cast<std::int64_t>(now)));
}

const std::string& SessionApi::handleSendText(std::string_view text, double now) {
  if (!session_ || !started_) return keepReply(errorJson({"not_started", "start or restore the session first"}));
  if (!validTime(now)) return keepReply(errorJson({"invalid_event", "every event carries now (ms since epoch)"}));
  return effectsReply(session_->handleSendText(text, static_cast<std::int64_t>(now)));
}

}  // namespace kefu
