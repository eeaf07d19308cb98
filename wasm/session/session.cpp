#include "session/session.h"

#include <algorithm>
#include <cstring>

#include "base/utf8.h"

// What runs for every frame and keystroke: the visitor's text, acks and agent messages,
// the records they write, and flush. Compiled for speed (wasm/CMakeLists.txt); the rest
// of the session is in session_events.cpp and session_store.cpp, compiled for size.

namespace kefu::session {

namespace {

constexpr std::size_t kMaxEarlyMessages = 1000;
constexpr std::size_t kKeepAcknowledged = 200;

// A msg frame that isValidFlatFrame accepted.
MessageRecord messageFromFlat(const FlatObject& frame) {
  MessageRecord message;
  auto text = [&](const char* key) {
    const std::string_view* value = frame.string(key);
    return value ? std::string(*value) : std::string();
  };
  message.id = text("id");
  message.serverId = text("serverId");
  message.author = text("author");
  message.text = text("text");
  message.name = text("name");
  message.cmid = text("cmid");
  message.replyTo = text("replyTo");
  message.tier = text("tier");
  message.seq = frame.number("seq");
  message.time = frame.number("time");
  return message;
}

}  // namespace

Session::Session(SessionConfig config, const FaqEngine* faq)
    : config_(std::move(config)), faq_(faq), messages_(config_.maxMessages), outbox_(config_.outbox) {}

// ---- the two direct events -------------------------------------------------------

std::optional<Error> Session::handleFrame(std::string_view frameText, std::int64_t now) {
  now_ = now;
  std::optional<Error> error = onFrame(frameText, now);
  if (!error) flush(now);
  return error;
}

std::optional<Error> Session::handleSendText(std::string_view text, std::int64_t now) {
  now_ = now;
  std::optional<Error> error = onVisitorText(text, now);
  if (!error) flush(now);
  return error;
}

std::optional<Error> Session::onVisitorText(std::string_view rawText, std::int64_t now, std::string_view attachment) {
  const auto first = rawText.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Error{"text_empty", "the message is empty"};
  const std::string_view text = rawText.substr(first, rawText.find_last_not_of(" \t\r\n") - first + 1);
  if (utf8::length(text) > config_.protocol.maxTextChars) {
    return Error{"text_too_long", "a message can be at most " + std::to_string(config_.protocol.maxTextChars) + " characters"};
  }
  const Phase phase = phase_.phase;
  if (phase == Phase::prechat) return Error{"prechat_required", "fill in the pre-chat form first"};
  if (phase == Phase::offline || phase == Phase::ticket_submitted) return invalidInState("chatting", phase);
  if (!outbox_.hasRoomFor(text.size())) return Error{"outbox_full", "too many messages are waiting to be sent"};
  if (phase == Phase::ended || phase == Phase::rated) {
    PhaseRecord next = phaseChange(Phase::bot);
    next.unanswered = 0;
    record(next);
  }
  if (!attachment.empty() || phase_.phase != Phase::bot || faq_ == nullptr || faq_->empty()) {
    enqueueVisitorMessage(text, now, nullptr, attachment);
    return std::nullopt;
  }
  return replyAsBot(text, now);
}

std::optional<Error> Session::onFrame(std::string_view text, std::int64_t now) {
  // Acks and agent messages, most of the traffic, are flat objects: read without a tree.
  // Anything the flat reader or its check does not accept takes the general path, which
  // also says what is wrong with it.
  if (text.size() <= config_.protocol.maxFrameBytes && flat_.parse(text) &&
      protocol::isValidFlatFrame(flat_, protocol::Direction::toClient, config_.protocol)) {
    const std::string_view type = *flat_.string("type");
    if (type == "ack" || type == "msg") {
      lastHeardAt_ = now;
      if (!welcomed_) return Error{"not_welcomed", "a " + std::string(type) + " frame arrived before welcome"};
      if (type == "ack") return onAck(*flat_.string("cmid"), flat_.number("seq"));
      acceptServerMessage(messageFromFlat(flat_), now);
      return std::nullopt;
    }
  }
  auto frame = protocol::parseFrame(text, protocol::Direction::toClient, config_.protocol);
  if (!frame.ok()) return frame.error();
  lastHeardAt_ = now;
  return onServerFrame(frame.value(), now);
}

std::optional<Error> Session::onAck(std::string_view cmid, std::int64_t seq) {
  const OutboxEntry* entry = outbox_.find(std::string(cmid));
  if (entry == nullptr) return Error{"unknown_cmid", "an ack for a message this session did not send"};
  if (entry->seq == 0) record(AckRecord{entry->cmid, seq});
  // Our own message is the next one in the conversation: no need to wait for its echo.
  if (seq == lastSeq_ + 1) {
    CursorRecord cursor;
    cursor.lastSeq = seq;
    record(cursor);
    applyEarlyMessages();
  }
  return std::nullopt;
}

void Session::acceptServerMessage(MessageRecord message, std::int64_t now) {
  const std::int64_t seq = message.seq;
  if (seq <= lastSeq_) return;  // a duplicate: already applied
  if (seq > lastSeq_ + 1) {
    if (earlyMessages_.size() < kMaxEarlyMessages) earlyMessages_.emplace(seq, std::move(message));
    if (resyncRequestedAt_ == 0) requestResync(now);
    return;
  }
  const std::int64_t unreadBefore = unreadCount();
  // The record and the notice are written before the message moves into the list.
  writeRecord(newRecord(), message);
  std::string notice;
  if (message.author == "agent" || message.author == "system") {
    ObjectWriter(notice).string("author", message.author).integer("seq", seq).string("text", message.text);
  }
  apply(std::move(message));
  if (!notice.empty()) emitNotify("message", notice);
  applyEarlyMessages();
  if (panelOpen_) markSeen();
  // The commonest notice has a line of its own, `u<count>`: the shell reads a number
  // instead of parsing a detail's JSON for every agent message.
  if (unreadCount() != unreadBefore && !replaying_) effects_.number(EffectTag::unread, unreadCount());
}

void Session::applyEarlyMessages() {
  while (!earlyMessages_.empty() && earlyMessages_.begin()->first <= lastSeq_ + 1) {
    MessageRecord next = std::move(earlyMessages_.begin()->second);
    earlyMessages_.erase(earlyMessages_.begin());
    if (next.seq == lastSeq_ + 1) {
      writeRecord(newRecord(), next);
      apply(std::move(next));
    }
  }
  if (earlyMessages_.empty()) resyncRequestedAt_ = 0;
}

std::string Session::nextCmid() {
  cmidCounter_ += 1;
  // One allocation: the concatenation made a string per piece.
  char digits[24];
  const std::string_view counter = integerText(static_cast<std::int64_t>(cmidCounter_), digits);
  std::string cmid;
  cmid.reserve(3 + epoch_.size() + counter.size());
  cmid.append("c-").append(epoch_).append(1, '-').append(counter.data(), counter.size());
  return cmid;
}

std::string Session::enqueueVisitorMessage(std::string_view text, std::int64_t now, const Json& bot, std::string_view attachment) {
  OutRecord out;
  out.cmid = nextCmid();
  out.cseq = nextCseq_;
  out.at = now;
  frameScratch_.clear();
  {
    ObjectWriter frame(frameScratch_);
    if (!attachment.empty()) frame.json("attachment", attachment);
    if (!bot.is_null()) frame.json("bot", toJsonText(bot));
    frame.integer("clientTime", std::max<std::int64_t>(now, 0)).string("cmid", out.cmid).integer("cseq", out.cseq);
    frame.string("text", text).string("type", "message");
  }
  out.frame.assign(frameScratch_.view().data(), frameScratch_.size());
  out.text = text;
  out.attachment = attachment;
  const std::string cmid = out.cmid;
  writeRecord(newRecord(), out);
  apply(std::move(out));
  CursorRecord cursor;
  cursor.cmidCounter = cmidCounter_;
  writeRecord(newRecord(), cursor);  // nextCmid() moved the counter already
  return cmid;
}

void Session::sendText(std::string_view frameJson) {
  if (!connected_ || !welcomed_) return;  // sent again (or made moot) after the next welcome
  effects_.add(EffectTag::send, frameJson);
  lastSentAt_ = now_;
}

void Session::emitNotify(std::string_view event, std::string_view detailJson) {
  if (!replaying_) effects_.notify(event, detailJson);
}

void Session::onDisconnected(std::int64_t now) {
  if (!connected_ && reconnectAt_ != 0) return;  // already waiting to reconnect
  connected_ = false;
  welcomed_ = false;
  agentTyping_ = false;
  scheduleReconnect(now);
  viewChanged_ = true;
}

void Session::scheduleReconnect(std::int64_t now) {
  std::int64_t delay = config_.reconnectInitialMs;
  for (int i = 0; i < reconnectAttempts_ && delay < config_.reconnectMaxMs; ++i) delay *= 2;
  delay = std::min(delay, config_.reconnectMaxMs);
  reconnectAttempts_ += 1;
  reconnectAt_ = now + delay / 2 + static_cast<std::int64_t>(random_.unit() * static_cast<double>(delay / 2));
}

void Session::requestResync(std::int64_t now) {
  resyncRequestedAt_ = std::max<std::int64_t>(now, 1);
  send({{"type", "resync"}, {"afterSeq", lastSeq_}});
}

void Session::flush(std::int64_t now) {
  if (!keyToRecord_.empty()) record(KeyRecord{std::exchange(keyToRecord_, {})});
  // expire() and due() changed the outbox already: their records are written, not applied.
  for (auto& cmid : outbox_.expire(now)) writeRecord(newRecord(), FailRecord{std::move(cmid)});
  if (connected_ && welcomed_) {
    std::vector<std::string> firstSends;
    for (const OutboxEntry* entry : outbox_.due(now, random_, &firstSends)) {
      sendText(entry->frame);
      lastSentAt_ = now;
      viewChanged_ = true;
    }
    // "sent" survives a reload, so the visitor never sees a message step back to "sending".
    for (auto& cmid : firstSends) writeRecord(newRecord(), SentRecord{std::move(cmid)});
  }
  outbox_.trimAcknowledged(kKeepAcknowledged);
  if (recordCount_ > 0) {
    journalSinceSnapshot_ += recordCount_;
    // Compact once the journal is a few times the snapshot it extends: storage stays
    // within a few times the state, and the cost of writing snapshots stays proportional
    // to the records written (a snapshot per 200 records would be quadratic in the
    // history). Compacting as soon as the journal matched the snapshot made half the text
    // written per event snapshot.
    if (journalSinceSnapshot_ >= std::max(config_.journalCompactAfter, config_.journalPerSnapshot * lastSnapshotRecords_)) {
      effects_.snapshot(snapshotText(&lastSnapshotRecords_));
      journalSinceSnapshot_ = 0;
    } else {
      effects_.append(records_, recordCount_);
    }
    records_.clear();
    recordCount_ = 0;
  }
  std::int64_t wake = 0;
  auto consider = [&](std::int64_t at) {
    if (at > 0 && (wake == 0 || at < wake)) wake = at;
  };
  consider(outbox_.nextWake());
  consider(reconnectAt_);
  if (connected_) consider(lastHeardAt_ + 2 * config_.heartbeatMs);
  if (connected_ && welcomed_) consider(lastSentAt_ + config_.heartbeatMs);
  if (resyncRequestedAt_ != 0) consider(resyncRequestedAt_ + config_.resyncRetryMs);
  consider(outbox_.nextExpiry());
  if (wake != announcedWake_) {
    effects_.number(EffectTag::wake, wake);
    announcedWake_ = wake;
  }
  if (viewChanged_) {
    effects_.add(EffectTag::render);
    viewChanged_ = false;
  }
}

std::string Session::snapshotText(std::size_t* recordCount) const {
  // The snapshot is itself a list of records, written by the journal's writers: restoring
  // it uses the same apply() as the journal, so there is one way state is rebuilt. Written
  // as text directly, and compiled for speed: it is rewritten on every compaction, and the
  // history makes it the largest thing written.
  std::string out;
  {
    ObjectWriter snap(out);
    snap.string("epoch", epoch_).integer("kefuSession", kSnapshotVersion);
    snap.json("random", std::to_string(random_.state()));
    std::string& state = snap.open("state");
    state.push_back('[');
    std::size_t count = 0;
    auto next = [&]() -> std::string& {
      if (count++ > 0) state.push_back(',');
      return state;
    };
    writeRecord(next(), SessionRecord{sessionToken_, conversationId_});
    auto writeOutbox = [&](const OutboxEntry& entry) {
      writeRecord(next(), OutRecord{entry.cmid, entry.cseq, entry.createdAt, entry.frame, {}, {}});
      if (entry.seq != 0) writeRecord(next(), AckRecord{entry.cmid, entry.seq});
      if (entry.delivery == Delivery::sent) writeRecord(next(), SentRecord{entry.cmid});
      if (entry.delivery == Delivery::failed) writeRecord(next(), FailRecord{entry.cmid});
    };
    // A restore appends messages in record order, so the records follow the thread: an
    // outbox entry whose message was trimmed from the thread first (it is older than every
    // message shown), then each message where it stands, a visitor's still in the outbox
    // as its outbox records (that also brings it back into the outbox), others as messages.
    for (const auto& entry : outbox_.entries()) {
      if (!messages_.contains(entry.cmid)) writeOutbox(entry);
    }
    for (const auto& message : messages_) {
      const OutboxEntry* entry = message.author == "visitor" ? outbox_.find(message.cmid) : nullptr;
      if (entry != nullptr) {
        writeOutbox(*entry);
      } else {
        writeRecord(next(), message);
      }
    }
    if (!pendingControl_.empty()) writeRecord(next(), ControlRecord{pendingControl_});
    writeRecord(next(), CursorRecord{lastSeq_, seenUpTo_, agentReadUpTo_, nextCseq_, cmidCounter_});
    writeRecord(next(), phase_);
    if (!appliedKeys_.empty()) writeRecord(next(), KeysRecord{{appliedKeys_.begin(), appliedKeys_.end()}});
    state.push_back(']');
    snap.string("visitorId", visitorId_);
    if (recordCount != nullptr) *recordCount = count;
  }
  return out;
}

// ---- records -----------------------------------------------------------------------

// Each record's text goes straight into the records for the next persist effect, each
// after a newline. One buffer, reused, instead of a string per record grown from empty:
// allocating and regrowing those was a tenth of the time per event.
TextBuffer& Session::newRecord() {
  viewChanged_ = true;
  if (replaying_) {  // a restore applies stored records; it writes none
    discardedRecord_.clear();
    return discardedRecord_;
  }
  records_.push_back('\n');
  ++recordCount_;
  return records_;
}

void Session::apply(const OutRecord& r) {
  if (r.cmid.empty() || outbox_.find(r.cmid)) return;
  nextCseq_ = std::max(nextCseq_, r.cseq + 1);
  MessageRecord message;
  message.id = r.cmid;
  message.author = "visitor";
  message.cmid = r.cmid;
  message.text = r.text;
  message.attachment = r.attachment;
  message.time = r.at;
  messages_.append(std::move(message));
  OutboxEntry entry;
  entry.cmid = r.cmid;
  entry.cseq = r.cseq;
  entry.createdAt = r.at;
  entry.frame = r.frame;
  entry.textBytes = r.text.size();
  outbox_.add(std::move(entry));
}

void Session::apply(const AckRecord& r) {
  outbox_.onAck(r.cmid, r.seq);
  if (MessageRecord* message = messages_.find(r.cmid); message && message->seq == 0) message->seq = r.seq;
  outbox_.onReadUpTo(agentReadUpTo_);
}

void Session::apply(const SentRecord& r) {
  if (OutboxEntry* entry = outbox_.find(r.cmid); entry && entry->delivery == Delivery::pending) entry->delivery = Delivery::sent;
}

void Session::apply(const CursorRecord& r) {
  lastSeq_ = std::max(lastSeq_, r.lastSeq);
  seenUpTo_ = std::max(seenUpTo_, r.seenUpTo);
  agentReadUpTo_ = std::max(agentReadUpTo_, r.agentReadUpTo);
  nextCseq_ = std::max(nextCseq_, r.nextCseq);
  cmidCounter_ = std::max(cmidCounter_, r.cmidCounter);
  outbox_.onReadUpTo(agentReadUpTo_);
}

void Session::apply(MessageRecord item) {
  const std::int64_t seq = item.seq;
  if (seq > 0) lastSeq_ = std::max(lastSeq_, seq);
  // The server's copy of something this device already shows: number it, do not repeat it.
  const std::string localId = !item.cmid.empty() && item.author == "visitor" ? item.cmid : !item.replyTo.empty() ? "bot:" + item.replyTo : "";
  if (!localId.empty()) {
    if (MessageRecord* local = messages_.find(localId)) {
      local->seq = seq;
      return;
    }
  }
  if (item.id.empty()) item.id = !item.serverId.empty() ? std::move(item.serverId) : localId;
  item.serverId.clear();
  item.replyTo.clear();
  if (item.id.empty()) item.id = "s:" + std::to_string(seq);
  messages_.append(std::move(item));
  messages_.trim();
}

}  // namespace kefu::session
