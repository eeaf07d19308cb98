#include <cmath>

#include "api/replies.h"
#include "api/session_api.h"
#include "base/json_access.h"
#include "base/json_writer.h"
#include "faq/index_codec.h"

// SessionApi's once-per-page calls (configure, start, restore) and the per-render ones
// (view, suggest): compiled for size (wasm/CMakeLists.txt). The per-event calls are in
// session_api.cpp.

namespace kefu {

namespace {

std::uint64_t seedFrom(double seed) {
  return std::isfinite(seed) && seed >= 0 && seed <= 18446744073709549568.0 ? static_cast<std::uint64_t>(seed) : 0;
}

}  // namespace

std::string SessionApi::configure(const std::string& configJson, const std::string& knowledgeBaseJson) {
  auto parsed = parseJsonText(configJson.empty() ? std::string_view("{}") : configJson, JsonLimits{64u << 10, 8}, "config");
  if (!parsed.ok() || !parsed.value().is_object()) return errorJson({"invalid_config", "the session config must be a JSON object"});
  const Json& config = parsed.value();
  session::SessionConfig next;
  next.siteId = json::stringOr(config, "siteId", "default");
  next.locale = json::stringOr(config, "locale", next.locale);
  next.preChatForm = json::boolOr(config, "preChatForm");
  next.unansweredTurnsBeforeHandoff = static_cast<int>(json::intOr(config, "unansweredTurnsBeforeHandoff", next.unansweredTurnsBeforeHandoff));
  const std::int64_t maxText = json::intOr(config, "maxTextChars", static_cast<std::int64_t>(next.protocol.maxTextChars));
  if (maxText < 1 || maxText > 16000) return errorJson({"invalid_config", "maxTextChars must be 1 to 16000"});
  next.protocol.maxTextChars = static_cast<std::size_t>(maxText);
  if (const Json* keywords = json::field(config, "handoffKeywords")) {
    if (!keywords->is_array()) return errorJson({"invalid_config", "handoffKeywords must be an array of strings"});
    next.handoffKeywords.clear();
    for (const auto& keyword : *keywords) {
      if (keyword.is_string() && !keyword.get_ref<const std::string&>().empty()) next.handoffKeywords.push_back(keyword.get<std::string>());
    }
  }
  if (const Json* outbox = json::field(config, "outbox"); outbox && outbox->is_object()) {
    next.outbox.maxCount = static_cast<std::size_t>(std::max<std::int64_t>(1, json::intOr(*outbox, "maxCount", static_cast<std::int64_t>(next.outbox.maxCount))));
    next.outbox.maxBytes = static_cast<std::size_t>(std::max<std::int64_t>(1, json::intOr(*outbox, "maxBytes", static_cast<std::int64_t>(next.outbox.maxBytes))));
    next.outbox.maxAttempts = static_cast<int>(std::max<std::int64_t>(1, json::intOr(*outbox, "maxAttempts", next.outbox.maxAttempts)));
    next.outbox.maxAgeMs = std::max<std::int64_t>(1000, json::intOr(*outbox, "maxAgeMs", next.outbox.maxAgeMs));
  }
  std::unique_ptr<FaqEngine> faq;
  if (!knowledgeBaseJson.empty()) {
    auto kb = parseKnowledgeBase(knowledgeBaseJson, KnowledgeBaseLimits{});
    if (!kb.ok()) return errorJson(kb.error());
    faq = std::make_unique<FaqEngine>();
    faq->build(std::move(kb.value()));
  }
  config_ = std::move(next);
  faq_ = std::move(faq);
  session_ = std::make_unique<session::Session>(config_, faq_.get());
  started_ = false;
  return resultJson(Json::object());
}

std::string SessionApi::loadReceivedIndex() {
  auto stored = indexInbox_.take();
  if (!session_) return errorJson({"not_configured", "configure the session first"});
  if (!stored.ok()) return errorJson(stored.error());
  auto decoded = deriveIndex(std::move(stored.value()));
  if (!decoded.ok()) return errorJson(decoded.error());
  const std::size_t entries = decoded.value().kb.entries.size();
  auto faq = std::make_unique<FaqEngine>();
  faq->adopt(std::move(decoded.value().kb), std::move(decoded.value().index), decoded.value().thresholds);
  session_->useKnowledge(faq.get());
  faq_ = std::move(faq);
  return resultJson(Json{{"entries", entries}});
}

std::string SessionApi::startFresh(double seed, const std::string& visitorId, double now) {
  if (!session_) return errorJson({"not_configured", "configure the session first"});
  if (!validTime(now)) return errorJson({"invalid_argument", "now must be a time in ms"});
  if (visitorId.size() > 128) return errorJson({"invalid_argument", "visitorId is longer than 128 bytes"});
  session_->startFresh(seedFrom(seed), std::string(visitorId), static_cast<std::int64_t>(now));
  started_ = true;
  return std::string(effectsReply(std::nullopt));
}

std::string SessionApi::restore(const std::string& snapshot, const std::string& journalJson, double seed, double now) {
  if (!session_) return errorJson({"not_configured", "configure the session first"});
  if (!validTime(now)) return errorJson({"invalid_argument", "now must be a time in ms"});
  std::vector<std::string> journal;
  std::optional<Error> problem;
  auto parsed = parseJsonText(journalJson.empty() ? std::string_view("[]") : journalJson, JsonLimits{64u << 20, 4}, "journal");
  if (parsed.ok() && parsed.value().is_array()) {
    for (const auto& line : parsed.value()) {
      if (line.is_string()) journal.push_back(line.get<std::string>());
      else problem = Error{"snapshot_corrupt", "a journal record is not a string"};
    }
  } else {
    problem = Error{"snapshot_corrupt", "the journal is not a JSON array"};
  }
  if (problem) {
    session_->startFresh(seedFrom(seed), "", static_cast<std::int64_t>(now));
  } else {
    problem = session_->restore(std::string(snapshot), journal, seedFrom(seed), static_cast<std::int64_t>(now));
  }
  started_ = true;
  // A lost history is reported, but the fresh session is up and running: ok stays true.
  const Json restoreError = problem ? Json{{"code", problem->code}, {"message", problem->message}} : Json(nullptr);
  return std::string(effectsReply(std::nullopt, ",\"restoreError\":" + toJsonText(restoreError)));
}

std::string SessionApi::suggest(const std::string& prefix, int topK) const {
  // The same bounds as FaqEngine.suggest.
  if (auto problem = checkQueryBounds(prefix, topK, FaqApiLimits{})) return errorJson(*problem);
  if (!faq_ || faq_->empty()) return "{\"ok\":true,\"suggestions\":[]}";
  return suggestionsReply(*faq_, prefix, static_cast<std::size_t>(topK));
}

const std::string& SessionApi::view() {
  if (!session_ || !started_) return keepReply(errorJson({"not_started", "start or restore the session first"}));
  return keepReply(resultJson(Json{{"view", session_->view()}}));
}

}  // namespace kefu
