#pragma once
// The session's persistence records: every state change is one, keyed by "k", so a
// restore replays exactly what happened. One struct per kind, with one writer (the text
// the journal and the snapshot hold) and one reader (what apply gets back from storage);
// docs/session.md lists them. Writers take keys in sorted order (object_writer.h) and
// leave empty optional fields out: the reader takes a missing field and an empty one
// alike.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json_access.h"
#include "base/json_text.h"
#include "session/object_writer.h"

namespace kefu::session {

enum class Phase { prechat, bot, handoff_requested, queued, with_agent, ended, rated, offline, ticket_submitted };
const char* phaseName(Phase phase);
std::optional<Phase> phaseFromName(std::string_view name);

using Suggestions = std::vector<std::pair<std::string, std::string>>;  // (faqId, question)

// "out": a visitor message put in the outbox.
struct OutRecord {
  static constexpr std::string_view kind = "out";
  std::string cmid;
  std::int64_t cseq = 0;
  std::int64_t at = 0;
  std::string frame;  // the message frame's JSON text, sent as it is on every attempt
  std::string text;   // the frame's text (not written: the frame holds it)
  std::string attachment;  // the frame's attachment object as JSON text, or empty (likewise)
};
// "ack": the server stored the message under `seq`.
struct AckRecord {
  static constexpr std::string_view kind = "ack";
  std::string cmid;
  std::int64_t seq = 0;
};
// "sent": the message went on the wire once (a reload never shows it "sending" again).
struct SentRecord {
  static constexpr std::string_view kind = "sent";
  std::string cmid;
};
// "fail": out of attempts or age.
struct FailRecord {
  static constexpr std::string_view kind = "fail";
  std::string cmid;
};
// "retry": the visitor retried a failed message at `at`.
struct RetryRecord {
  static constexpr std::string_view kind = "retry";
  std::string cmid;
  std::int64_t at = 0;
};
// "read": the agent has read the visitor's messages up to `upTo`.
struct ReadRecord {
  static constexpr std::string_view kind = "read";
  std::int64_t upTo = 0;
};
// "seen": the visitor has seen the conversation up to `upTo`.
struct SeenRecord {
  static constexpr std::string_view kind = "seen";
  std::int64_t upTo = 0;
};
// "msg" (numbered by the server) or "bot" (a local bot reply, seq 0): a msg frame, one
// message of a resync page, a local bot reply, or a snapshot's copy of any of them. The
// message list holds messages in this form too, `id` being the id they are shown under.
struct MessageRecord {
  std::string id;  // cmid for the visitor's, "bot:<cmid>" for a local bot reply, else serverId
  std::string serverId;
  std::string author;  // visitor | bot | agent | system
  std::string text;
  std::string name;     // agent name
  std::string cmid;     // the visitor's own message, echoed
  std::string replyTo;  // the server's copy of a local bot reply: "bot:<replyTo>"
  std::string tier;     // bot replies: answer | suggest | handoff
  std::string faqId;    // a bot answer's FAQ: the widget shows that FAQ's text in the visitor's locale
  std::string attachment;  // the message's attachment object (protocol rules) as JSON text, or empty
  std::int64_t seq = 0;  // 0 until the server numbered it
  std::int64_t time = 0;
  Suggestions suggestions;
};
// "session": the server's token and conversation id (from welcome).
struct SessionRecord {
  static constexpr std::string_view kind = "session";
  std::string token;
  std::string conversation;
};
// "cursor": positions that only move forward; a field left out (0) moves nothing.
struct CursorRecord {
  static constexpr std::string_view kind = "cursor";
  std::int64_t lastSeq = 0;
  std::int64_t seenUpTo = 0;
  std::int64_t agentReadUpTo = 0;
  std::int64_t nextCseq = 0;
  std::uint64_t cmidCounter = 0;
};
// "control": frames that must reach the server (rating, ticket, pre-chat form), kept
// until the next welcome sends them; the list replaces the previous one.
struct ControlRecord {
  static constexpr std::string_view kind = "control";
  Json frames = Json::array();
};
// "key": an event key applied (Session::handle).
struct KeyRecord {
  static constexpr std::string_view kind = "key";
  std::string key;
};
// "keys": the snapshot's list of applied event keys, oldest first.
struct KeysRecord {
  static constexpr std::string_view kind = "keys";
  std::vector<std::string> keys;
};
// "phase": where the conversation stands, every field each time.
struct PhaseRecord {
  static constexpr std::string_view kind = "phase";
  Phase phase = Phase::bot;
  std::string agent;  // the agent's name
  std::int64_t position = 0;  // in the queue
  std::int64_t eta = 0;       // the queue's estimate, seconds
  bool rating = false;        // the agent asked for a rating
  std::string ticket;         // the ticket id once the server made it
  std::string hours;          // business hours while offline
  std::int64_t unanswered = 0;  // bot turns in a row without an answer
  bool prechatDone = false;   // the form was submitted: a later welcome's preChatForm is stale
};

// ---- writers -------------------------------------------------------------------------
// Out is std::string (the snapshot) or TextBuffer (the journal's next records).

template <typename Out>
void appendJsonText(Out& out, std::string_view value) {
  bool plain = true;
  const std::size_t size = jsonStringSize(value, plain);
  writeJsonString(extendText(out, size), value, plain);
}

template <typename Out>
void writeRecord(Out& out, const OutRecord& r) {
  ObjectWriter<Out>(out).integer("at", r.at).string("cmid", r.cmid).integer("cseq", r.cseq).json("frame", r.frame).string("k", r.kind);
}
template <typename Out>
void writeRecord(Out& out, const AckRecord& r) {
  ObjectWriter<Out>(out).string("cmid", r.cmid).string("k", r.kind).integer("seq", r.seq);
}
template <typename Out>
void writeRecord(Out& out, const SentRecord& r) {
  ObjectWriter<Out>(out).string("cmid", r.cmid).string("k", r.kind);
}
template <typename Out>
void writeRecord(Out& out, const FailRecord& r) {
  ObjectWriter<Out>(out).string("cmid", r.cmid).string("k", r.kind);
}
template <typename Out>
void writeRecord(Out& out, const RetryRecord& r) {
  ObjectWriter<Out>(out).integer("at", r.at).string("cmid", r.cmid).string("k", r.kind);
}
template <typename Out>
void writeRecord(Out& out, const ReadRecord& r) {
  ObjectWriter<Out>(out).string("k", r.kind).integer("upTo", r.upTo);
}
template <typename Out>
void writeRecord(Out& out, const SeenRecord& r) {
  ObjectWriter<Out>(out).string("k", r.kind).integer("upTo", r.upTo);
}
template <typename Out>
void writeRecord(Out& out, const MessageRecord& r) {
  ObjectWriter<Out> record(out);
  if (!r.attachment.empty()) record.json("attachment", r.attachment);
  record.string("author", r.author);
  if (!r.cmid.empty()) record.string("cmid", r.cmid);
  if (!r.faqId.empty()) record.string("faqId", r.faqId);
  if (!r.id.empty()) record.string("id", r.id);
  record.string("k", r.seq != 0 ? "msg" : "bot");
  if (!r.name.empty()) record.string("name", r.name);
  if (!r.replyTo.empty()) record.string("replyTo", r.replyTo);
  record.integer("seq", r.seq);
  if (!r.serverId.empty()) record.string("serverId", r.serverId);
  if (!r.suggestions.empty()) {
    Out& list = record.open("suggestions");
    list.push_back('[');
    for (std::size_t i = 0; i < r.suggestions.size(); ++i) {
      if (i > 0) list.push_back(',');
      ObjectWriter<Out>(list).string("faqId", r.suggestions[i].first).string("question", r.suggestions[i].second);
    }
    list.push_back(']');
  }
  record.string("text", r.text);
  if (!r.tier.empty()) record.string("tier", r.tier);
  record.integer("time", r.time);
}
template <typename Out>
void writeRecord(Out& out, const SessionRecord& r) {
  ObjectWriter<Out>(out).string("conversation", r.conversation).string("k", r.kind).string("token", r.token);
}
template <typename Out>
void writeRecord(Out& out, const CursorRecord& r) {
  ObjectWriter<Out> record(out);
  if (r.agentReadUpTo != 0) record.integer("agentReadUpTo", r.agentReadUpTo);
  if (r.cmidCounter != 0) record.integer("cmidCounter", static_cast<std::int64_t>(r.cmidCounter));
  record.string("k", r.kind);
  if (r.lastSeq != 0) record.integer("lastSeq", r.lastSeq);
  if (r.nextCseq != 0) record.integer("nextCseq", r.nextCseq);
  if (r.seenUpTo != 0) record.integer("seenUpTo", r.seenUpTo);
}
template <typename Out>
void writeRecord(Out& out, const ControlRecord& r) {
  ObjectWriter<Out>(out).json("frames", toJsonText(r.frames)).string("k", r.kind);
}
template <typename Out>
void writeRecord(Out& out, const KeyRecord& r) {
  ObjectWriter<Out>(out).string("k", r.kind).string("key", r.key);
}
template <typename Out>
void writeRecord(Out& out, const KeysRecord& r) {
  ObjectWriter<Out> record(out);
  Out& list = record.string("k", r.kind).open("keys");
  list.push_back('[');
  for (std::size_t i = 0; i < r.keys.size(); ++i) {
    if (i > 0) list.push_back(',');
    appendJsonText(list, r.keys[i]);
  }
  list.push_back(']');
}
template <typename Out>
void writeRecord(Out& out, const PhaseRecord& r) {
  ObjectWriter<Out>(out)
      .string("agent", r.agent)
      .integer("eta", r.eta)
      .string("hours", r.hours)
      .string("k", r.kind)
      .string("phase", phaseName(r.phase))
      .integer("position", r.position)
      .boolean("prechatDone", r.prechatDone)
      .boolean("rating", r.rating)
      .string("ticket", r.ticket)
      .integer("unanswered", r.unanswered);
}

// ---- readers -------------------------------------------------------------------------
// From a stored record's tree; a field missing or of the wrong type reads as its default.

void readRecord(const Json& item, OutRecord& r);
void readRecord(const Json& item, AckRecord& r);
void readRecord(const Json& item, SentRecord& r);
void readRecord(const Json& item, FailRecord& r);
void readRecord(const Json& item, RetryRecord& r);
void readRecord(const Json& item, ReadRecord& r);
void readRecord(const Json& item, SeenRecord& r);
// Also a msg frame's and a resync page's messages, read as trees.
void readRecord(const Json& item, MessageRecord& r);
void readRecord(const Json& item, SessionRecord& r);
void readRecord(const Json& item, CursorRecord& r);
void readRecord(const Json& item, ControlRecord& r);
void readRecord(const Json& item, KeyRecord& r);
void readRecord(const Json& item, KeysRecord& r);
void readRecord(const Json& item, PhaseRecord& r);

// Reads a stored record by its "k" and hands the struct to `apply`; an unknown kind is
// skipped (a newer writer's record an older reader does not know). A phase record with a
// phase of no known name keeps `currentPhase`.
template <typename Apply>
void readStoredRecord(const Json& item, Phase currentPhase, Apply&& apply) {
  const std::string kind = json::stringOr(item, "k");
  auto as = [&](auto record) {
    readRecord(item, record);
    apply(std::move(record));
  };
  auto is = [&](std::string_view name) { return kind == name; };
  if (is(OutRecord::kind)) as(OutRecord{});
  else if (is(AckRecord::kind)) as(AckRecord{});
  else if (is(SentRecord::kind)) as(SentRecord{});
  else if (is(FailRecord::kind)) as(FailRecord{});
  else if (is(RetryRecord::kind)) as(RetryRecord{});
  else if (is(ReadRecord::kind)) as(ReadRecord{});
  else if (is(SeenRecord::kind)) as(SeenRecord{});
  else if (kind == "msg" || kind == "bot") as(MessageRecord{});
  else if (is(SessionRecord::kind)) as(SessionRecord{});
  else if (is(CursorRecord::kind)) as(CursorRecord{});
  else if (is(ControlRecord::kind)) as(ControlRecord{});
  else if (is(KeyRecord::kind)) as(KeyRecord{});
  else if (is(KeysRecord::kind)) as(KeysRecord{});
  else if (is(PhaseRecord::kind)) {
    PhaseRecord phase;
    phase.phase = currentPhase;
    as(std::move(phase));
  }
}

}  // namespace kefu::session
