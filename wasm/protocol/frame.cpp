#include "protocol/frame.h"

#include <cmath>
#include <string>

#include "base/utf8.h"
#include "protocol/frame_rules.h"

namespace kefu::protocol {

namespace {

using rules::Choice;
using rules::Field;
using rules::Fields;
using rules::FrameRule;
using rules::Kind;

constexpr double kMaxSafeInteger = 9007199254740991.0;

bool isChoice(std::string_view text, const Choice& choice) {
  for (const char* option : choice) {
    if (text == option) return true;
  }
  return false;
}

// "must be a, b or c"
std::string choiceProblem(const Choice& choice) {
  std::string problem = "must be ";
  for (std::size_t i = 0; i < choice.count; ++i) {
    if (i > 0) problem += i + 1 == choice.count ? " or " : ", ";
    problem += choice.options[i];
  }
  return problem;
}

const FrameRule* findRule(const FrameRule* rules, std::size_t count, std::string_view type, Direction direction) {
  for (std::size_t i = 0; i < count; ++i) {
    if (rules[i].direction == direction && type == rules[i].type) return &rules[i];
  }
  return nullptr;
}

const FrameRule* findFrameRule(std::string_view type, Direction direction) {
  return findRule(rules::kFrameRules, rules::kFrameRuleCount, type, direction);
}

const FrameRule* findEventRule(std::string_view event) {
  return findRule(rules::kEventRules, rules::kEventRuleCount, event, Direction::toClient);
}

class Validator {
 public:
  explicit Validator(const ProtocolLimits& limits) : limits_(limits) {}

  std::optional<Error> frame(const Json& frame, Direction direction) const {
    if (!frame.is_object()) return invalid("frame", "must be a JSON object");
    auto type = frame.find("type");
    if (type == frame.end() || !type->is_string()) return invalid("type", "must be a string");
    const auto& name = type->get_ref<const std::string&>();
    if (const FrameRule* rule = findFrameRule(name, direction)) return fields(frame, rule->fields, "");
    return Error{"frame_unknown_type", "no " + std::string(direction == Direction::toServer ? "client" : "server") +
                                           " frame has type \"" + name + "\""};
  }

 private:
  static Error invalid(const std::string& path, const std::string& problem) {
    return Error{"frame_invalid", path + ": " + problem};
  }

  std::optional<Error> fields(const Json& object, const Fields& rule, const std::string& prefix) const {
    for (const Field& field : rule) {
      auto found = object.find(field.name);
      const std::string path = prefix + field.name;
      if (found == object.end()) {
        if (field.required) return invalid(path, "is required");
        continue;
      }
      if (auto error = value(*found, field, path)) return error;
    }
    return std::nullopt;
  }

  bool textWithin(const Json& value, std::size_t maxChars, bool allowEmpty) const {
    if (!value.is_string()) return false;
    const auto& text = value.get_ref<const std::string&>();
    if (!allowEmpty && text.empty()) return false;
    return utf8::length(text) <= maxChars;
  }

  std::optional<Error> id(const Json& v, const std::string& path) const {
    if (!textWithin(v, limits_.maxIdChars, false)) return invalid(path, "must be a non-empty string of at most " + std::to_string(limits_.maxIdChars) + " characters");
    return std::nullopt;
  }

  std::optional<Error> optionalText(const Json& v, const std::string& path) const {
    if (!textWithin(v, limits_.maxTextChars, true)) return invalid(path, "must be text of at most " + std::to_string(limits_.maxTextChars) + " characters");
    return std::nullopt;
  }

  std::optional<Error> value(const Json& v, const Field& field, const std::string& path) const {
    switch (field.kind) {
      case Kind::id:
        return id(v, path);
      case Kind::nullableId:
        if (v.is_null()) return std::nullopt;
        return id(v, path);
      case Kind::text:
        if (!textWithin(v, limits_.maxTextChars, false)) return invalid(path, "must be non-empty text of at most " + std::to_string(limits_.maxTextChars) + " characters");
        return std::nullopt;
      case Kind::optionalText:
        return optionalText(v, path);
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
      case Kind::choice: {
        const Choice& choice = rules::kChoices[field.arg];
        if (!v.is_string() || !isChoice(v.get_ref<const std::string&>(), choice)) return invalid(path, choiceProblem(choice));
        return std::nullopt;
      }
      case Kind::object:
        if (!v.is_object()) return invalid(path, "must be an object");
        return fields(v, rules::kObjects[field.arg], path + ".");
      case Kind::idList:
        if (!v.is_array() || v.size() > field.arg) return invalid(path, "must be an array of at most " + std::to_string(field.arg) + " ids");
        for (const auto& item : v) {
          if (auto error = id(item, path + "[]")) return error;
        }
        return std::nullopt;
      case Kind::textFields:
        if (!v.is_object() || v.size() > limits_.maxFormFields) return invalid(path, "must be an object of at most " + std::to_string(limits_.maxFormFields) + " text fields");
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (it.key().empty() || it.key().size() > limits_.maxIdChars) return invalid(path, "has a field with an empty or over-long name");
          if (auto error = optionalText(it.value(), path + "." + it.key())) return error;
        }
        return std::nullopt;
      case Kind::messages: {
        if (!v.is_array() || v.size() > limits_.maxResyncMessages) return invalid(path, "must be an array of at most " + std::to_string(limits_.maxResyncMessages) + " messages");
        const Fields& itemFields = rules::kFrameRules[field.arg].fields;
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string itemPath = path + "[" + std::to_string(i) + "]";
          if (!v[i].is_object()) return invalid(itemPath, "must be an object");
          if (auto error = fields(v[i], itemFields, itemPath + ".")) return error;
        }
        return std::nullopt;
      }
      case Kind::eventName:
        if (!v.is_string()) return invalid(path, "must be a string");
        return std::nullopt;  // the event's own fields are checked by the caller
    }
    return invalid(path, "has an unknown kind");
  }

  const ProtocolLimits& limits_;

 public:
  std::optional<Error> eventFields(const Json& frame) const {
    const auto& name = frame["event"].get_ref<const std::string&>();
    if (const FrameRule* rule = findEventRule(name)) return fields(frame, rule->fields, "");
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

// Mirrors Validator::value for the values a flat object can hold. A flat object holds no
// arrays or objects, so the kinds that need one are never valid here.
bool flatValueValid(const FlatObject::Value& v, const Field& field, const ProtocolLimits& limits) {
  switch (field.kind) {
    case Kind::id: return flatTextWithin(v, limits.maxIdChars, false);
    case Kind::nullableId: return v.kind == FlatObject::Kind::null || flatTextWithin(v, limits.maxIdChars, false);
    case Kind::text: return flatTextWithin(v, limits.maxTextChars, false);
    case Kind::optionalText: return flatTextWithin(v, limits.maxTextChars, true);
    case Kind::count: return v.kind == FlatObject::Kind::number;  // FlatObject holds only 0..2^53
    case Kind::boolean: return v.kind == FlatObject::Kind::boolean;
    case Kind::stars: return v.kind == FlatObject::Kind::number && v.number >= 1 && v.number <= 5;
    case Kind::version: return v.kind == FlatObject::Kind::number && v.number == static_cast<std::uint64_t>(kVersion);
    case Kind::choice: return v.kind == FlatObject::Kind::string && isChoice(v.text, rules::kChoices[field.arg]);
    case Kind::eventName: return v.kind == FlatObject::Kind::string;
    case Kind::object:
    case Kind::idList:
    case Kind::textFields:
    case Kind::messages: return false;
  }
  return false;
}

bool flatFieldsValid(const FlatObject& object, const Fields& rule, const ProtocolLimits& limits) {
  for (const Field& field : rule) {
    const FlatObject::Value* found = object.find(field.name);
    if (found == nullptr) {
      if (field.required) return false;
      continue;
    }
    if (!flatValueValid(*found, field, limits)) return false;
  }
  return true;
}

}  // namespace

bool isValidFlatFrame(const FlatObject& frame, Direction direction, const ProtocolLimits& limits) {
  const std::string_view* type = frame.string("type");
  if (type == nullptr) return false;
  const FrameRule* rule = findFrameRule(*type, direction);
  if (rule == nullptr || !flatFieldsValid(frame, rule->fields, limits)) return false;
  if (*type != "event") return true;
  const FrameRule* eventRule = findEventRule(*frame.string("event"));
  return eventRule != nullptr && flatFieldsValid(frame, eventRule->fields, limits);
}

Result<Json> parseFrame(std::string_view text, Direction direction, const ProtocolLimits& limits) {
  auto parsed = parseJsonText(text, JsonLimits{limits.maxFrameBytes, limits.maxDepth}, "frame");
  if (!parsed.ok()) return parsed;
  if (auto error = validateFrame(parsed.value(), direction, limits)) return Result<Json>::failure(*error);
  return parsed;
}

}  // namespace kefu::protocol
