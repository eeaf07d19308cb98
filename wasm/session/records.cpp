#include "session/records.h"

// Compiled for size (wasm/CMakeLists.txt): records are read back only on a restore.

namespace kefu::session {

namespace {

const Phase kPhases[] = {Phase::prechat, Phase::bot,     Phase::handoff_requested, Phase::queued,          Phase::with_agent,
                         Phase::ended,   Phase::rated,   Phase::offline,           Phase::ticket_submitted};

// A frame's or record's `attachment` object as compact JSON text; empty without one.
std::string attachmentText(const Json& item) {
  const Json* attachment = json::field(item, "attachment");
  return attachment && attachment->is_object() ? toJsonText(*attachment) : std::string();
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

std::optional<Phase> phaseFromName(std::string_view name) {
  for (Phase phase : kPhases) {
    if (name == phaseName(phase)) return phase;
  }
  return std::nullopt;
}

void readRecord(const Json& item, OutRecord& r) {
  r.cmid = json::stringOr(item, "cmid");
  r.cseq = json::intOr(item, "cseq");
  r.at = json::intOr(item, "at");
  const Json* frame = json::field(item, "frame");
  const bool hasFrame = frame && frame->is_object();
  r.frame = hasFrame ? toJsonText(*frame) : "null";
  r.text = hasFrame ? json::stringOr(*frame, "text") : std::string();
  r.attachment = hasFrame ? attachmentText(*frame) : std::string();
}

void readRecord(const Json& item, AckRecord& r) {
  r.cmid = json::stringOr(item, "cmid");
  r.seq = json::intOr(item, "seq");
}

void readRecord(const Json& item, SentRecord& r) { r.cmid = json::stringOr(item, "cmid"); }

void readRecord(const Json& item, FailRecord& r) { r.cmid = json::stringOr(item, "cmid"); }

void readRecord(const Json& item, RetryRecord& r) {
  r.cmid = json::stringOr(item, "cmid");
  r.at = json::intOr(item, "at");
}

void readRecord(const Json& item, ReadRecord& r) { r.upTo = json::intOr(item, "upTo"); }

void readRecord(const Json& item, SeenRecord& r) { r.upTo = json::intOr(item, "upTo"); }

void readRecord(const Json& item, MessageRecord& r) {
  r.id = json::stringOr(item, "id");
  r.serverId = json::stringOr(item, "serverId");
  r.author = json::stringOr(item, "author");
  r.text = json::stringOr(item, "text");
  r.name = json::stringOr(item, "name");
  r.cmid = json::stringOr(item, "cmid");
  r.replyTo = json::stringOr(item, "replyTo");
  r.tier = json::stringOr(item, "tier");
  r.faqId = json::stringOr(item, "faqId");
  r.attachment = attachmentText(item);
  r.seq = json::intOr(item, "seq");
  r.time = json::intOr(item, "time");
  if (const Json* suggestions = json::field(item, "suggestions"); suggestions && suggestions->is_array()) {
    for (const auto& s : *suggestions) r.suggestions.emplace_back(json::stringOr(s, "faqId"), json::stringOr(s, "question"));
  }
}

void readRecord(const Json& item, SessionRecord& r) {
  r.token = json::stringOr(item, "token");
  r.conversation = json::stringOr(item, "conversation");
}

void readRecord(const Json& item, CursorRecord& r) {
  r.lastSeq = json::intOr(item, "lastSeq");
  r.seenUpTo = json::intOr(item, "seenUpTo");
  r.agentReadUpTo = json::intOr(item, "agentReadUpTo");
  r.nextCseq = json::intOr(item, "nextCseq", 1);
  r.cmidCounter = json::uintOr(item, "cmidCounter");
}

void readRecord(const Json& item, ControlRecord& r) {
  const Json* frames = json::field(item, "frames");
  r.frames = frames && frames->is_array() ? *frames : Json::array();
}

void readRecord(const Json& item, KeyRecord& r) { r.key = json::stringOr(item, "key"); }

void readRecord(const Json& item, KeysRecord& r) {
  if (const Json* keys = json::field(item, "keys"); keys && keys->is_array()) {
    for (const auto& key : *keys) {
      if (key.is_string()) r.keys.push_back(key.get<std::string>());
    }
  }
}

void readRecord(const Json& item, PhaseRecord& r) {
  // An unknown phase name keeps the phase `r` came with.
  if (auto phase = phaseFromName(json::stringOr(item, "phase"))) r.phase = *phase;
  r.agent = json::stringOr(item, "agent");
  r.position = json::intOr(item, "position");
  r.eta = json::intOr(item, "eta");
  r.rating = json::boolOr(item, "rating");
  r.ticket = json::stringOr(item, "ticket");
  r.hours = json::stringOr(item, "hours");
  r.unanswered = json::intOr(item, "unanswered");
  r.prechatDone = json::boolOr(item, "prechatDone");
}

}  // namespace kefu::session
