#pragma once
// Wire protocol v1 between the widget and the server: JSON frames, one per WebSocket
// message. docs/protocol.md describes every frame; shared/protocol/fixtures.json holds
// examples that the C++ tests, the JS tests and the reference server all check.
//
// A frame is validated completely before anything reads it: an invalid frame is an
// error value and changes nothing.
#include <cstddef>
#include <optional>
#include <string_view>

#include "base/flat_json.h"
#include "base/json_text.h"
#include "base/result.h"

namespace kefu::protocol {

constexpr int kVersion = 1;

enum class Direction { toServer, toClient };

struct ProtocolLimits {
  std::size_t maxFrameBytes = 64u << 10;
  std::size_t maxTextChars = 4000;  // visitor and agent text; configurable per site
  std::size_t maxDepth = 32;
  std::size_t maxIdChars = 128;          // cmid, serverId, tokens, ids
  std::size_t maxResyncMessages = 500;   // one resync page
  std::size_t maxFormFields = 20;
};

// Error codes: frame_too_large, frame_too_deep, frame_invalid_json, frame_invalid,
// frame_unknown_type, frame_unsupported_version. The message names the field.
Result<Json> parseFrame(std::string_view text, Direction direction, const ProtocolLimits& limits);

// For frames built in code: the same checks without the text stage.
std::optional<Error> validateFrame(const Json& frame, Direction direction, const ProtocolLimits& limits);

// The hot path for frames that are flat objects (ack, msg, most events): true exactly when
// validateFrame would accept the same frame parsed in full. It says nothing about why a
// frame is invalid: the caller then takes parseFrame's path, which does.
bool isValidFlatFrame(const FlatObject& frame, Direction direction, const ProtocolLimits& limits);

}  // namespace kefu::protocol
