#pragma once
// The shapes of protocol v1's rule tables. The tables themselves are generated from
// shared/protocol/protocol-v1.rules.json into frame_rules.cpp (scripts/gen-protocol.mjs),
// so the core, the server and the JSON Schema read one source; frame.cpp interprets them.
#include <cstddef>

#include "protocol/frame.h"

namespace kefu::protocol::rules {

// A value type of the rules file. Enums and objects are data (kChoices, kObjects); the
// other types each have their own check in frame.cpp.
enum class Kind : unsigned char {
  id,            // non-empty string, at most maxIdChars
  nullableId,    // null or id
  text,          // non-empty string, at most maxTextChars
  optionalText,  // string (may be empty), at most maxTextChars
  count,         // integer >= 0 (JSON numbers are doubles in JS: at most 2^53 - 1)
  boolean,
  stars,         // integer 1..5
  version,       // kVersion
  choice,        // one of kChoices[Field::arg]
  object,        // an object holding kObjects[Field::arg]
  idList,        // an array of at most Field::arg ids
  textFields,    // an object of at most maxFormFields optionalText values
  messages,      // an array of at most maxResyncMessages objects holding kFrameRules[Field::arg]'s fields
  eventName,     // a string; the event's own fields are kEventRules'
};

struct Field {
  const char* name;
  Kind kind;
  bool required;
  unsigned char arg;  // what the kind needs: see Kind
};

struct Fields {
  const Field* first;
  std::size_t count;
  const Field* begin() const { return first; }
  const Field* end() const { return first + count; }
};

struct FrameRule {
  const char* type;  // the frame's "type", or the event's "event"
  Direction direction;
  Fields fields;
};

struct Choice {
  const char* const* options;
  std::size_t count;
  const char* const* begin() const { return options; }
  const char* const* end() const { return options + count; }
};

extern const FrameRule kFrameRules[];
extern const std::size_t kFrameRuleCount;
extern const FrameRule kEventRules[];  // per-event fields of {"type":"event"} frames
extern const std::size_t kEventRuleCount;
extern const Fields kObjects[];
extern const Choice kChoices[];

}  // namespace kefu::protocol::rules
