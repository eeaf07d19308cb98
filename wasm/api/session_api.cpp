#include "api/session_api.h"

#include <cmath>

#include "api/faq_api.h"
#include "base/json_access.h"
#include "base/json_writer.h"

namespace kefu {

namespace {

constexpr std::size_t kMaxEventBytes = 256u << 10;  // a frame event carries a frame of at most 64 KiB

bool validTime(double now) { return std::isfinite(now) && now >= 0 && now <= 9007199254740991.0; }

std::uint64_t seedFrom(double seed) {
  return std::isfinite(seed) && seed >= 0 && seed <= 18446744073709549568.0 ? static_cast<std::uint64_t>(seed) : 0;
}

}  // namespace

KEFU_RARELY_RUN std::string SessionApi::configure(std::string_view configJson, std::string_view knowledgeBaseJson) {
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
  return toJsonText(Json{{"ok", true}});
}

const std::string& SessionApi::effectsReply(const std::optional<Error>& error, std::string_view moreMembers) {
  // Written into a buffer kept from call to call. Keys in sorted order, as the trees
  // this replaced wrote them.
  std::string& reply = reply_;
  reply.clear();
  if (error) {
    reply += "{\"error\":{\"code\":";
    appendJsonString(reply, error->code);
    reply += ",\"message\":";
    appendJsonString(reply, error->message);
    reply += "},\"ok\":false}";
  } else if (!moreMembers.empty()) {
    reply += "{\"ok\":true";
    reply += moreMembers;
    reply += '}';
  }
  const std::size_t header = reply.size();
  session_->drainEffectsText(reply);
  // A rejected event changes nothing, so there is nothing for the shell to carry out.
  if (error) reply.resize(header);
  return reply;
}

KEFU_RARELY_RUN std::string SessionApi::startFresh(double seed, std::string_view visitorId, double now) {
  if (!session_) return errorJson({"not_configured", "configure the session first"});
  if (!validTime(now)) return errorJson({"invalid_argument", "now must be a time in ms"});
  if (visitorId.size() > 128) return errorJson({"invalid_argument", "visitorId is longer than 128 bytes"});
  session_->startFresh(seedFrom(seed), std::string(visitorId), static_cast<std::int64_t>(now));
  started_ = true;
  return effectsReply(std::nullopt);
}

KEFU_RARELY_RUN std::string SessionApi::restore(std::string_view snapshot, std::string_view journalJson, double seed, double now) {
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
  return effectsReply(std::nullopt, ",\"restoreError\":" + toJsonText(restoreError));
}

std::string SessionApi::handle(std::string_view eventJson) {
  if (!session_ || !started_) return errorJson({"not_started", "start or restore the session first"});
  // The visitor's message, the commonest event after frames, is a flat object: read
  // without a tree. Session::handle takes the same path for it once it has parsed one.
  if (eventJson.size() <= kMaxEventBytes && flatEvent_.parse(eventJson)) {
    const std::string_view* type = flatEvent_.string("type");
    const FlatObject::Value* now = flatEvent_.find("now");
    const std::string_view* text = flatEvent_.string("text");
    // A keyed event (forwarded by another tab) goes through Session::handle's key check.
    if (type && *type == "send_text" && now && now->kind == FlatObject::Kind::number && text && !flatEvent_.find("key")) {
      return effectsReply(session_->handleSendText(*text, static_cast<std::int64_t>(now->number)));
    }
  }
  auto parsed = parseJsonText(eventJson, JsonLimits{kMaxEventBytes, 8}, "event");
  if (!parsed.ok()) return errorJson({"invalid_event", parsed.error().message});
  return effectsReply(session_->handle(parsed.value()));
}

const std::string& SessionApi::keepReply(std::string reply) {
  reply_ = std::move(reply);
  return reply_;
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

KEFU_RARELY_RUN std::string SessionApi::suggest(std::string_view prefix, int topK) const {
  // The same bounds as FaqEngine.suggest.
  if (auto problem = checkQueryBounds(prefix, topK, FaqApiLimits{})) return errorJson(*problem);
  if (!faq_ || faq_->empty()) return "{\"ok\":true,\"suggestions\":[]}";
  return suggestionsReply(*faq_, prefix, static_cast<std::size_t>(topK));
}

KEFU_RARELY_RUN std::string SessionApi::view() const {
  if (!session_ || !started_) return errorJson({"not_started", "start or restore the session first"});
  return toJsonText(Json{{"ok", true}, {"view", session_->view()}});
}

}  // namespace kefu
