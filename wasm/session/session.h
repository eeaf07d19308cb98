#pragma once
// The conversation brain of the widget, sans-I/O: the shell feeds events stamped with
// the current time (visitor input, frames, connection changes, timers) and drains
// effects (frames to send, records to persist, when to wake it, when to connect). The
// view() is everything the UI draws. docs/session.md describes events, effects, the
// state machine and the persistence records.
#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
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
#include "session/outbox.h"
#include "session/random.h"

// For the session's rarely run functions (restore, the generic JSON events, phase
// changes, the bot's replies, the view, configuring): the session's files are compiled
// -O2 for the per-event paths, and these are compiled for size and never inlined into
// them. Most of them build and read nlohmann trees or call into the FAQ engine, which -O2
// would unroll and inline into much more code for no time anyone would notice.
#if defined(__clang__)
#define KEFU_RARELY_RUN __attribute__((minsize, noinline))
#else
#define KEFU_RARELY_RUN
#endif

namespace kefu::session {

enum class Phase { prechat, bot, handoff_requested, queued, with_agent, ended, rated, offline, ticket_submitted };
const char* phaseName(Phase phase);

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

struct ViewMessage {
  std::string id;      // cmid for the visitor's, "bot:<cmid>" for a local bot reply, else serverId
  std::string author;  // visitor | bot | agent | system
  std::string text;
  std::string name;    // agent name
  std::int64_t time = 0;
  std::int64_t seq = 0;  // 0 until the server numbered it
  std::string cmid;      // visitor messages
  std::string tier;      // bot replies: answer | suggest | handoff
  std::vector<std::pair<std::string, std::string>> suggestions;  // (faqId, question)
};

// A message as a "msg" or "bot" record holds it: a msg frame, one message of a resync
// page, a local bot reply, or a snapshot's copy of any of them.
struct MessageRecord {
  std::string id;  // bot replies and snapshot copies; frames are known by serverId
  std::string serverId;
  std::string author;
  std::string text;
  std::string name;
  std::string cmid;     // the visitor's own message, echoed
  std::string replyTo;  // the server's copy of a local bot reply: "bot:<replyTo>"
  std::string tier;
  std::int64_t seq = 0;
  std::int64_t time = 0;
  std::vector<std::pair<std::string, std::string>> suggestions;  // (faqId, question)
};

class Session {
 public:
  Session(SessionConfig config, const FaqEngine* faq);

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
  // handle({"type": "frame", "text": frameText, "now": now}) without the wrapping.
  std::optional<Error> handleFrame(std::string_view frameText, std::int64_t now);
  // handle({"type": "send_text", "text": text, "now": now}) without the tree.
  std::optional<Error> handleSendText(std::string_view text, std::int64_t now);

  // Appends the effects so far to `lines` and clears them: each effect is a line, '\n'
  // then a one-letter tag and its payload (docs/session.md, "Effects across the
  // boundary"): `s` and a frame's JSON text, `a<n>` and n records on the lines after it,
  // `p` and a snapshot on the next line, `w<at>`, `c`, `d`, `r`, `n<event> <detail JSON>`,
  // `u<count>` (notify unread).
  // JSON text has no raw newline, so nothing is escaped; and the shell's JavaScript
  // makes the effects from their tags instead of parsing a JSON array of them, which was
  // a fifth of the time per event.
  void drainEffectsText(std::string& lines);
  // Reads drainEffectsText()'s text back a line at a time.
  class EffectLines {
   public:
    explicit EffectLines(std::string_view text) : text_(text) {}
    // The next line without its '\n'; false after the last.
    bool next(std::string_view& line);
    // The line after an `a<n>` or a `p`; empty if the text ends early.
    std::string_view following();
    // An `a<n>`, `w<at>` or `u<count>` line's number; -1 if it is not one.
    static std::int64_t number(std::string_view line);

   private:
    std::string_view text_;
    std::size_t at_ = 0;  // the '\n' before the next line
  };
  // The effects as the shell sees them ({"type": "send", "frame": {…}}, {"type":
  // "persist", "append": [record…]} or {"snapshot": text}, …); tests read these.
  std::vector<Json> drainEffects();
  Json view() const;
  // What a fresh snapshot record holds; `recordCount` receives how many records.
  std::string snapshotText(std::size_t* recordCount = nullptr) const;
  Json snapshot() const;

  // For tests and the simulator.
  Phase phase() const { return phase_; }
  const Outbox& outbox() const { return outbox_; }
  const std::deque<ViewMessage>& messages() const { return messages_; }
  std::int64_t lastSeq() const { return lastSeq_; }
  bool connected() const { return connected_; }

 private:
  // handle() after the key check.
  std::optional<Error> handleEvent(const Json& event);
  void rememberKey(std::string key);

  // Event handlers.
  std::optional<Error> onVisitorText(std::string_view text, std::int64_t now);
  // The visitor's text in the bot phase, with a knowledge base: the FAQ engine answers.
  std::optional<Error> replyAsBot(std::string_view text, std::int64_t now);
  std::optional<Error> onChooseSuggestion(const std::string& faqId, std::int64_t now);
  std::optional<Error> onRequestHandoff(const char* reason, std::int64_t now);
  std::optional<Error> onFrame(std::string_view text, std::int64_t now);
  std::optional<Error> onServerFrame(const Json& frame, std::int64_t now);
  std::optional<Error> onAck(std::string_view cmid, std::int64_t seq);
  std::optional<Error> onServerEvent(const Json& frame, std::int64_t now);
  void onConnected(std::int64_t now);
  void onDisconnected(std::int64_t now);
  void onTimer(std::int64_t now);

  // State changes go through records, so a restore replays exactly what happened. The
  // commonest records (out, sent, ack, cursor, msg) are typed: applied from their fields
  // and written as text once; apply() reads stored records into the same types.
  void record(Json record);
  void apply(const Json& record);
  // Where the next record's text is to be written (appended); marks the view changed.
  TextBuffer& newRecord();
  void applyOut(OutboxEntry entry, std::string_view text);
  void applyAck(std::string_view cmid, std::int64_t seq);
  void applySent(std::string_view cmid);
  void applyCursor(std::int64_t lastSeq, std::int64_t seenUpTo, std::int64_t agentReadUpTo, std::int64_t nextCseq,
                   std::uint64_t cmidCounter);
  // Both take the message by value: its strings move into the view instead of being copied.
  void applyServerMessage(MessageRecord message);
  void acceptServerMessage(MessageRecord message, std::int64_t now);
  void applyEarlyMessages();
  // The message list: appended at the back, trimmed at the front, found by id. These
  // keep every per-event step independent of the history's length.
  void appendMessage(ViewMessage message);
  void trimMessages();
  ViewMessage* messageById(const std::string& id);

  std::string nextCmid();
  // Returns the cmid, which also keys the local bot reply to this message.
  std::string enqueueVisitorMessage(std::string_view text, std::int64_t now, const Json& bot);
  void addLocalBotMessage(const std::string& cmid, const std::string& text, const std::string& tier,
                          std::vector<std::pair<std::string, std::string>> suggestions, std::int64_t now);
  void setPhase(Phase phase, const Json& extra = Json::object());
  void send(const Json& frame);
  void sendText(std::string_view frameJson);
  // One effect line: its tag and payload (see drainEffectsText).
  void addEffect(char tag, std::string_view payload = {});
  void addNumberEffect(char tag, std::int64_t number);
  // Frames that must reach the server even if the line is down now (rating, ticket,
  // pre-chat form): kept, persisted, and sent after the next welcome.
  void sendReliably(Json frame);
  void flush(std::int64_t now);
  void persistSnapshot(std::string snapshot);
  void requestResync(std::int64_t now);
  void scheduleReconnect(std::int64_t now);
  void markSeen();
  void emitNotify(const char* event, std::string_view detailJson);
  std::int64_t unreadCount() const;
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
  Phase phase_ = Phase::bot;
  std::string agentName_;
  std::int64_t queuePosition_ = 0;
  std::int64_t queueEtaSeconds_ = 0;
  bool ratingRequested_ = false;
  std::string ticketId_;
  std::string offlineHours_;
  int unansweredTurns_ = 0;
  std::deque<std::string> appliedKeys_;  // the newest kMaxAppliedKeys event keys, oldest first
  std::string keyToRecord_;              // the key of the event being handled
  bool prechatDone_ = false;  // the form was submitted: a later welcome's preChatForm is stale
  std::int64_t lastSeq_ = 0;        // every server message up to here is applied
  std::int64_t seenUpTo_ = 0;       // the visitor has seen up to here (unread = above it)
  std::int64_t agentReadUpTo_ = 0;  // the agent has read the visitor's messages up to here
  std::deque<ViewMessage> messages_;
  std::unordered_map<std::string, std::uint64_t> messagePositionById_;  // position = trimmed + index
  std::uint64_t trimmedMessages_ = 0;
  // seqs of the messages that count as unread when above seenUpTo_ (agent and system,
  // numbered by the server), ascending: unread is one binary search.
  std::deque<std::int64_t> countableSeqs_;
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
  TextBuffer effects_;                // effect lines, each after a '\n' (drainEffectsText)
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
