#pragma once
// The conversation brain of the widget, sans-I/O: the shell feeds events stamped with
// the current time (visitor input, frames, connection changes, timers) and drains
// effects (frames to send, records to persist, when to wake it, when to connect). The
// view() is everything the UI draws. docs/session.md describes events, effects, the
// state machine and the persistence records.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/flat_json.h"
#include "base/json_text.h"
#include "base/json_writer.h"
#include "base/result.h"
#include "faq/faq_engine.h"
#include "protocol/frame.h"
#include "session/effects.h"
#include "session/message_list.h"
#include "session/outbox.h"
#include "session/random.h"
#include "session/records.h"

// The session's code is split by how often it runs (wasm/CMakeLists.txt sets the flags
// by file): session.cpp and message_list.cpp run for every frame and keystroke and are
// compiled for speed; session_events.cpp (the generic JSON events, server frames other
// than ack and msg, phase changes, the bot's replies), session_store.cpp (start, restore,
// the view) and records.cpp (reading stored records) run rarely and are compiled for size.

namespace kefu::session {

constexpr int kSnapshotVersion = 1;

// invalid_in_state: `what` is not possible in `phase`.
Error invalidInState(const char* what, Phase phase);

struct SessionConfig {
  std::string siteId;
  std::string locale = "zh-CN";
  // Visitor text containing one of these asks for a person (case-insensitive for Latin).
  std::vector<std::string> handoffKeywords = {"转人工", "人工客服", "人工", "真人", "human", "agent", "real person"};
  // After this many bot turns in a row without an answer, hand off (0 = never by count).
  int unansweredTurnsBeforeHandoff = 2;
  bool preChatForm = false;
  OutboxLimits outbox;
  protocol::ProtocolLimits protocol;
  std::int64_t heartbeatMs = 25000;        // ping when the line has been quiet this long
  std::int64_t reconnectInitialMs = 500;
  std::int64_t reconnectMaxMs = 30000;
  std::int64_t resyncRetryMs = 5000;       // a resync request without answer is repeated
  // A fresh snapshot replaces the journal once the journal has this many records, or
  // journalPerSnapshot times as many as the last snapshot held, whichever is more. So the
  // store holds at most 1 + journalPerSnapshot times the records of a snapshot (plus one
  // event's), and snapshots cost 1 / journalPerSnapshot of the text written for records.
  std::size_t journalCompactAfter = 200;
  std::size_t journalPerSnapshot = 3;
  std::size_t maxMessages = 500;           // messages kept for the view (the server has all)
};

class Session {
 public:
  Session(SessionConfig config, const FaqEngine* faq);
  // The FAQ engine the bot answers from from now on (the shell loads a site's index after
  // the conversation has started, so the chat need not wait for it); null: no bot.
  void useKnowledge(const FaqEngine* faq) { faq_ = faq; }

  // A new visitor: ids derive from `seed` (the shell's crypto randomness).
  void startFresh(std::uint64_t seed, const std::string& visitorId, std::int64_t now);
  // After a reload. A snapshot or journal that cannot be read starts a fresh session
  // and reports snapshot_corrupt (or snapshot_version for an unknown format).
  std::optional<Error> restore(const std::string& snapshot, const std::vector<std::string>& journal,
                               std::uint64_t seed, std::int64_t now);

  // One event: {"type", "now", ...}. A rejected event changes nothing and returns why.
  // An event with a "key" (1–64 bytes) is applied at most once: the key is stored with
  // what the event changed, so an event a tab forwards again after a leader change, to a
  // leader restored from storage, changes nothing the second time.
  std::optional<Error> handle(const Json& event);
  // The two commonest events without an event's JSON: {"type": "frame", "text":
  // frameText, "now": now} and {"type": "send_text", "text": text, "now": now}. handle()
  // comes here for them too.
  std::optional<Error> handleFrame(std::string_view frameText, std::int64_t now);
  std::optional<Error> handleSendText(std::string_view text, std::int64_t now);

  // Appends the effects so far (effects.h) to `lines` and clears them.
  void drainEffectsText(std::string& lines) { effects_.drainInto(lines); }
  Json view() const;
  // What a fresh snapshot record holds; `recordCount` receives how many records.
  std::string snapshotText(std::size_t* recordCount = nullptr) const;
  Json snapshot() const;

  // For tests and the simulator.
  Phase phase() const { return phase_.phase; }
  const Outbox& outbox() const { return outbox_; }
  const MessageList& messages() const { return messages_; }
  std::int64_t lastSeq() const { return lastSeq_; }
  bool connected() const { return connected_; }

 private:
  // handle() after the key check.
  std::optional<Error> handleEvent(const Json& event);
  void rememberKey(std::string key);

  // Event handlers.
  // `attachment` (JSON text, checked already): a file the shell has uploaded, sent with
  // `text` as its caption and never answered by the bot.
  std::optional<Error> onVisitorText(std::string_view text, std::int64_t now, std::string_view attachment = {});
  // A send_text event that carries an `attachment` object: checked against the protocol's
  // rules for a message frame, then onVisitorText.
  std::optional<Error> onVisitorAttachment(std::string_view text, const Json& attachment, std::int64_t now);
  // The visitor's text in the bot phase, with a knowledge base: the FAQ engine answers.
  std::optional<Error> replyAsBot(std::string_view text, std::int64_t now);
  std::optional<Error> onChooseSuggestion(const std::string& faqId, std::int64_t now);
  std::optional<Error> onRequestHandoff(const char* reason, std::int64_t now);
  std::optional<Error> onNewConversation(std::int64_t now);
  std::optional<Error> onFrame(std::string_view text, std::int64_t now);
  std::optional<Error> onServerFrame(const Json& frame, std::int64_t now);
  std::optional<Error> onAck(std::string_view cmid, std::int64_t seq);
  std::optional<Error> onServerEvent(const Json& frame, std::int64_t now);
  void onConnected(std::int64_t now);
  void onDisconnected(std::int64_t now);
  void onTimer(std::int64_t now);

  // State changes go through records (records.h), so a restore replays exactly what
  // happened: record() applies one and writes it for the next persist effect; a restore
  // reads stored ones back (readStoredRecord) into the same apply().
  template <typename Record>
  void record(const Record& r) {
    apply(r);
    writeRecord(newRecord(), r);
  }
  void applyStored(const Json& item);
  void apply(const OutRecord& r);
  void apply(const AckRecord& r);
  void apply(const SentRecord& r);
  void apply(const FailRecord& r);
  void apply(const RetryRecord& r);
  void apply(const ReadRecord& r);
  void apply(const SeenRecord& r);
  // By value: its strings move into the message list instead of being copied.
  void apply(MessageRecord r);
  void apply(const SessionRecord& r);
  void apply(const CursorRecord& r);
  void apply(const ControlRecord& r);
  void apply(const KeyRecord& r);
  void apply(const KeysRecord& r);
  void apply(const PhaseRecord& r);
  // Where the next record's text is to be written (appended); marks the view changed.
  TextBuffer& newRecord();
  void acceptServerMessage(MessageRecord message, std::int64_t now);
  void applyEarlyMessages();

  std::string nextCmid();
  // Returns the cmid, which also keys the local bot reply to this message.
  // `attachment`: the message's attachment object as JSON text (onVisitorText), or empty.
  std::string enqueueVisitorMessage(std::string_view text, std::int64_t now, const Json& bot, std::string_view attachment = {});
  void addLocalBotMessage(const std::string& cmid, const std::string& text, const std::string& tier, Suggestions suggestions,
                          std::int64_t now, const std::string& faqId = {});
  // The phase record as it stands, moved to `phase`; the caller changes more fields.
  PhaseRecord phaseChange(Phase phase) const;
  void send(const Json& frame);
  void sendText(std::string_view frameJson);
  // Frames that must reach the server even if the line is down now (rating, ticket,
  // pre-chat form): kept, persisted, and sent after the next welcome.
  void sendReliably(Json frame);
  void flush(std::int64_t now);
  void requestResync(std::int64_t now);
  void scheduleReconnect(std::int64_t now);
  void markSeen();
  void emitNotify(std::string_view event, std::string_view detailJson);
  std::int64_t unreadCount() const { return messages_.unreadAbove(seenUpTo_); }
  bool matchesHandoffKeyword(std::string_view text) const;

  SessionConfig config_;
  const FaqEngine* faq_;
  SeededRandom random_;

  // Persistent state (in the snapshot; changed only by apply()).
  std::string visitorId_;
  std::string epoch_;
  std::uint64_t cmidCounter_ = 0;
  std::int64_t nextCseq_ = 1;
  std::string sessionToken_;
  std::string conversationId_;
  PhaseRecord phase_;
  std::deque<std::string> appliedKeys_;  // the newest kMaxAppliedKeys event keys, oldest first
  std::string keyToRecord_;              // the key of the event being handled
  std::int64_t lastSeq_ = 0;        // every server message up to here is applied
  std::int64_t seenUpTo_ = 0;       // the visitor has seen up to here (unread = above it)
  std::int64_t agentReadUpTo_ = 0;  // the agent has read the visitor's messages up to here
  MessageList messages_;
  Outbox outbox_;
  Json pendingControl_ = Json::array();

  // Volatile state (rebuilt after a reload).
  std::int64_t now_ = 0;  // the time of the event being handled
  bool connected_ = false;
  bool welcomed_ = false;
  bool panelOpen_ = false;
  bool agentTyping_ = false;
  int reconnectAttempts_ = 0;
  std::int64_t reconnectAt_ = 0;
  std::int64_t lastHeardAt_ = 0;
  std::int64_t lastSentAt_ = 0;
  std::int64_t resyncRequestedAt_ = 0;
  std::map<std::int64_t, MessageRecord> earlyMessages_;  // seq > lastSeq_ + 1, waiting for the gap
  EffectWriter effects_;
  TextBuffer records_;                // records not yet handed to the shell, each after a '\n'
  std::size_t recordCount_ = 0;
  TextBuffer discardedRecord_;        // what newRecord() gives while replaying
  FlatObject flat_;                   // the last flat frame read (its buffers are reused)
  TextBuffer frameScratch_;           // where a visitor message's frame is written
  std::size_t journalSinceSnapshot_ = 0;
  std::size_t lastSnapshotRecords_ = 0;
  std::int64_t announcedWake_ = -1;
  bool viewChanged_ = false;
  bool replaying_ = false;
};

}  // namespace kefu::session
