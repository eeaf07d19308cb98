#include "base/json_access.h"
#include "session/session.h"

// Starting, restoring, the rarely written records' apply(), and the view: compiled for
// size (wasm/CMakeLists.txt). They run once per page load or per render, and most of
// them build or read nlohmann trees.

namespace kefu::session {

namespace {

std::string hex(std::uint64_t value, int digits) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out.push_back(kDigits[(value >> (4 * (digits - 1 - i))) & 0xF]);
  return out;
}

Json messageJson(const MessageRecord& message) {
  Json out{{"id", message.id}, {"author", message.author}, {"text", message.text}, {"time", message.time}};
  if (message.seq != 0) out["seq"] = message.seq;
  if (!message.name.empty()) out["name"] = message.name;
  if (!message.tier.empty()) out["tier"] = message.tier;
  if (!message.faqId.empty()) out["faqId"] = message.faqId;
  // Written by toJsonText from a parsed object, so it parses back (snapshot() parses the same way).
  if (!message.attachment.empty()) out["attachment"] = Json::parse(message.attachment, nullptr, /*allow_exceptions=*/false);
  if (!message.suggestions.empty()) {
    Json suggestions = Json::array();
    for (const auto& [faqId, question] : message.suggestions) suggestions.push_back({{"faqId", faqId}, {"question", question}});
    out["suggestions"] = std::move(suggestions);
  }
  return out;
}

}  // namespace

void Session::startFresh(std::uint64_t seed, const std::string& visitorId, std::int64_t now) {
  *this = Session(config_, faq_);
  random_ = SeededRandom(seed);
  now_ = now;
  visitorId_ = visitorId.empty() ? "v-" + hex(random_.next(), 16) : visitorId;
  epoch_ = hex(random_.next(), 8);
  phase_.phase = config_.preChatForm ? Phase::prechat : Phase::bot;
  // The first snapshot is written at once: every later journal record extends it.
  effects_.snapshot(snapshotText());
  viewChanged_ = true;
  effects_.add(EffectTag::connect);
  flush(now);
}

std::optional<Error> Session::restore(const std::string& snapshotText, const std::vector<std::string>& journal, std::uint64_t seed,
                                      std::int64_t now) {
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
    for (const auto& item : *state) applyStored(item);
  }
  for (const auto& line : journal) {
    auto record = parseJsonText(line, JsonLimits{1u << 20, 16}, "journal");
    if (!record.ok() || !record.value().is_object() || !json::hasString(record.value(), "k")) {
      replaying_ = false;
      return fail("snapshot_corrupt", "a journal record cannot be read");
    }
    applyStored(record.value());
  }
  replaying_ = false;
  journalSinceSnapshot_ = journal.size();
  viewChanged_ = true;
  effects_.add(EffectTag::connect);
  flush(now);
  return std::nullopt;
}

void Session::applyStored(const Json& item) {
  readStoredRecord(item, phase_.phase, [this](auto record) { apply(std::move(record)); });
}

void Session::apply(const FailRecord& r) {
  if (OutboxEntry* entry = outbox_.find(r.cmid); entry && deliveryRank(entry->delivery) < 2) entry->delivery = Delivery::failed;
}

void Session::apply(const RetryRecord& r) { outbox_.retry(r.cmid, r.at); }

void Session::apply(const ReadRecord& r) {
  agentReadUpTo_ = std::max(agentReadUpTo_, r.upTo);
  outbox_.onReadUpTo(agentReadUpTo_);
}

void Session::apply(const SeenRecord& r) { seenUpTo_ = std::max(seenUpTo_, r.upTo); }

void Session::apply(const SessionRecord& r) {
  sessionToken_ = r.token;
  if (!conversationId_.empty() && r.conversation != conversationId_) {
    // Another conversation (the server lost ours, or the token now belongs to someone
    // else): its seqs start again at 1, so the cursors of the old one must not drop them.
    lastSeq_ = 0;
    seenUpTo_ = 0;
    agentReadUpTo_ = 0;
    earlyMessages_.clear();
    resyncRequestedAt_ = 0;
    messages_.forgetUnread();
    outbox_.resetReadCursor();
  }
  conversationId_ = r.conversation;
}

void Session::apply(const ControlRecord& r) {
  pendingControl_ = Json::array();
  for (const auto& frame : r.frames) {
    if (!protocol::validateFrame(frame, protocol::Direction::toServer, config_.protocol)) pendingControl_.push_back(frame);
  }
}

void Session::apply(const KeyRecord& r) { rememberKey(r.key); }

void Session::apply(const KeysRecord& r) {
  for (const auto& key : r.keys) rememberKey(key);
}

void Session::apply(const PhaseRecord& r) { phase_ = r; }

Json Session::snapshot() const { return Json::parse(snapshotText(), nullptr, /*allow_exceptions=*/false); }

Json Session::view() const {
  Json messages = Json::array();
  for (const auto& message : messages_) {
    Json item = messageJson(message);
    if (message.author == "visitor") {
      const OutboxEntry* entry = outbox_.find(message.cmid);
      item["delivery"] = entry ? deliveryName(entry->delivery) : (message.seq <= agentReadUpTo_ ? "read" : "delivered");
    }
    messages.push_back(std::move(item));
  }
  return Json{{"phase", phaseName(phase_.phase)},
              {"connection", connected_ ? (welcomed_ ? "online" : "connecting") : "offline"},
              {"agent", {{"name", phase_.agent}, {"typing", agentTyping_}}},
              {"queue", {{"position", phase_.position}, {"etaSeconds", phase_.eta}}},
              {"ratingRequested", phase_.rating},
              {"ticketId", phase_.ticket},
              {"offlineHours", phase_.hours},
              {"unread", unreadCount()},
              {"visitorId", visitorId_},
              {"conversationId", conversationId_},
              // The shell's credential for the server's HTTP routes (attachment uploads).
              {"sessionToken", sessionToken_},
              {"messages", std::move(messages)}};
}

}  // namespace kefu::session
