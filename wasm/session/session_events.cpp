#include <algorithm>
#include <cctype>

#include "base/json_access.h"
#include "base/utf8.h"
#include "session/session.h"

// The session's rarely run events, compiled for size (wasm/CMakeLists.txt): the generic
// JSON events, server frames other than ack and msg, phase changes, the bot's replies
// (which call into the FAQ engine), connecting and timers. Most of them build and read
// nlohmann trees, which -O2 would unroll and inline into much more code for no time
// anyone would notice.

namespace kefu::session {

namespace {

// Keys only have to outlive the events other tabs still hold unconfirmed (a few, for a
// few milliseconds, when a leader tab closes), so a short list is plenty.
constexpr std::size_t kMaxAppliedKeys = 64;
constexpr std::size_t kMaxEventKeyBytes = 64;

std::string lowerAscii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Error invalidInState(const char* what, Phase phase) {
  return Error{"invalid_in_state", std::string(what) + " is not possible while the conversation is " + phaseName(phase)};
}

std::optional<Error> Session::handle(const Json& event) {
  const Json* key = event.is_object() ? json::field(event, "key") : nullptr;
  if (key == nullptr) return handleEvent(event);
  if (!key->is_string() || key->get_ref<const std::string&>().empty() || key->get_ref<const std::string&>().size() > kMaxEventKeyBytes) {
    return Error{"invalid_event", "an event's key is a string of 1 to 64 bytes"};
  }
  const std::string& keyText = key->get_ref<const std::string&>();
  if (std::find(appliedKeys_.begin(), appliedKeys_.end(), keyText) != appliedKeys_.end()) return std::nullopt;
  // flush() records the key in the same journal append as the event's own records, so
  // both are stored or neither; a rejected event reaches no flush and is not remembered.
  keyToRecord_ = keyText;
  std::optional<Error> error = handleEvent(event);
  keyToRecord_.clear();
  return error;
}

void Session::rememberKey(std::string key) {
  if (key.empty() || std::find(appliedKeys_.begin(), appliedKeys_.end(), key) != appliedKeys_.end()) return;
  appliedKeys_.push_back(std::move(key));
  if (appliedKeys_.size() > kMaxAppliedKeys) appliedKeys_.pop_front();
}

std::optional<Error> Session::handleEvent(const Json& event) {
  if (!event.is_object() || !json::hasString(event, "type")) return Error{"invalid_event", "an event is an object with a type"};
  const Json* nowField = json::field(event, "now");
  if (!nowField || !nowField->is_number()) return Error{"invalid_event", "every event carries now (ms since epoch)"};
  const std::int64_t now = json::intOr(event, "now");
  now_ = now;
  const std::string type = json::stringOr(event, "type");
  std::optional<Error> error;
  if (type == "send_text") {
    if (!json::hasString(event, "text")) return Error{"invalid_event", "send_text needs text"};
    const std::string& text = json::field(event, "text")->get_ref<const std::string&>();
    if (const Json* attachment = json::field(event, "attachment")) {
      error = onVisitorAttachment(text, *attachment, now);
      if (!error) flush(now);
      return error;
    }
    return handleSendText(text, now);
  } else if (type == "frame") {
    if (!json::hasString(event, "text")) return Error{"invalid_event", "frame needs text"};
    return handleFrame(json::field(event, "text")->get_ref<const std::string&>(), now);
  } else if (type == "choose_suggestion") {
    error = onChooseSuggestion(json::stringOr(event, "faqId"), now);
  } else if (type == "request_handoff") {
    error = onRequestHandoff("visitor", now);
  } else if (type == "connected") {
    onConnected(now);
  } else if (type == "disconnected") {
    onDisconnected(now);
  } else if (type == "timer") {
    onTimer(now);
  } else if (type == "retry") {
    const OutboxEntry* entry = outbox_.find(json::stringOr(event, "cmid"));
    if (entry == nullptr || entry->delivery != Delivery::failed) {
      error = Error{"not_failed", "only a failed message can be retried"};
    } else {
      record(RetryRecord{entry->cmid, now});
    }
  } else if (type == "rate") {
    const std::int64_t stars = json::intOr(event, "stars");
    if (phase_.phase != Phase::ended) {
      error = invalidInState("rating", phase_.phase);
    } else if (stars < 1 || stars > 5) {
      error = Error{"invalid_event", "stars must be 1 to 5"};
    } else {
      Json frame{{"type", "rate"}, {"stars", stars}};
      const std::string comment = json::stringOr(event, "comment");
      if (utf8::length(comment) > config_.protocol.maxTextChars) return Error{"text_too_long", "the comment is too long"};
      if (!comment.empty()) frame["comment"] = comment;
      sendReliably(std::move(frame));
      record(phaseChange(Phase::rated));
    }
  } else if (type == "leave_message") {
    const std::string message = json::stringOr(event, "message");
    if (phase_.phase != Phase::offline) {
      error = invalidInState("leaving a message", phase_.phase);
    } else if (message.find_first_not_of(" \t\r\n") == std::string::npos || utf8::length(message) > config_.protocol.maxTextChars) {
      error = Error{"invalid_event", "the message must be 1 to " + std::to_string(config_.protocol.maxTextChars) + " characters"};
    } else {
      const std::string cmid = nextCmid();
      CursorRecord cursor;
      cursor.cmidCounter = cmidCounter_;
      record(cursor);
      PhaseRecord next = phaseChange(Phase::ticket_submitted);
      next.ticket.clear();
      record(next);
      // The server deduplicates tickets by cmid, so sending it again is safe.
      sendReliably({{"type", "ticket"}, {"cmid", cmid}, {"message", message}, {"contact", json::stringOr(event, "contact")}});
    }
  } else if (type == "submit_prechat") {
    const Json* fields = json::field(event, "fields");
    if (phase_.phase != Phase::prechat) {
      error = invalidInState("the pre-chat form", phase_.phase);
    } else if (!fields || !fields->is_object()) {
      error = Error{"invalid_event", "submit_prechat needs fields"};
    } else {
      Json frame{{"type", "prechat"}, {"fields", *fields}};
      if (auto invalid = protocol::validateFrame(frame, protocol::Direction::toServer, config_.protocol)) return invalid;
      sendReliably(std::move(frame));
      PhaseRecord next = phaseChange(Phase::bot);
      next.prechatDone = true;
      record(next);
    }
  } else if (type == "panel") {
    panelOpen_ = json::boolOr(event, "open");
    if (panelOpen_) markSeen();
    viewChanged_ = true;
  } else if (type == "typing") {
    if (phase_.phase == Phase::with_agent) send({{"type", "typing"}, {"on", json::boolOr(event, "on")}});
  } else if (type == "new_conversation") {
    error = onNewConversation(now);
  } else {
    return Error{"invalid_event", "unknown event type \"" + type + "\""};
  }
  if (!error) flush(now);
  return error;
}

bool Session::matchesHandoffKeyword(std::string_view text) const {
  const std::string lowered = lowerAscii(std::string(text));
  for (const auto& keyword : config_.handoffKeywords) {
    if (!keyword.empty() && lowered.find(lowerAscii(keyword)) != std::string::npos) return true;
  }
  return false;
}

std::optional<Error> Session::onVisitorAttachment(std::string_view text, const Json& attachment, std::int64_t now) {
  if (!attachment.is_object()) return Error{"attachment_invalid", "attachment must be an object"};
  const std::string attachmentJson = toJsonText(attachment);
  // The frame it will travel in, checked by the one set of rules every frame meets, so
  // the outbox never holds a message the server would refuse for ever.
  std::string probe;
  ObjectWriter(probe).json("attachment", attachmentJson).integer("clientTime", 0).string("cmid", "c").integer("cseq", 1).string("text", text).string("type", "message");
  auto checked = protocol::parseFrame(probe, protocol::Direction::toServer, config_.protocol);
  if (!checked.ok()) return Error{"attachment_invalid", checked.error().message};
  return onVisitorText(text, now, attachmentJson);
}

std::optional<Error> Session::replyAsBot(std::string_view text, std::int64_t now) {
  if (matchesHandoffKeyword(text)) {
    enqueueVisitorMessage(text, now, nullptr);
    return onRequestHandoff("keyword", now);
  }
  const MatchResult result = faq_->match(text, 3);
  const auto& entries = faq_->knowledgeBase().entries;
  Json bot{{"tier", tierName(result.tier)}};
  Json candidates = Json::array();
  for (const auto& candidate : result.candidates) candidates.push_back(entries[candidate.entryIndex].id);
  if (!candidates.empty()) bot["candidates"] = candidates;
  if (result.tier == MatchTier::answer) {
    const FaqEntry& best = entries[result.candidates.front().entryIndex];
    bot["faqId"] = best.id;
    bot["answer"] = best.answer;
    const std::string cmid = enqueueVisitorMessage(text, now, bot);
    addLocalBotMessage(cmid, best.answer, "answer", {}, now, best.id);
    if (phase_.unanswered != 0) {
      PhaseRecord next = phaseChange(phase_.phase);
      next.unanswered = 0;
      record(next);
    }
    return std::nullopt;
  }
  if (result.tier == MatchTier::suggest) {
    Suggestions suggestions;
    for (const auto& candidate : result.candidates) {
      suggestions.emplace_back(entries[candidate.entryIndex].id, entries[candidate.entryIndex].question);
    }
    const std::string cmid = enqueueVisitorMessage(text, now, bot);
    addLocalBotMessage(cmid, "", "suggest", std::move(suggestions), now);
    return std::nullopt;
  }
  const std::string cmid = enqueueVisitorMessage(text, now, bot);
  addLocalBotMessage(cmid, "", "handoff", {}, now);
  PhaseRecord next = phaseChange(phase_.phase);
  next.unanswered = phase_.unanswered + 1;
  record(next);
  if (config_.unansweredTurnsBeforeHandoff > 0 && next.unanswered >= config_.unansweredTurnsBeforeHandoff) {
    return onRequestHandoff("unanswered", now);
  }
  return std::nullopt;
}

std::optional<Error> Session::onChooseSuggestion(const std::string& faqId, std::int64_t now) {
  if (phase_.phase != Phase::bot) return invalidInState("choosing a suggestion", phase_.phase);
  if (faq_ == nullptr) return Error{"unknown_faq", "no knowledge base is loaded"};
  for (const auto& entry : faq_->knowledgeBase().entries) {
    if (entry.id != faqId) continue;
    if (!outbox_.hasRoomFor(entry.question.size())) return Error{"outbox_full", "too many messages are waiting to be sent"};
    const std::string cmid = enqueueVisitorMessage(entry.question, now, {{"tier", "answer"}, {"faqId", entry.id}, {"answer", entry.answer}});
    addLocalBotMessage(cmid, entry.answer, "answer", {}, now, entry.id);
    return std::nullopt;
  }
  return Error{"unknown_faq", "no FAQ has id \"" + faqId + "\""};
}

// After the end (and the rating): the next message opens another conversation on the
// server, and the one before stays on screen as history, above a divider. The server
// opens one for a hello without a session token; everything numbered in the old one
// (seqs, cseqs, read positions) starts again, so the old messages keep no seq and leave
// the outbox, and a snapshot replaces the journal: a restore rebuilds this state, not
// the old counters.
std::optional<Error> Session::onNewConversation(std::int64_t now) {
  if (phase_.phase != Phase::ended && phase_.phase != Phase::rated) return invalidInState("a new conversation", phase_.phase);
  // What the old conversation still owes the server (a message, the rating) goes there first.
  if (outbox_.unacknowledged() > 0 || !pendingControl_.empty()) {
    return Error{"outbox_pending", "the last conversation has messages still on their way; try again once they are delivered"};
  }
  outbox_.trimAcknowledged(0);
  outbox_.resetReadCursor();
  std::vector<MessageRecord> history(messages_.begin(), messages_.end());
  messages_ = MessageList(config_.maxMessages);
  for (auto& message : history) {
    message.seq = 0;
    messages_.append(std::move(message));
  }
  MessageRecord divider;
  divider.id = "new:" + nextCmid();
  divider.author = "divider";
  divider.time = now;
  messages_.append(std::move(divider));
  messages_.trim();
  sessionToken_.clear();
  conversationId_.clear();
  lastSeq_ = 0;
  seenUpTo_ = 0;
  agentReadUpTo_ = 0;
  nextCseq_ = 1;
  earlyMessages_.clear();
  resyncRequestedAt_ = 0;
  PhaseRecord fresh;
  fresh.phase = Phase::bot;
  fresh.prechatDone = phase_.prechatDone;
  phase_ = fresh;
  effects_.snapshot(snapshotText(&lastSnapshotRecords_));
  journalSinceSnapshot_ = 0;
  viewChanged_ = true;
  // A connection that said hello with the old token is made again without it.
  if (connected_) {
    effects_.add(EffectTag::disconnect);
    connected_ = false;
    welcomed_ = false;
    agentTyping_ = false;
    reconnectAttempts_ = 0;
    reconnectAt_ = 0;
    effects_.add(EffectTag::connect);
  }
  return std::nullopt;
}

std::optional<Error> Session::onRequestHandoff(const char* reason, std::int64_t) {
  if (phase_.phase == Phase::ended || phase_.phase == Phase::rated) record(phaseChange(Phase::bot));
  if (phase_.phase != Phase::bot) return invalidInState("asking for a person", phase_.phase);
  PhaseRecord next = phaseChange(Phase::handoff_requested);
  next.unanswered = 0;
  record(next);
  send({{"type", "handoff"}, {"reason", reason}});
  std::string detail;
  ObjectWriter(detail).string("reason", reason);
  emitNotify("handoff", detail);
  return std::nullopt;
}

void Session::addLocalBotMessage(const std::string& cmid, const std::string& text, const std::string& tier, Suggestions suggestions,
                                 std::int64_t now, const std::string& faqId) {
  MessageRecord message;
  message.id = "bot:" + cmid;
  message.author = "bot";
  message.text = text;
  message.time = now;
  message.tier = tier;
  message.faqId = faqId;
  message.suggestions = std::move(suggestions);
  writeRecord(newRecord(), message);
  apply(std::move(message));
}

PhaseRecord Session::phaseChange(Phase phase) const {
  PhaseRecord next = phase_;
  next.phase = phase;
  return next;
}

void Session::sendReliably(Json frame) {
  if (connected_ && welcomed_) {
    send(frame);
    return;
  }
  ControlRecord control{pendingControl_};
  control.frames.push_back(std::move(frame));
  record(control);
}

void Session::send(const Json& frame) { sendText(toJsonText(frame)); }

void Session::markSeen() {
  if (seenUpTo_ >= lastSeq_) return;
  record(SeenRecord{lastSeq_});
  send({{"type", "read"}, {"upToSeq", lastSeq_}});
}

void Session::onConnected(std::int64_t now) {
  connected_ = true;
  welcomed_ = false;
  reconnectAt_ = 0;
  lastHeardAt_ = now;
  lastSentAt_ = now;
  Json hello{{"type", "hello"},      {"v", protocol::kVersion}, {"siteId", config_.siteId.empty() ? "default" : config_.siteId},
             {"visitorId", visitorId_}, {"epoch", epoch_},         {"lastSeq", lastSeq_},
             {"locale", config_.locale}};
  hello["sessionToken"] = sessionToken_.empty() ? Json(nullptr) : Json(sessionToken_);
  effects_.add(EffectTag::send, toJsonText(hello));
  viewChanged_ = true;
}

void Session::onTimer(std::int64_t now) {
  // The shell's timer has fired (maybe early, if the clock moved): it holds no timer
  // now, so the next wake is announced again even if its time did not change.
  announcedWake_ = -1;
  if (!connected_ && reconnectAt_ != 0 && now >= reconnectAt_) {
    reconnectAt_ = 0;
    effects_.add(EffectTag::connect);
  }
  if (connected_ && now - lastHeardAt_ >= 2 * config_.heartbeatMs) {
    // Two heartbeats without a word: the line is dead even if the socket says open.
    effects_.add(EffectTag::disconnect);
    onDisconnected(now);
  } else if (connected_ && welcomed_ && now - lastSentAt_ >= config_.heartbeatMs) {
    send({{"type", "ping"}, {"t", std::max<std::int64_t>(now, 0)}});
  }
  if (connected_ && welcomed_ && resyncRequestedAt_ != 0 && now - resyncRequestedAt_ >= config_.resyncRetryMs) {
    requestResync(now);
  }
}

// ---- server frames other than ack and msg ----------------------------------------

std::optional<Error> Session::onServerFrame(const Json& frame, std::int64_t now) {
  const std::string type = json::stringOr(frame, "type");
  if (type != "welcome" && !welcomed_) return Error{"not_welcomed", "a " + type + " frame arrived before welcome"};
  if (type == "welcome") {
    if (!connected_) return Error{"not_connected", "welcome without a connection"};
    welcomed_ = true;
    reconnectAttempts_ = 0;
    SessionRecord session{json::stringOr(frame, "sessionToken"), json::stringOr(frame, "conversationId")};
    if (session.token != sessionToken_ || session.conversation != conversationId_) record(session);
    // After a reload the server knows better where the conversation stands, except for
    // a hand-off the visitor asked for while the line was down: the server has not heard
    // of it yet, so it still says bot (or ended) and the request is sent below.
    const Phase phase = phase_.phase;
    if (auto serverPhase = phaseFromName(json::stringOr(frame, "state"))) {
      const bool handoffNotYetSent = phase == Phase::handoff_requested &&
                                     (*serverPhase == Phase::bot || *serverPhase == Phase::ended || *serverPhase == Phase::rated);
      if (*serverPhase != phase && phase != Phase::prechat && phase != Phase::ticket_submitted && !handoffNotYetSent) {
        record(phaseChange(*serverPhase));
      }
    }
    // The site asks for the pre-chat form (the server leaves the flag out once it has the
    // fields): only a conversation that has not started yet turns into the form.
    if (json::boolOr(frame, "preChatForm") && phase_.phase == Phase::bot && !phase_.prechatDone && messages_.empty() &&
        outbox_.entries().empty()) {
      record(phaseChange(Phase::prechat));
    }
    outbox_.onReconnected(now);
    if (json::intOr(frame, "lastSeq") > lastSeq_) requestResync(now);
    if (phase_.phase == Phase::handoff_requested) send({{"type", "handoff"}, {"reason", "visitor"}});
    if (!pendingControl_.empty()) {
      for (const auto& control : pendingControl_) send(control);
      record(ControlRecord{});
    }
    if (panelOpen_) markSeen();
    viewChanged_ = true;
  } else if (type == "ack") {
    return onAck(json::stringOr(frame, "cmid"), json::intOr(frame, "seq"));
  } else if (type == "nack") {
    outbox_.onNack(json::intOr(frame, "expectedCseq"), now);
  } else if (type == "msg") {
    MessageRecord message;
    readRecord(frame, message);
    acceptServerMessage(std::move(message), now);
  } else if (type == "resync") {
    resyncRequestedAt_ = 0;
    for (const auto& item : frame["messages"]) {
      MessageRecord message;
      readRecord(item, message);
      acceptServerMessage(std::move(message), now);
    }
    if (json::boolOr(frame, "more") || json::intOr(frame, "lastSeq") > lastSeq_) requestResync(now);
  } else if (type == "event") {
    return onServerEvent(frame, now);
  } else if (type == "error") {
    std::string detail;
    ObjectWriter(detail).string("code", json::stringOr(frame, "code")).string("message", json::stringOr(frame, "message"));
    emitNotify("error", detail);
  }
  return std::nullopt;
}

std::optional<Error> Session::onServerEvent(const Json& frame, std::int64_t) {
  const std::string event = json::stringOr(frame, "event");
  const Phase phase = phase_.phase;
  auto allowedIn = [&](std::initializer_list<Phase> phases) { return std::find(phases.begin(), phases.end(), phase) != phases.end(); };
  auto reject = [&]() {
    return std::optional<Error>(Error{"event_invalid_in_state", "\"" + event + "\" while the conversation is " + phaseName(phase)});
  };
  if (event == "queued") {
    if (!allowedIn({Phase::handoff_requested, Phase::queued})) return reject();
    PhaseRecord next = phaseChange(Phase::queued);
    next.position = json::intOr(frame, "position");
    next.eta = json::intOr(frame, "etaSeconds");
    record(next);
  } else if (event == "agent_joined") {
    // Also from bot: the visitor may have asked for a person in another tab.
    if (!allowedIn({Phase::bot, Phase::handoff_requested, Phase::queued, Phase::with_agent})) return reject();
    PhaseRecord next = phaseChange(Phase::with_agent);
    next.agent = json::stringOr(frame, "name");
    next.position = 0;
    record(next);
  } else if (event == "agent_left") {
    if (!allowedIn({Phase::with_agent})) return reject();
    agentTyping_ = false;
    PhaseRecord next = phaseChange(Phase::queued);
    next.agent.clear();
    next.position = 0;
    record(next);
  } else if (event == "typing") {
    if (!allowedIn({Phase::with_agent})) return reject();
    agentTyping_ = json::boolOr(frame, "on");
    viewChanged_ = true;
  } else if (event == "read") {
    const std::int64_t upTo = json::intOr(frame, "upToSeq");
    if (upTo > agentReadUpTo_) record(ReadRecord{upTo});
  } else if (event == "ended") {
    if (!allowedIn({Phase::handoff_requested, Phase::queued, Phase::with_agent})) return reject();
    agentTyping_ = false;
    PhaseRecord next = phaseChange(Phase::ended);
    next.rating = false;
    record(next);
  } else if (event == "rating_requested") {
    if (!allowedIn({Phase::ended})) return reject();
    PhaseRecord next = phaseChange(Phase::ended);
    next.rating = true;
    record(next);
  } else if (event == "returned_to_bot") {
    if (!allowedIn({Phase::handoff_requested, Phase::queued, Phase::with_agent, Phase::ended})) return reject();
    PhaseRecord next = phaseChange(Phase::bot);
    next.agent.clear();
    next.unanswered = 0;
    record(next);
  } else if (event == "offline") {
    if (!allowedIn({Phase::bot, Phase::handoff_requested, Phase::queued})) return reject();
    PhaseRecord next = phaseChange(Phase::offline);
    next.hours = json::stringOr(frame, "hours");
    record(next);
  } else if (event == "ticket_created") {
    if (!allowedIn({Phase::offline, Phase::ticket_submitted})) return reject();
    PhaseRecord next = phaseChange(Phase::ticket_submitted);
    next.ticket = json::stringOr(frame, "ticketId");
    record(next);
  }
  return std::nullopt;
}

}  // namespace kefu::session
