#include "protocol/frame.h"

#include <cmath>
#include <cstring>
#include <initializer_list>

#include "base/utf8.h"

namespace kefu::protocol {

namespace {

enum class Kind {
  id,            // non-empty string, at most maxIdChars
  nullableId,    // null or id
  text,          // non-empty string, at most maxTextChars
  optionalText,  // string (may be empty), at most maxTextChars
  count,         // integer >= 0 (JSON numbers are doubles in JS: at most 2^53)
  boolean,
  stars,         // integer 1..5
  version,
  author,
  tier,
  handoffReason,
  identity,
  botTurn,
  formFields,
  messages,
  event,
  endedBy,
};

struct Field {
  const char* name;
  Kind kind;
  bool required;
};

struct FrameRule {
  const char* type;
  Direction direction;
  std::initializer_list<Field> fields;
};

const FrameRule kFrameRules[] = {
    {"hello", Direction::toServer,
     {{"v", Kind::version, true}, {"siteId", Kind::id, true}, {"visitorId", Kind::id, true}, {"epoch", Kind::id, true},
      {"sessionToken", Kind::nullableId, true}, {"lastSeq", Kind::count, true}, {"locale", Kind::id, false},
      {"identity", Kind::identity, false}}},
    {"message", Direction::toServer,
     {{"cmid", Kind::id, true}, {"cseq", Kind::count, true}, {"text", Kind::text, true},
      {"clientTime", Kind::count, true}, {"bot", Kind::botTurn, false}}},
    {"handoff", Direction::toServer, {{"reason", Kind::handoffReason, true}}},
    {"read", Direction::toServer, {{"upToSeq", Kind::count, true}}},
    {"typing", Direction::toServer, {{"on", Kind::boolean, true}}},
    {"rate", Direction::toServer, {{"stars", Kind::stars, true}, {"comment", Kind::optionalText, false}}},
    {"ticket", Direction::toServer,
     {{"cmid", Kind::id, true}, {"message", Kind::text, true}, {"contact", Kind::optionalText, true}}},
    {"prechat", Direction::toServer, {{"fields", Kind::formFields, true}}},
    {"resync", Direction::toServer, {{"afterSeq", Kind::count, true}}},
    {"ping", Direction::toServer, {{"t", Kind::count, true}}},

    {"welcome", Direction::toClient,
     {{"v", Kind::version, true}, {"sessionToken", Kind::id, true}, {"conversationId", Kind::id, true},
      {"lastSeq", Kind::count, true}, {"nextCseq", Kind::count, true}, {"state", Kind::id, true},
      {"agentsOnline", Kind::boolean, true}, {"preChatForm", Kind::boolean, false}}},
    {"ack", Direction::toClient,
     {{"cmid", Kind::id, true}, {"cseq", Kind::count, true}, {"seq", Kind::count, true}, {"serverId", Kind::id, true}}},
    {"nack", Direction::toClient, {{"cmid", Kind::id, true}, {"expectedCseq", Kind::count, true}}},
    {"msg", Direction::toClient,
     {{"seq", Kind::count, true}, {"serverId", Kind::id, true}, {"author", Kind::author, true},
      {"text", Kind::text, true}, {"time", Kind::count, true}, {"name", Kind::optionalText, false},
      {"cmid", Kind::id, false}, {"replyTo", Kind::id, false}}},
    {"event", Direction::toClient, {{"event", Kind::event, true}}},
    {"resync", Direction::toClient,
     {{"messages", Kind::messages, true}, {"lastSeq", Kind::count, true}, {"more", Kind::boolean, true}}},
    {"error", Direction::toClient,
     {{"code", Kind::id, true}, {"message", Kind::optionalText, true}, {"retryAfterMs", Kind::count, false},
      {"cmid", Kind::id, false}}},
    {"pong", Direction::toClient, {{"t", Kind::count, true}}},
};

// Per-event fields of {"type":"event"} frames.
const FrameRule kEventRules[] = {
    {"queued", Direction::toClient, {{"position", Kind::count, true}, {"etaSeconds", Kind::count, false}}},
    {"agent_joined", Direction::toClient, {{"name", Kind::text, true}}},
    {"agent_left", Direction::toClient, {{"name", Kind::text, true}}},
    {"typing", Direction::toClient, {{"on", Kind::boolean, true}}},
    {"read", Direction::toClient, {{"upToSeq", Kind::count, true}}},
    {"ended", Direction::toClient, {{"by", Kind::endedBy, true}}},
    {"rating_requested", Direction::toClient, {}},
    {"returned_to_bot", Direction::toClient, {}},
    {"offline", Direction::toClient, {{"hours", Kind::optionalText, false}}},
    {"ticket_created", Direction::toClient, {{"cmid", Kind::id, true}, {"ticketId", Kind::id, true}}},
};

constexpr double kMaxSafeInteger = 9007199254740991.0;

bool oneOf(const Json& value, std::initializer_list<const char*> allowed) {
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  for (const char* option : allowed) {
    if (text == option) return true;
  }
  return false;
}

class Validator {
 public:
  explicit Validator(const ProtocolLimits& limits) : limits_(limits) {}

  std::optional<Error> frame(const Json& frame, Direction direction) const {
    if (!frame.is_object()) return invalid("frame", "must be a JSON object");
    auto type = frame.find("type");
    if (type == frame.end() || !type->is_string()) return invalid("type", "must be a string");
    const auto& name = type->get_ref<const std::string&>();
    for (const auto& rule : kFrameRules) {
      if (rule.direction == direction && name == rule.type) return fields(frame, rule, "");
    }
    return Error{"frame_unknown_type", "no " + std::string(direction == Direction::toServer ? "client" : "server") +
                                           " frame has type \"" + name + "\""};
  }

 private:
  static Error invalid(const std::string& path, const std::string& problem) {
    return Error{"frame_invalid", path + ": " + problem};
  }

  std::optional<Error> fields(const Json& object, const FrameRule& rule, const std::string& prefix) const {
    for (const Field& field : rule.fields) {
      auto found = object.find(field.name);
      const std::string path = prefix + field.name;
      if (found == object.end()) {
        if (field.required) return invalid(path, "is required");
        continue;
      }
      if (auto error = value(*found, field.kind, path)) return error;
    }
    return std::nullopt;
  }

  bool textWithin(const Json& value, std::size_t maxChars, bool allowEmpty) const {
    if (!value.is_string()) return false;
    const auto& text = value.get_ref<const std::string&>();
    if (!allowEmpty && text.empty()) return false;
    return utf8::length(text) <= maxChars;
  }

  std::optional<Error> value(const Json& v, Kind kind, const std::string& path) const {
    switch (kind) {
      case Kind::id:
        if (!textWithin(v, limits_.maxIdChars, false)) return invalid(path, "must be a non-empty string of at most " + std::to_string(limits_.maxIdChars) + " characters");
        return std::nullopt;
      case Kind::nullableId:
        if (v.is_null()) return std::nullopt;
        return value(v, Kind::id, path);
      case Kind::text:
        if (!textWithin(v, limits_.maxTextChars, false)) return invalid(path, "must be non-empty text of at most " + std::to_string(limits_.maxTextChars) + " characters");
        return std::nullopt;
      case Kind::optionalText:
        if (!textWithin(v, limits_.maxTextChars, true)) return invalid(path, "must be text of at most " + std::to_string(limits_.maxTextChars) + " characters");
        return std::nullopt;
      case Kind::count: {
        const bool integral = v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ||
                              (v.is_number_float() && v.get<double>() >= 0 && std::floor(v.get<double>()) == v.get<double>() &&
                               v.get<double>() <= kMaxSafeInteger);
        if (!integral || (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxSafeInteger))) {
          return invalid(path, "must be a whole number from 0 to 2^53");
        }
        return std::nullopt;
      }
      case Kind::boolean:
        if (!v.is_boolean()) return invalid(path, "must be true or false");
        return std::nullopt;
      case Kind::stars:
        if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 5) return invalid(path, "must be a whole number from 1 to 5");
        return std::nullopt;
      case Kind::version:
        if (!v.is_number_integer()) return invalid(path, "must be the protocol version number");
        if (v.get<std::int64_t>() != kVersion) {
          return Error{"frame_unsupported_version", "this peer speaks protocol v" + std::to_string(kVersion)};
        }
        return std::nullopt;
      case Kind::author:
        if (!oneOf(v, {"visitor", "bot", "agent", "system"})) return invalid(path, "must be visitor, bot, agent or system");
        return std::nullopt;
      case Kind::tier:
        if (!oneOf(v, {"answer", "suggest", "handoff"})) return invalid(path, "must be answer, suggest or handoff");
        return std::nullopt;
      case Kind::handoffReason:
        if (!oneOf(v, {"visitor", "keyword", "unanswered"})) return invalid(path, "must be visitor, keyword or unanswered");
        return std::nullopt;
      case Kind::endedBy:
        if (!oneOf(v, {"agent", "visitor", "system"})) return invalid(path, "must be agent, visitor or system");
        return std::nullopt;
      case Kind::identity: {
        static const FrameRule rule{"identity", Direction::toServer,
                                    {{"id", Kind::id, false}, {"name", Kind::optionalText, false},
                                     {"email", Kind::optionalText, false}, {"hash", Kind::id, false}}};
        if (!v.is_object()) return invalid(path, "must be an object");
        return fields(v, rule, path + ".");
      }
      case Kind::botTurn: {
        static const FrameRule rule{"bot", Direction::toServer,
                                    {{"tier", Kind::tier, true}, {"faqId", Kind::id, false},
                                     {"answer", Kind::optionalText, false}}};
        if (!v.is_object()) return invalid(path, "must be an object");
        if (auto error = fields(v, rule, path + ".")) return error;
        if (auto candidates = v.find("candidates"); candidates != v.end()) {
          if (!candidates->is_array() || candidates->size() > 10) return invalid(path + ".candidates", "must be an array of at most 10 ids");
          for (const auto& id : *candidates) {
            if (auto error = value(id, Kind::id, path + ".candidates[]")) return error;
          }
        }
        return std::nullopt;
      }
      case Kind::formFields:
        if (!v.is_object() || v.size() > limits_.maxFormFields) return invalid(path, "must be an object of at most " + std::to_string(limits_.maxFormFields) + " text fields");
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (it.key().empty() || it.key().size() > limits_.maxIdChars) return invalid(path, "has a field with an empty or over-long name");
          if (auto error = value(it.value(), Kind::optionalText, path + "." + it.key())) return error;
        }
        return std::nullopt;
      case Kind::messages: {
        if (!v.is_array() || v.size() > limits_.maxResyncMessages) return invalid(path, "must be an array of at most " + std::to_string(limits_.maxResyncMessages) + " messages");
        const FrameRule* msgRule = nullptr;
        for (const auto& rule : kFrameRules) {
          if (std::strcmp(rule.type, "msg") == 0) msgRule = &rule;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string itemPath = path + "[" + std::to_string(i) + "]";
          if (!v[i].is_object()) return invalid(itemPath, "must be an object");
          if (auto error = fields(v[i], *msgRule, itemPath + ".")) return error;
        }
        return std::nullopt;
      }
      case Kind::event: {
        if (!v.is_string()) return invalid(path, "must be a string");
        return std::nullopt;  // the event's own fields are checked by the caller
      }
    }
    return invalid(path, "has an unknown kind");
  }

  const ProtocolLimits& limits_;

 public:
  std::optional<Error> eventFields(const Json& frame) const {
    const auto& name = frame["event"].get_ref<const std::string&>();
    for (const auto& rule : kEventRules) {
      if (name == rule.type) return fields(frame, rule, "");
    }
    return invalid("event", "unknown event \"" + name + "\"");
  }
};

}  // namespace

std::optional<Error> validateFrame(const Json& frame, Direction direction, const ProtocolLimits& limits) {
  Validator validator(limits);
  if (auto error = validator.frame(frame, direction)) return error;
  if (frame["type"] == "event") return validator.eventFields(frame);
  return std::nullopt;
}

namespace {

bool flatTextWithin(const FlatObject::Value& value, std::size_t maxChars, bool allowEmpty) {
  if (value.kind != FlatObject::Kind::string || (!allowEmpty && value.text.empty())) return false;
  return utf8::length(value.text) <= maxChars;
}

bool flatOneOf(const FlatObject::Value& value, std::initializer_list<const char*> allowed) {
  if (value.kind != FlatObject::Kind::string) return false;
  for (const char* option : allowed) {
    if (value.text == option) return true;
  }
  return false;
}

// Mirrors Validator::value for the values a flat object can hold. A flat object holds no
// arrays or objects, so the kinds that need one are never valid here.
bool flatValueValid(const FlatObject::Value& v, Kind kind, const ProtocolLimits& limits) {
  switch (kind) {
    case Kind::id: return flatTextWithin(v, limits.maxIdChars, false);
    case Kind::nullableId: return v.kind == FlatObject::Kind::null || flatTextWithin(v, limits.maxIdChars, false);
    case Kind::text: return flatTextWithin(v, limits.maxTextChars, false);
    case Kind::optionalText: return flatTextWithin(v, limits.maxTextChars, true);
    case Kind::count: return v.kind == FlatObject::Kind::number;  // FlatObject holds only 0..2^53
    case Kind::boolean: return v.kind == FlatObject::Kind::boolean;
    case Kind::stars: return v.kind == FlatObject::Kind::number && v.number >= 1 && v.number <= 5;
    case Kind::version: return v.kind == FlatObject::Kind::number && v.number == static_cast<std::uint64_t>(kVersion);
    case Kind::author: return flatOneOf(v, {"visitor", "bot", "agent", "system"});
    case Kind::tier: return flatOneOf(v, {"answer", "suggest", "handoff"});
    case Kind::handoffReason: return flatOneOf(v, {"visitor", "keyword", "unanswered"});
    case Kind::endedBy: return flatOneOf(v, {"agent", "visitor", "system"});
    case Kind::event: return v.kind == FlatObject::Kind::string;
    case Kind::identity:
    case Kind::botTurn:
    case Kind::formFields:
    case Kind::messages: return false;
  }
  return false;
}

bool flatFieldsValid(const FlatObject& object, const FrameRule& rule, const ProtocolLimits& limits) {
  for (const Field& field : rule.fields) {
    const FlatObject::Value* found = object.find(field.name);
    if (found == nullptr) {
      if (field.required) return false;
      continue;
    }
    if (!flatValueValid(*found, field.kind, limits)) return false;
  }
  return true;
}

}  // namespace

bool isValidFlatFrame(const FlatObject& frame, Direction direction, const ProtocolLimits& limits) {
  const std::string_view* type = frame.string("type");
  if (type == nullptr) return false;
  for (const auto& rule : kFrameRules) {
    if (rule.direction != direction || *type != rule.type) continue;
    if (!flatFieldsValid(frame, rule, limits)) return false;
    if (*type != "event") return true;
    const std::string_view* event = frame.string("event");
    for (const auto& eventRule : kEventRules) {
      if (*event == eventRule.type) return flatFieldsValid(frame, eventRule, limits);
    }
    return false;
  }
  return false;
}

Result<Json> parseFrame(std::string_view text, Direction direction, const ProtocolLimits& limits) {
  auto parsed = parseJsonText(text, JsonLimits{limits.maxFrameBytes, limits.maxDepth}, "frame");
  if (!parsed.ok()) return parsed;
  if (auto error = validateFrame(parsed.value(), direction, limits)) return Result<Json>::failure(*error);
  return parsed;
}

}  // namespace kefu::protocol
