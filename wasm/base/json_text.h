#pragma once
// The one way the core reads and writes JSON text. nlohmann/json aborts the process
// on any throw when exceptions are off, so parsing goes through the non-throwing
// entry point with our own size and depth limits, and dumping replaces invalid UTF-8
// instead of throwing.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace kefu {

using Json = nlohmann::json;

struct JsonLimits {
  std::size_t maxBytes;
  std::size_t maxDepth;
};

// `errorPrefix` names the input kind in error codes: "kb" gives "kb_invalid_json",
// "kb_too_large", "kb_too_deep".
Result<Json> parseJsonText(std::string_view text, const JsonLimits& limits, const std::string& errorPrefix);

std::string toJsonText(const Json& value);

}  // namespace kefu
