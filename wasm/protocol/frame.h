#pragma once
// Wire protocol v1 between the widget and the server: JSON frames, one per WebSocket
// message. Its rules are data, shared/protocol/protocol-v1.rules.json, from which
// frame_rules.cpp and limits.h are generated; docs/protocol.md describes every frame, and
// shared/protocol/fixtures.json holds examples that the C++ tests, the JS tests and the
// reference server all check.
//
// A frame is validated completely before anything reads it: an invalid frame is an
// error value and changes nothing.
#include <cstddef>
#include <optional>
#include <string_view>

#include "base/flat_json.h"
#include "base/json_text.h"
#include "base/result.h"
#include "protocol/limits.h"  // kVersion, ProtocolLimits: generated from the rules file

namespace kefu::protocol {

enum class Direction { toServer, toClient };

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
