#include "session/session.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/json_access.h"
#include "base/json_writer.h"
#include "base/utf8.h"

// This file is compiled for speed (wasm/CMakeLists.txt): frames and the visitor's text
// run through it for every event. What runs rarely (restore, the generic JSON events,
// phase changes, the bot's replies, the view) is compiled for size instead
// (KEFU_RARELY_RUN, session.h).

namespace kefu::session {

namespace {

constexpr int kSnapshotVersion = 1;
constexpr std::size_t kMaxEarlyMessages = 1000;
constexpr std::size_t kKeepAcknowledged = 200;

const Phase kPhases[] = {Phase::prechat, Phase::bot,     Phase::handoff_requested, Phase::queued,          Phase::with_agent,
                         Phase::ended,   Phase::rated,   Phase::offline,           Phase::ticket_submitted};

std::optional<Phase> phaseFromName(const std::string& name) {
  for (Phase phase : kPhases) {
    if (name == phaseName(phase)) return phase;
  }
  return std::nullopt;
}

std::string hex(std::uint64_t value, int digits) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out.push_back(kDigits[(value >> (4 * (digits - 1 - i))) & 0xF]);
  return out;
}

std::string lowerAscii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Error invalidInState(const char* what, Phase phase) {
  return Error{"invalid_in_state", std::string(what) + " is not possible while the conversation is " + phaseName(phase)};
}

// `value` in decimal, written at the end of `digits`; returns the text.
std::string_view integerText(std::int64_t value, char (&digits)[24]) {
  char* end = digits + sizeof digits;
  char* at = end;
  const bool negative = value < 0;
  // Negated as unsigned, so INT64_MIN does not overflow.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  do {
    *--at = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) *--at = '-';
  return std::string_view(at, static_cast<std::size_t>(end - at));
}

// A member's key: a string literal, whose length is known where it is written.
struct Key {
  template <std::size_t N>
  constexpr Key(const char (&key)[N]) : text(key), size(N - 1) {}  // NOLINT: literals convert implicitly
  const char* text;
  std::size_t size;
};

// Writes one JSON object member by member, straight into `out`. Callers give the keys
// in sorted order: nlohmann's objects sort them, so every record and effect written
// before the session wrote text directly had that order, and still has it.
//
// Each member (`,"key":` and its value) is written through a pointer into space made
// with one call: appending a member piece by piece was a seventh of the session's time
// when this file was compiled for size, where std::string's small member functions are
// calls.
template <typename Out>  // std::string or TextBuffer
class ObjectWriter {
 public:
  explicit ObjectWriter(Out& out) : out_(out) { out_.push_back('{'); }
  ~ObjectWriter() { out_.push_back('}'); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  ObjectWriter& string(Key key, std::string_view value) {
    bool plain = true;
    const std::size_t size = jsonStringSize(value, plain);
    writeJsonString(member(key, size), value, plain);
    return *this;
  }
  ObjectWriter& integer(Key key, std::int64_t value) {
    char digits[24];
    return json(key, integerText(value, digits));
  }
  ObjectWriter& boolean(Key key, bool value) { return json(key, value ? "true" : "false"); }
  // A value that is JSON text already.
  ObjectWriter& json(Key key, std::string_view value) {
    std::memcpy(member(key, value.size()), value.data(), value.size());
    return *this;
  }
  // Opens the value of `key`; the caller writes it next.
  Out& open(Key key) {
    member(key, 0);
    return out_;
  }

 private:
  // Writes `,"key":` with room for a value of `valueSize` bytes after it; returns where
  // the value goes.
  char* member(Key key, std::size_t valueSize) {
    char* at = extendText(out_, (first_ ? 0 : 1) + key.size + 3 + valueSize);
    if (!first_) *at++ = ',';
    first_ = false;
    *at++ = '"';
    std::memcpy(at, key.text, key.size);
    at += key.size;
    *at++ = '"';
    *at++ = ':';
    return at;
  }
  Out& out_;
  bool first_ = true;
};

template <typename Out>
void appendSuggestions(Out& out, const std::vector<std::pair<std::string, std::string>>& suggestions) {
  out.push_back('[');
  for (std::size_t i = 0; i < suggestions.size(); ++i) {
    if (i > 0) out.push_back(',');
    ObjectWriter(out).string("faqId", suggestions[i].first).string("question", suggestions[i].second);
  }
  out.push_back(']');
}

// The "msg" / "bot" record. Empty optional fields are left out: apply() reads a missing
// field and an empty one alike.
template <typename Out>
void writeMessageRecord(Out& out, const char* kind, const MessageRecord& message) {
  ObjectWriter record(out);
  record.string("author", message.author);
  if (!message.cmid.empty()) record.string("cmid", message.cmid);
  if (!message.id.empty()) record.string("id", message.id);
  record.string("k", kind);
  if (!message.name.empty()) record.string("name", message.name);
  if (!message.replyTo.empty()) record.string("replyTo", message.replyTo);
  record.integer("seq", message.seq);
  if (!message.serverId.empty()) record.string("serverId", message.serverId);
  if (!message.suggestions.empty()) appendSuggestions(record.open("suggestions"), message.suggestions);
  record.string("text", message.text);
  if (!message.tier.empty()) record.string("tier", message.tier);
  record.integer("time", message.time);
}

// "sent", "fail": records that name one outbox entry.
template <typename Out>
void writeCmidRecord(Out& out, const char* kind, std::string_view cmid) {
  ObjectWriter(out).string("cmid", cmid).string("k", kind);
}

// A stored record, a resync page's message or a msg frame, read the same way.
KEFU_RARELY_RUN MessageRecord messageFromJson(const Json& item) {
  MessageRecord message;
  message.id = json::stringOr(item, "id");
  message.serverId = json::stringOr(item, "serverId");
  message.author = json::stringOr(item, "author");
  message.text = json::stringOr(item, "text");
  message.name = json::stringOr(item, "name");
  message.cmid = json::stringOr(item, "cmid");
  message.replyTo = json::stringOr(item, "replyTo");
  message.tier = json::stringOr(item, "tier");
  message.seq = json::intOr(item, "seq");
  message.time = json::intOr(item, "time");
  if (const Json* suggestions = json::field(item, "suggestions"); suggestions && suggestions->is_array()) {
    for (const auto& s : *suggestions) message.suggestions.emplace_back(json::stringOr(s, "faqId"), json::stringOr(s, "question"));
  }
  return message;
}

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

KEFU_RARELY_RUN Json viewMessageJson(const ViewMessage& message) {
  Json out{{"id", message.id}, {"author", message.author}, {"text", message.text}, {"time", message.time}};
  if (message.seq != 0) out["seq"] = message.seq;
  if (!message.name.empty()) out["name"] = message.name;
  if (!message.tier.empty()) out["tier"] = message.tier;
  if (!message.suggestions.empty()) {
    Json suggestions = Json::array();
    for (const auto& [faqId, question] : message.suggestions) suggestions.push_back({{"faqId", faqId}, {"question", question}});
    out["suggestions"] = std::move(suggestions);
  }
  return out;
}

}  // namespace

const char* phaseName(Phase phase) {
  switch (phase) {
    case Phase::prechat: return "prechat";
    case Phase::bot: return "bot";
    case Phase::handoff_requested: return "handoff_requested";
    case Phase::queued: return "queued";
    case Phase::with_agent: return "with_agent";
    case Phase::ended: return "ended";
    case Phase::rated: return "rated";
    case Phase::offline: return "offline";
    case Phase::ticket_submitted: return "ticket_submitted";
  }
  return "bot";
}

Session::Session(SessionConfig config, const FaqEngine* faq)
    : config_(std::move(config)), faq_(faq), outbox_(config_.outbox) {}

KEFU_RARELY_RUN void Session::startFresh(std::uint64_t seed, const std::string& visitorId, std::int64_t now) {
  *this = Session(config_, faq_);
  random_ = SeededRandom(seed);
  now_ = now;
  visitorId_ = visitorId.empty() ? "v-" + hex(random_.next(), 16) : visitorId;
  epoch_ = hex(random_.next(), 8);
  phase_ = config_.preChatForm ? Phase::prechat : Phase::bot;
  // The first snapshot is written at once: every later journal record extends it.
  persistSnapshot(snapshotText());
  viewChanged_ = true;
  addEffect('c');
  flush(now);
}

KEFU_RARELY_RUN std::optional<Error> Session::restore(const std::string& snapshotText, const std::vector<std::string>& journal,
                                      std::uint64_t seed, std::int64_t now) {
  auto fail = [&](const char* code, const std::string& message) {
    startFresh(seed, "", now);
    return std::optional<Error>(Error{code, message});
  };
  auto parsed = parseJsonText(snapshotText, JsonLimits{64u << 20, 16}, "snapshot");
  if (!parsed.ok()) return fail("snapshot_corrupt", parsed.error().message);
  const Json& snap = parsed.value();
  if (!snap.is_object() || !json::field(snap, "kefuSession")) return fail("snapshot_corrupt", "not a Kefu session snapshot");
  if (json::intOr(snap, "kefuSession", -1) != kSnapshotVersion) {
    return fail("snapshot_version", "snapshot format " + toJsonText(*json::field(snap, "kefuSession")) + " is not supported");
  }
  const std::string visitorId = json::stringOr(snap, "visitorId");
  const std::string epoch = json::stringOr(snap, "epoch");
  if (visitorId.empty() || epoch.empty()) return fail("snapshot_corrupt", "the snapshot has no visitor id");

  *this = Session(config_, faq_);
  now_ = now;
  random_.restore(json::uintOr(snap, "random", seed));
  visitorId_ = visitorId;
  epoch_ = epoch;
  replaying_ = true;
  if (const Json* state = json::field(snap, "state"); state && state->is_array()) {
    for (const auto& item : *state) apply(item);
  }
  for (const auto& line : journal) {
    auto record = parseJsonText(line, JsonLimits{1u << 20, 16}, "journal");
    if (!record.ok() || !record.value().is_object() || !json::hasString(record.value(), "k")) {
      replaying_ = false;
      return fail("snapshot_corrupt", "a journal record cannot be read");
    }
    apply(record.value());
  }
  replaying_ = false;
  journalSinceSnapshot_ = journal.size();
  viewChanged_ = true;
  addEffect('c');
  flush(now);
  return std::nullopt;
}

std::string Session::snapshotText(std::size_t* recordCount) const {
  // The snapshot is itself a list of records: restoring it uses the same apply() as
  // the journal, so there is one way state is rebuilt. Written as text directly: it is
  // rewritten on every compaction, and the history makes it the largest thing written.
  std::string out;
  {
    ObjectWriter snap(out);
    snap.string("epoch", epoch_).integer("kefuSession", kSnapshotVersion);
    snap.json("random", std::to_string(random_.state()));
    std::string& state = snap.open("state");
    state.push_back('[');
    std::size_t count = 0;
    // Each record is written straight into the snapshot: it holds the whole history.
    auto next = [&]() -> std::string& {
      if (count++ > 0) state.push_back(',');
      return state;
    };
    next() += toJsonText(Json{{"k", "session"}, {"token", sessionToken_}, {"conversation", conversationId_}});
    for (const auto& message : messages_) {
      if (message.author == "visitor") continue;  // visitor messages come back with their outbox records
      // The "msg" / "bot" record of messageRecordText, with the id the message is shown under.
      ObjectWriter record(next());
      record.string("author", message.author).string("id", message.id).string("k", message.seq != 0 ? "msg" : "bot");
      if (!message.name.empty()) record.string("name", message.name);
      record.integer("seq", message.seq);
      if (!message.suggestions.empty()) appendSuggestions(record.open("suggestions"), message.suggestions);
      record.string("text", message.text);
      if (!message.tier.empty()) record.string("tier", message.tier);
      record.integer("time", message.time);
    }
    for (const auto& entry : outbox_.entries()) {
      ObjectWriter(next()).integer("at", entry.createdAt).string("cmid", entry.cmid).integer("cseq", entry.cseq).json("frame", entry.frame).string("k", "out");
      if (entry.seq != 0) ObjectWriter(next()).string("cmid", entry.cmid).string("k", "ack").integer("seq", entry.seq);
      if (entry.delivery == Delivery::sent) ObjectWriter(next()).string("cmid", entry.cmid).string("k", "sent");
      if (entry.delivery == Delivery::failed) ObjectWriter(next()).string("cmid", entry.cmid).string("k", "fail");
    }
    if (!pendingControl_.empty()) next() += toJsonText(Json{{"k", "control"}, {"frames", pendingControl_}});
    next() += toJsonText(Json{{"k", "cursor"}, {"lastSeq", lastSeq_}, {"seenUpTo", seenUpTo_}, {"agentReadUpTo", agentReadUpTo_},
                              {"nextCseq", nextCseq_}, {"cmidCounter", cmidCounter_}});
    next() += toJsonText(Json{{"k", "phase"}, {"phase", phaseName(phase_)}, {"agent", agentName_}, {"position", queuePosition_},
                              {"eta", queueEtaSeconds_}, {"rating", ratingRequested_}, {"ticket", ticketId_}, {"hours", offlineHours_},
                              {"unanswered", unansweredTurns_}, {"prechatDone", prechatDone_}});
    if (!appliedKeys_.empty()) {
      Json keys = Json::array();
      for (const auto& key : appliedKeys_) keys.push_back(key);
      next() += toJsonText(Json{{"k", "keys"}, {"keys", std::move(keys)}});
    }
    state.push_back(']');
    snap.string("visitorId", visitorId_);
    if (recordCount != nullptr) *recordCount = count;
  }
  return out;
}

KEFU_RARELY_RUN Json Session::snapshot() const { return Json::parse(snapshotText(), nullptr, /*allow_exceptions=*/false); }

// ---- records ---------------------------------------------------------------------

KEFU_RARELY_RUN void Session::record(Json item) {
  apply(item);
  newRecord() += toJsonText(item);
}

// The typed records' second half: their text is written here, straight into the
// records for the next persist effect, each after a newline. One buffer, reused, instead
// of a string per record grown from empty: allocating and regrowing those was a tenth
// of the time per event.
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

void Session::applyOut(OutboxEntry entry, std::string_view text) {
  if (entry.cmid.empty() || outbox_.find(entry.cmid)) return;
  nextCseq_ = std::max(nextCseq_, entry.cseq + 1);
  ViewMessage message;
  message.id = entry.cmid;
  message.author = "visitor";
  message.cmid = entry.cmid;
  message.text = text;
  message.time = entry.createdAt;
  appendMessage(std::move(message));
  entry.textBytes = text.size();
  outbox_.add(std::move(entry));
}

void Session::applyAck(std::string_view cmidView, std::int64_t seq) {
  const std::string cmid(cmidView);
  outbox_.onAck(cmid, seq);
  if (ViewMessage* message = messageById(cmid); message && message->seq == 0) message->seq = seq;
  outbox_.onReadUpTo(agentReadUpTo_);
}

void Session::applySent(std::string_view cmid) {
  if (OutboxEntry* entry = outbox_.find(std::string(cmid)); entry && entry->delivery == Delivery::pending) {
    entry->delivery = Delivery::sent;
  }
}

void Session::applyCursor(std::int64_t lastSeq, std::int64_t seenUpTo, std::int64_t agentReadUpTo, std::int64_t nextCseq,
                          std::uint64_t cmidCounter) {
  lastSeq_ = std::max(lastSeq_, lastSeq);
  seenUpTo_ = std::max(seenUpTo_, seenUpTo);
  agentReadUpTo_ = std::max(agentReadUpTo_, agentReadUpTo);
  nextCseq_ = std::max(nextCseq_, nextCseq);
  cmidCounter_ = std::max(cmidCounter_, cmidCounter);
  outbox_.onReadUpTo(agentReadUpTo_);
}

KEFU_RARELY_RUN void Session::apply(const Json& item) {
  const std::string kind = json::stringOr(item, "k");
  if (kind == "out") {
    OutboxEntry entry;
    entry.cmid = json::stringOr(item, "cmid");
    entry.cseq = json::intOr(item, "cseq");
    entry.createdAt = json::intOr(item, "at");
    const Json* frame = json::field(item, "frame");
    const bool hasFrame = frame && frame->is_object();
    entry.frame = hasFrame ? toJsonText(*frame) : "null";
    applyOut(std::move(entry), hasFrame ? json::stringOr(*frame, "text") : std::string());
  } else if (kind == "ack") {
    applyAck(json::stringOr(item, "cmid"), json::intOr(item, "seq"));
  } else if (kind == "read") {
    agentReadUpTo_ = std::max(agentReadUpTo_, json::intOr(item, "upTo"));
    outbox_.onReadUpTo(agentReadUpTo_);
  } else if (kind == "sent") {
    applySent(json::stringOr(item, "cmid"));
  } else if (kind == "fail") {
    if (OutboxEntry* entry = outbox_.find(json::stringOr(item, "cmid")); entry && deliveryRank(entry->delivery) < 2) {
      entry->delivery = Delivery::failed;
    }
  } else if (kind == "retry") {
    outbox_.retry(json::stringOr(item, "cmid"), json::intOr(item, "at"));
  } else if (kind == "msg" || kind == "bot") {
    applyServerMessage(messageFromJson(item));
  } else if (kind == "session") {
    sessionToken_ = json::stringOr(item, "token");
    const std::string conversation = json::stringOr(item, "conversation");
    if (!conversationId_.empty() && conversation != conversationId_) {
      // Another conversation (the server lost ours, or the token now belongs to someone
      // else): its seqs start again at 1, so the cursors of the old one must not drop them.
      lastSeq_ = 0;
      seenUpTo_ = 0;
      agentReadUpTo_ = 0;
      earlyMessages_.clear();
      resyncRequestedAt_ = 0;
      countableSeqs_.clear();
      outbox_.resetReadCursor();
    }
    conversationId_ = conversation;
  } else if (kind == "cursor") {
    applyCursor(json::intOr(item, "lastSeq"), json::intOr(item, "seenUpTo"), json::intOr(item, "agentReadUpTo"),
                json::intOr(item, "nextCseq", 1), json::uintOr(item, "cmidCounter"));
  } else if (kind == "control") {
    const Json* frames = json::field(item, "frames");
    pendingControl_ = Json::array();
    if (frames && frames->is_array()) {
      for (const auto& frame : *frames) {
        if (!protocol::validateFrame(frame, protocol::Direction::toServer, config_.protocol)) pendingControl_.push_back(frame);
      }
    }
  } else if (kind == "seen") {
    seenUpTo_ = std::max(seenUpTo_, json::intOr(item, "upTo"));
  } else if (kind == "key") {
    rememberKey(json::stringOr(item, "key"));
  } else if (kind == "keys") {
    if (const Json* keys = json::field(item, "keys"); keys && keys->is_array()) {
      for (const auto& key : *keys) {
        if (key.is_string()) rememberKey(key.get<std::string>());
      }
    }
  } else if (kind == "phase") {
    if (auto phase = phaseFromName(json::stringOr(item, "phase"))) phase_ = *phase;
    agentName_ = json::stringOr(item, "agent");
    queuePosition_ = json::intOr(item, "position");
    queueEtaSeconds_ = json::intOr(item, "eta");
    ratingRequested_ = json::boolOr(item, "rating");
    ticketId_ = json::stringOr(item, "ticket");
    offlineHours_ = json::stringOr(item, "hours");
    unansweredTurns_ = static_cast<int>(json::intOr(item, "unanswered"));
    prechatDone_ = json::boolOr(item, "prechatDone");
  }
}

void Session::applyServerMessage(MessageRecord item) {
  const std::int64_t seq = item.seq;
  if (seq > 0) lastSeq_ = std::max(lastSeq_, seq);
  // The server's copy of something this device already shows: number it, do not repeat it.
  const std::string localId = !item.cmid.empty() && item.author == "visitor" ? item.cmid : !item.replyTo.empty() ? "bot:" + item.replyTo : "";
  if (!localId.empty()) {
    if (ViewMessage* local = messageById(localId)) {
      local->seq = seq;
      return;
    }
  }
  ViewMessage message;
  if (!item.id.empty()) {
    message.id = std::move(item.id);
  } else if (!item.serverId.empty()) {
    message.id = std::move(item.serverId);
  } else {
    message.id = localId;
  }
  message.author = std::move(item.author);
  message.text = std::move(item.text);
  message.name = std::move(item.name);
  message.time = item.time;
  message.seq = seq;
  message.cmid = std::move(item.cmid);
  message.tier = std::move(item.tier);
  message.suggestions = std::move(item.suggestions);
  if (message.id.empty()) message.id = "s:" + std::to_string(seq);
  appendMessage(std::move(message));
  trimMessages();
}

namespace {
// Agent and system messages count as unread; the visitor's own and local bot replies
// (id "bot:<cmid>", numbered only when the server records them) do not.
bool countsAsUnread(const ViewMessage& message) {
  return message.seq > 0 && message.author != "visitor" && message.id.rfind("bot:", 0) != 0;
}
}  // namespace

void Session::appendMessage(ViewMessage message) {
  // Server messages are applied in seq order, so countable seqs arrive ascending.
  if (countsAsUnread(message) && (countableSeqs_.empty() || message.seq > countableSeqs_.back())) {
    countableSeqs_.push_back(message.seq);
  }
  messagePositionById_[message.id] = trimmedMessages_ + messages_.size();
  messages_.push_back(std::move(message));
}

void Session::trimMessages() {
  while (messages_.size() > config_.maxMessages) {
    const ViewMessage& oldest = messages_.front();
    if (!countableSeqs_.empty() && countableSeqs_.front() <= oldest.seq && countsAsUnread(oldest)) countableSeqs_.pop_front();
    auto indexed = messagePositionById_.find(oldest.id);
    if (indexed != messagePositionById_.end() && indexed->second == trimmedMessages_) messagePositionById_.erase(indexed);
    messages_.pop_front();
    ++trimmedMessages_;
  }
}

ViewMessage* Session::messageById(const std::string& id) {
  auto indexed = messagePositionById_.find(id);
  if (indexed == messagePositionById_.end() || indexed->second < trimmedMessages_) return nullptr;
  return &messages_[indexed->second - trimmedMessages_];
}

// ---- events ------------------------------------------------------------------------

// Keys only have to outlive the events other tabs still hold unconfirmed (a few, for a
// few milliseconds, when a leader tab closes), so a short list is plenty.
constexpr std::size_t kMaxAppliedKeys = 64;
constexpr std::size_t kMaxEventKeyBytes = 64;

KEFU_RARELY_RUN std::optional<Error> Session::handle(const Json& event) {
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

KEFU_RARELY_RUN void Session::rememberKey(std::string key) {
  if (key.empty() || std::find(appliedKeys_.begin(), appliedKeys_.end(), key) != appliedKeys_.end()) return;
  appliedKeys_.push_back(std::move(key));
  if (appliedKeys_.size() > kMaxAppliedKeys) appliedKeys_.pop_front();
}

KEFU_RARELY_RUN std::optional<Error> Session::handleEvent(const Json& event) {
  if (!event.is_object() || !json::hasString(event, "type")) return Error{"invalid_event", "an event is an object with a type"};
  const Json* nowField = json::field(event, "now");
  if (!nowField || !nowField->is_number()) return Error{"invalid_event", "every event carries now (ms since epoch)"};
  const std::int64_t now = json::intOr(event, "now");
  now_ = now;
  const std::string type = json::stringOr(event, "type");
  std::optional<Error> error;
  if (type == "send_text") {
    if (!json::hasString(event, "text")) return Error{"invalid_event", "send_text needs text"};
    return handleSendText(json::field(event, "text")->get_ref<const std::string&>(), now);
  } else if (type == "choose_suggestion") {
    error = onChooseSuggestion(json::stringOr(event, "faqId"), now);
  } else if (type == "request_handoff") {
    error = onRequestHandoff("visitor", now);
  } else if (type == "frame") {
    if (!json::hasString(event, "text")) return Error{"invalid_event", "frame needs text"};
    error = onFrame(json::stringOr(event, "text"), now);
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
      record({{"k", "retry"}, {"cmid", entry->cmid}, {"at", now}});
    }
  } else if (type == "rate") {
    const std::int64_t stars = json::intOr(event, "stars");
    if (phase_ != Phase::ended) {
      error = invalidInState("rating", phase_);
    } else if (stars < 1 || stars > 5) {
      error = Error{"invalid_event", "stars must be 1 to 5"};
    } else {
      Json frame{{"type", "rate"}, {"stars", stars}};
      const std::string comment = json::stringOr(event, "comment");
      if (utf8::length(comment) > config_.protocol.maxTextChars) return Error{"text_too_long", "the comment is too long"};
      if (!comment.empty()) frame["comment"] = comment;
      sendReliably(std::move(frame));
      setPhase(Phase::rated);
    }
  } else if (type == "leave_message") {
    const std::string message = json::stringOr(event, "message");
    if (phase_ != Phase::offline) {
      error = invalidInState("leaving a message", phase_);
    } else if (message.find_first_not_of(" \t\r\n") == std::string::npos || utf8::length(message) > config_.protocol.maxTextChars) {
      error = Error{"invalid_event", "the message must be 1 to " + std::to_string(config_.protocol.maxTextChars) + " characters"};
    } else {
      const std::string cmid = nextCmid();
      record({{"k", "cursor"}, {"cmidCounter", cmidCounter_}});
      setPhase(Phase::ticket_submitted, {{"ticket", ""}});
      // The server deduplicates tickets by cmid, so sending it again is safe.
      sendReliably({{"type", "ticket"}, {"cmid", cmid}, {"message", message}, {"contact", json::stringOr(event, "contact")}});
    }
  } else if (type == "submit_prechat") {
    const Json* fields = json::field(event, "fields");
    if (phase_ != Phase::prechat) {
      error = invalidInState("the pre-chat form", phase_);
    } else if (!fields || !fields->is_object()) {
      error = Error{"invalid_event", "submit_prechat needs fields"};
    } else {
      Json frame{{"type", "prechat"}, {"fields", *fields}};
      if (auto invalid = protocol::validateFrame(frame, protocol::Direction::toServer, config_.protocol)) return invalid;
      sendReliably(std::move(frame));
      setPhase(Phase::bot, {{"prechatDone", true}});
    }
  } else if (type == "panel") {
    panelOpen_ = json::boolOr(event, "open");
    if (panelOpen_) markSeen();
    viewChanged_ = true;
  } else if (type == "typing") {
    if (phase_ == Phase::with_agent) send({{"type", "typing"}, {"on", json::boolOr(event, "on")}});
  } else {
    return Error{"invalid_event", "unknown event type \"" + type + "\""};
  }
  if (!error) flush(now);
  return error;
}

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

bool Session::matchesHandoffKeyword(std::string_view text) const {
  const std::string lowered = lowerAscii(std::string(text));
  for (const auto& keyword : config_.handoffKeywords) {
    if (!keyword.empty() && lowered.find(lowerAscii(keyword)) != std::string::npos) return true;
  }
  return false;
}

std::optional<Error> Session::onVisitorText(std::string_view rawText, std::int64_t now) {
  const auto first = rawText.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Error{"text_empty", "the message is empty"};
  const std::string_view text = rawText.substr(first, rawText.find_last_not_of(" \t\r\n") - first + 1);
  if (utf8::length(text) > config_.protocol.maxTextChars) {
    return Error{"text_too_long", "a message can be at most " + std::to_string(config_.protocol.maxTextChars) + " characters"};
  }
  if (phase_ == Phase::prechat) return Error{"prechat_required", "fill in the pre-chat form first"};
  if (phase_ == Phase::offline || phase_ == Phase::ticket_submitted) return invalidInState("chatting", phase_);
  if (!outbox_.hasRoomFor(text.size())) return Error{"outbox_full", "too many messages are waiting to be sent"};
  if (phase_ == Phase::ended || phase_ == Phase::rated) setPhase(Phase::bot, {{"unanswered", 0}});

  if (phase_ != Phase::bot || faq_ == nullptr || faq_->empty()) {
    enqueueVisitorMessage(text, now, nullptr);
    return std::nullopt;
  }
  return replyAsBot(text, now);
}

KEFU_RARELY_RUN std::optional<Error> Session::replyAsBot(std::string_view text, std::int64_t now) {
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
    addLocalBotMessage(cmid, best.answer, "answer", {}, now);
    if (unansweredTurns_ != 0) setPhase(phase_, {{"unanswered", 0}});
    return std::nullopt;
  }
  if (result.tier == MatchTier::suggest) {
    std::vector<std::pair<std::string, std::string>> suggestions;
    for (const auto& candidate : result.candidates) {
      suggestions.emplace_back(entries[candidate.entryIndex].id, entries[candidate.entryIndex].question);
    }
    const std::string cmid = enqueueVisitorMessage(text, now, bot);
    addLocalBotMessage(cmid, "", "suggest", std::move(suggestions), now);
    return std::nullopt;
  }
  const std::string cmid = enqueueVisitorMessage(text, now, bot);
  addLocalBotMessage(cmid, "", "handoff", {}, now);
  const int unanswered = unansweredTurns_ + 1;
  setPhase(phase_, {{"unanswered", unanswered}});
  if (config_.unansweredTurnsBeforeHandoff > 0 && unanswered >= config_.unansweredTurnsBeforeHandoff) {
    return onRequestHandoff("unanswered", now);
  }
  return std::nullopt;
}

KEFU_RARELY_RUN std::optional<Error> Session::onChooseSuggestion(const std::string& faqId, std::int64_t now) {
  if (phase_ != Phase::bot) return invalidInState("choosing a suggestion", phase_);
  if (faq_ == nullptr) return Error{"unknown_faq", "no knowledge base is loaded"};
  for (const auto& entry : faq_->knowledgeBase().entries) {
    if (entry.id != faqId) continue;
    if (!outbox_.hasRoomFor(entry.question.size())) return Error{"outbox_full", "too many messages are waiting to be sent"};
    const std::string cmid = enqueueVisitorMessage(entry.question, now, {{"tier", "answer"}, {"faqId", entry.id}, {"answer", entry.answer}});
    addLocalBotMessage(cmid, entry.answer, "answer", {}, now);
    return std::nullopt;
  }
  return Error{"unknown_faq", "no FAQ has id \"" + faqId + "\""};
}

KEFU_RARELY_RUN std::optional<Error> Session::onRequestHandoff(const char* reason, std::int64_t) {
  if (phase_ == Phase::ended || phase_ == Phase::rated) setPhase(Phase::bot);
  if (phase_ != Phase::bot) return invalidInState("asking for a person", phase_);
  setPhase(Phase::handoff_requested, {{"unanswered", 0}});
  send({{"type", "handoff"}, {"reason", reason}});
  std::string detail;
  ObjectWriter(detail).string("reason", reason);
  emitNotify("handoff", detail);
  return std::nullopt;
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

std::string Session::enqueueVisitorMessage(std::string_view text, std::int64_t now, const Json& bot) {
  OutboxEntry entry;
  entry.cmid = nextCmid();
  entry.cseq = nextCseq_;
  entry.createdAt = now;
  frameScratch_.clear();
  {
    ObjectWriter frame(frameScratch_);
    if (!bot.is_null()) frame.json("bot", toJsonText(bot));
    frame.integer("clientTime", std::max<std::int64_t>(now, 0)).string("cmid", entry.cmid).integer("cseq", entry.cseq);
    frame.string("text", text).string("type", "message");
  }
  entry.frame.assign(frameScratch_.view().data(), frameScratch_.size());
  ObjectWriter(newRecord()).integer("at", now).string("cmid", entry.cmid).integer("cseq", entry.cseq).json("frame", entry.frame).string("k", "out");
  const std::string cmid = entry.cmid;
  applyOut(std::move(entry), text);
  ObjectWriter(newRecord()).integer("cmidCounter", static_cast<std::int64_t>(cmidCounter_)).string("k", "cursor");
  return cmid;
}

KEFU_RARELY_RUN void Session::addLocalBotMessage(const std::string& cmid, const std::string& text, const std::string& tier,
                                 std::vector<std::pair<std::string, std::string>> suggestions, std::int64_t now) {
  Json item{{"k", "bot"}, {"id", "bot:" + cmid}, {"author", "bot"}, {"text", text}, {"time", now}, {"seq", 0}, {"tier", tier}};
  if (!suggestions.empty()) {
    Json list = Json::array();
    for (const auto& [faqId, question] : suggestions) list.push_back({{"faqId", faqId}, {"question", question}});
    item["suggestions"] = std::move(list);
  }
  record(std::move(item));
}

KEFU_RARELY_RUN void Session::setPhase(Phase phase, const Json& extra) {
  Json item{{"k", "phase"},
            {"phase", phaseName(phase)},
            {"agent", agentName_},
            {"position", queuePosition_},
            {"eta", queueEtaSeconds_},
            {"rating", ratingRequested_},
            {"ticket", ticketId_},
            {"hours", offlineHours_},
            {"unanswered", unansweredTurns_},
            {"prechatDone", prechatDone_}};
  for (auto it = extra.begin(); it != extra.end(); ++it) item[it.key()] = it.value();
  record(std::move(item));
}

// ---- connection ------------------------------------------------------------------

KEFU_RARELY_RUN void Session::sendReliably(Json frame) {
  if (connected_ && welcomed_) {
    send(std::move(frame));
    return;
  }
  Json frames = pendingControl_;
  frames.push_back(std::move(frame));
  record({{"k", "control"}, {"frames", std::move(frames)}});
}

KEFU_RARELY_RUN void Session::send(const Json& frame) { sendText(toJsonText(frame)); }

void Session::sendText(std::string_view frameJson) {
  if (!connected_ || !welcomed_) return;  // sent again (or made moot) after the next welcome
  addEffect('s', frameJson);
  lastSentAt_ = now_;
}

void Session::addEffect(char tag, std::string_view payload) {
  char* at = extendText(effects_, 2 + payload.size());
  at[0] = '\n';
  at[1] = tag;
  if (!payload.empty()) std::memcpy(at + 2, payload.data(), payload.size());
}

void Session::addNumberEffect(char tag, std::int64_t number) {
  char digits[24];
  addEffect(tag, integerText(number, digits));
}

KEFU_RARELY_RUN void Session::onConnected(std::int64_t now) {
  connected_ = true;
  welcomed_ = false;
  reconnectAt_ = 0;
  lastHeardAt_ = now;
  lastSentAt_ = now;
  Json hello{{"type", "hello"},      {"v", protocol::kVersion}, {"siteId", config_.siteId.empty() ? "default" : config_.siteId},
             {"visitorId", visitorId_}, {"epoch", epoch_},         {"lastSeq", lastSeq_},
             {"locale", config_.locale}};
  hello["sessionToken"] = sessionToken_.empty() ? Json(nullptr) : Json(sessionToken_);
  addEffect('s', toJsonText(hello));
  viewChanged_ = true;
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

KEFU_RARELY_RUN void Session::onTimer(std::int64_t now) {
  // The shell's timer has fired (maybe early, if the clock moved): it holds no timer
  // now, so the next wake is announced again even if its time did not change.
  announcedWake_ = -1;
  if (!connected_ && reconnectAt_ != 0 && now >= reconnectAt_) {
    reconnectAt_ = 0;
    addEffect('c');
  }
  if (connected_ && now - lastHeardAt_ >= 2 * config_.heartbeatMs) {
    // Two heartbeats without a word: the line is dead even if the socket says open.
    addEffect('d');
    onDisconnected(now);
  } else if (connected_ && welcomed_ && now - lastSentAt_ >= config_.heartbeatMs) {
    send({{"type", "ping"}, {"t", std::max<std::int64_t>(now, 0)}});
  }
  if (connected_ && welcomed_ && resyncRequestedAt_ != 0 && now - resyncRequestedAt_ >= config_.resyncRetryMs) {
    requestResync(now);
  }
}

void Session::requestResync(std::int64_t now) {
  resyncRequestedAt_ = std::max<std::int64_t>(now, 1);
  send({{"type", "resync"}, {"afterSeq", lastSeq_}});
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
  if (entry->seq == 0) {
    applyAck(cmid, seq);
    ObjectWriter(newRecord()).string("cmid", cmid).string("k", "ack").integer("seq", seq);
  }
  // Our own message is the next one in the conversation: no need to wait for its echo.
  if (seq == lastSeq_ + 1) {
    applyCursor(seq, 0, 0, 0, 0);
    ObjectWriter(newRecord()).string("k", "cursor").integer("lastSeq", seq);
    applyEarlyMessages();
  }
  return std::nullopt;
}

KEFU_RARELY_RUN std::optional<Error> Session::onServerFrame(const Json& frame, std::int64_t now) {
  const std::string type = json::stringOr(frame, "type");
  if (type != "welcome" && !welcomed_) return Error{"not_welcomed", "a " + type + " frame arrived before welcome"};
  if (type == "welcome") {
    if (!connected_) return Error{"not_connected", "welcome without a connection"};
    welcomed_ = true;
    reconnectAttempts_ = 0;
    const std::string token = json::stringOr(frame, "sessionToken");
    const std::string conversation = json::stringOr(frame, "conversationId");
    if (token != sessionToken_ || conversation != conversationId_) {
      record({{"k", "session"}, {"token", token}, {"conversation", conversation}});
    }
    // After a reload the server knows better where the conversation stands, except for
    // a hand-off the visitor asked for while the line was down: the server has not heard
    // of it yet, so it still says bot (or ended) and the request is sent below.
    if (auto serverPhase = phaseFromName(json::stringOr(frame, "state"))) {
      const bool handoffNotYetSent = phase_ == Phase::handoff_requested &&
                                     (*serverPhase == Phase::bot || *serverPhase == Phase::ended || *serverPhase == Phase::rated);
      if (*serverPhase != phase_ && phase_ != Phase::prechat && phase_ != Phase::ticket_submitted && !handoffNotYetSent) {
        setPhase(*serverPhase);
      }
    }
    // The site asks for the pre-chat form (the server leaves the flag out once it has the
    // fields): only a conversation that has not started yet turns into the form.
    if (json::boolOr(frame, "preChatForm") && phase_ == Phase::bot && !prechatDone_ && messages_.empty() && outbox_.entries().empty()) {
      setPhase(Phase::prechat);
    }
    outbox_.onReconnected(now);
    if (json::intOr(frame, "lastSeq") > lastSeq_) requestResync(now);
    if (phase_ == Phase::handoff_requested) send({{"type", "handoff"}, {"reason", "visitor"}});
    if (!pendingControl_.empty()) {
      for (const auto& control : pendingControl_) send(control);
      record({{"k", "control"}, {"frames", Json::array()}});
    }
    if (panelOpen_) markSeen();
    viewChanged_ = true;
  } else if (type == "ack") {
    return onAck(json::stringOr(frame, "cmid"), json::intOr(frame, "seq"));
  } else if (type == "nack") {
    outbox_.onNack(json::intOr(frame, "expectedCseq"), now);
  } else if (type == "msg") {
    acceptServerMessage(messageFromJson(frame), now);
  } else if (type == "resync") {
    resyncRequestedAt_ = 0;
    for (const auto& message : frame["messages"]) acceptServerMessage(messageFromJson(message), now);
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

void Session::acceptServerMessage(MessageRecord message, std::int64_t now) {
  const std::int64_t seq = message.seq;
  if (seq <= lastSeq_) return;  // a duplicate: already applied
  if (seq > lastSeq_ + 1) {
    if (earlyMessages_.size() < kMaxEarlyMessages) earlyMessages_.emplace(seq, std::move(message));
    if (resyncRequestedAt_ == 0) requestResync(now);
    return;
  }
  const std::int64_t unreadBefore = unreadCount();
  // The record and the notice are written before the message moves into the view.
  writeMessageRecord(newRecord(), "msg", message);
  std::string notice;
  if (message.author == "agent" || message.author == "system") {
    ObjectWriter(notice).string("author", message.author).integer("seq", seq).string("text", message.text);
  }
  applyServerMessage(std::move(message));
  if (!notice.empty()) emitNotify("message", notice);
  applyEarlyMessages();
  if (panelOpen_) markSeen();
  // The commonest notice has a line of its own, `u<count>`: the shell reads a number
  // instead of parsing a detail's JSON for every agent message.
  if (unreadCount() != unreadBefore && !replaying_) addNumberEffect('u', unreadCount());
}

KEFU_RARELY_RUN std::optional<Error> Session::onServerEvent(const Json& frame, std::int64_t) {
  const std::string event = json::stringOr(frame, "event");
  auto allowedIn = [&](std::initializer_list<Phase> phases) {
    return std::find(phases.begin(), phases.end(), phase_) != phases.end();
  };
  auto reject = [&]() { return std::optional<Error>(Error{"event_invalid_in_state", "\"" + event + "\" while the conversation is " + phaseName(phase_)}); };
  if (event == "queued") {
    if (!allowedIn({Phase::handoff_requested, Phase::queued})) return reject();
    setPhase(Phase::queued, {{"position", json::intOr(frame, "position")}, {"eta", json::intOr(frame, "etaSeconds")}});
  } else if (event == "agent_joined") {
    // Also from bot: the visitor may have asked for a person in another tab.
    if (!allowedIn({Phase::bot, Phase::handoff_requested, Phase::queued, Phase::with_agent})) return reject();
    setPhase(Phase::with_agent, {{"agent", json::stringOr(frame, "name")}, {"position", 0}});
  } else if (event == "agent_left") {
    if (!allowedIn({Phase::with_agent})) return reject();
    agentTyping_ = false;
    setPhase(Phase::queued, {{"agent", ""}, {"position", 0}});
  } else if (event == "typing") {
    if (!allowedIn({Phase::with_agent})) return reject();
    agentTyping_ = json::boolOr(frame, "on");
    viewChanged_ = true;
  } else if (event == "read") {
    const std::int64_t upTo = json::intOr(frame, "upToSeq");
    if (upTo > agentReadUpTo_) record({{"k", "read"}, {"upTo", upTo}});
  } else if (event == "ended") {
    if (!allowedIn({Phase::handoff_requested, Phase::queued, Phase::with_agent})) return reject();
    agentTyping_ = false;
    setPhase(Phase::ended, {{"rating", false}});
  } else if (event == "rating_requested") {
    if (!allowedIn({Phase::ended})) return reject();
    setPhase(Phase::ended, {{"rating", true}});
  } else if (event == "returned_to_bot") {
    if (!allowedIn({Phase::handoff_requested, Phase::queued, Phase::with_agent, Phase::ended})) return reject();
    setPhase(Phase::bot, {{"agent", ""}, {"unanswered", 0}});
  } else if (event == "offline") {
    if (!allowedIn({Phase::bot, Phase::handoff_requested, Phase::queued})) return reject();
    setPhase(Phase::offline, {{"hours", json::stringOr(frame, "hours")}});
  } else if (event == "ticket_created") {
    if (!allowedIn({Phase::offline, Phase::ticket_submitted})) return reject();
    setPhase(Phase::ticket_submitted, {{"ticket", json::stringOr(frame, "ticketId")}});
  }
  return std::nullopt;
}

void Session::applyEarlyMessages() {
  while (!earlyMessages_.empty() && earlyMessages_.begin()->first <= lastSeq_ + 1) {
    MessageRecord next = std::move(earlyMessages_.begin()->second);
    earlyMessages_.erase(earlyMessages_.begin());
    if (next.seq == lastSeq_ + 1) {
      writeMessageRecord(newRecord(), "msg", next);
      applyServerMessage(std::move(next));
    }
  }
  if (earlyMessages_.empty()) resyncRequestedAt_ = 0;
}

// ---- effects ---------------------------------------------------------------------

KEFU_RARELY_RUN void Session::markSeen() {
  if (seenUpTo_ >= lastSeq_) return;
  record({{"k", "seen"}, {"upTo", lastSeq_}});
  send({{"type", "read"}, {"upToSeq", lastSeq_}});
}

std::int64_t Session::unreadCount() const {
  return countableSeqs_.end() - std::upper_bound(countableSeqs_.begin(), countableSeqs_.end(), seenUpTo_);
}

void Session::emitNotify(const char* event, std::string_view detailJson) {
  if (replaying_) return;
  const std::size_t eventSize = std::strlen(event);
  char* at = extendText(effects_, 3 + eventSize + detailJson.size());
  *at++ = '\n';
  *at++ = 'n';
  std::memcpy(at, event, eventSize);
  at += eventSize;
  *at++ = ' ';
  std::memcpy(at, detailJson.data(), detailJson.size());
}

void Session::flush(std::int64_t now) {
  if (!keyToRecord_.empty()) {
    record({{"k", "key"}, {"key", std::exchange(keyToRecord_, {})}});
  }
  for (const auto& cmid : outbox_.expire(now)) writeCmidRecord(newRecord(), "fail", cmid);
  if (connected_ && welcomed_) {
    std::vector<std::string> firstSends;
    for (const OutboxEntry* entry : outbox_.due(now, random_, &firstSends)) {
      sendText(entry->frame);
      lastSentAt_ = now;
      viewChanged_ = true;
    }
    // "sent" survives a reload, so the visitor never sees a message step back to "sending".
    for (const auto& cmid : firstSends) writeCmidRecord(newRecord(), "sent", cmid);
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
      persistSnapshot(snapshotText(&lastSnapshotRecords_));
      journalSinceSnapshot_ = 0;
    } else {
      // records_ has each record after a '\n': the lines that follow the `a<n>`.
      addNumberEffect('a', static_cast<std::int64_t>(recordCount_));
      effects_ += records_;
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
    addNumberEffect('w', wake);
    announcedWake_ = wake;
  }
  if (viewChanged_) {
    addEffect('r');
    viewChanged_ = false;
  }
}

void Session::persistSnapshot(std::string snapshot) {
  addEffect('p');
  effects_.push_back('\n');
  effects_ += snapshot;
}

void Session::drainEffectsText(std::string& lines) {
  // Appended and cleared rather than handed over: the buffer keeps its capacity.
  lines.append(effects_.view().data(), effects_.size());
  effects_.clear();
}

KEFU_RARELY_RUN std::vector<Json> Session::drainEffects() {
  std::string text;
  drainEffectsText(text);
  EffectLines lines(text);
  std::vector<Json> drained;
  std::string_view line;
  // Made as web/core/core-result.js makes them for the shell.
  while (lines.next(line)) {
    const std::string_view payload = line.substr(line.empty() ? 0 : 1);
    switch (line.empty() ? '\0' : line[0]) {
      case 's':
        drained.push_back(Json{{"type", "send"}, {"frame", Json::parse(payload, nullptr, /*allow_exceptions=*/false)}});
        break;
      case 'a': {
        Json appended = Json::array();
        for (std::int64_t n = EffectLines::number(line); n > 0; --n) appended.push_back(std::string(lines.following()));
        drained.push_back(Json{{"type", "persist"}, {"append", std::move(appended)}});
        break;
      }
      case 'p':
        drained.push_back(Json{{"type", "persist"}, {"snapshot", std::string(lines.following())}});
        break;
      case 'w':
        drained.push_back(Json{{"type", "wake"}, {"at", EffectLines::number(line)}});
        break;
      case 'c':
        drained.push_back(Json{{"type", "connect"}});
        break;
      case 'd':
        drained.push_back(Json{{"type", "disconnect"}});
        break;
      case 'r':
        drained.push_back(Json{{"type", "render"}});
        break;
      case 'u':
        drained.push_back(Json{{"type", "notify"}, {"event", "unread"}, {"detail", {{"count", EffectLines::number(line)}}}});
        break;
      case 'n': {
        const std::size_t space = std::min(payload.find(' '), payload.size());
        drained.push_back(Json{{"type", "notify"},
                               {"event", std::string(payload.substr(0, space))},
                               {"detail", Json::parse(payload.substr(std::min(space + 1, payload.size())), nullptr, false)}});
        break;
      }
      default:
        drained.push_back(Json{{"type", "unknown"}, {"line", std::string(line)}});
        break;
    }
  }
  return drained;
}

bool Session::EffectLines::next(std::string_view& line) {
  if (at_ >= text_.size()) return false;
  line = following();
  return true;
}

std::string_view Session::EffectLines::following() {
  if (at_ >= text_.size()) return {};
  const std::size_t start = at_ + 1;
  at_ = std::min(text_.find('\n', start), text_.size());
  return text_.substr(start, at_ - start);
}

std::int64_t Session::EffectLines::number(std::string_view line) {
  const std::string_view digits = line.substr(line.empty() ? 0 : 1);
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  std::int64_t value = 0;
  for (const char digit : digits) value = value * 10 + (digit - '0');
  return value;
}

KEFU_RARELY_RUN Json Session::view() const {
  Json messages = Json::array();
  for (const auto& message : messages_) {
    Json item = viewMessageJson(message);
    if (message.author == "visitor") {
      const OutboxEntry* entry = outbox_.find(message.cmid);
      item["delivery"] = entry ? deliveryName(entry->delivery) : (message.seq <= agentReadUpTo_ ? "read" : "delivered");
    }
    messages.push_back(std::move(item));
  }
  return Json{{"phase", phaseName(phase_)},
              {"connection", connected_ ? (welcomed_ ? "online" : "connecting") : "offline"},
              {"agent", {{"name", agentName_}, {"typing", agentTyping_}}},
              {"queue", {{"position", queuePosition_}, {"etaSeconds", queueEtaSeconds_}}},
              {"ratingRequested", ratingRequested_},
              {"ticketId", ticketId_},
              {"offlineHours", offlineHours_},
              {"unread", unreadCount()},
              {"visitorId", visitorId_},
              {"conversationId", conversationId_},
              {"messages", std::move(messages)}};
}

}  // namespace kefu::session
