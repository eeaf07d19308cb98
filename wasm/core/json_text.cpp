#include "core/json_text.h"

#include <algorithm>

namespace kefu {

namespace {

std::size_t nestingDepth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;  // whatever is escaped cannot end the string
      } else if (c == '"') {
        inString = false;
      }
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<Json> parseJsonText(std::string_view text, const JsonLimits& limits, const std::string& errorPrefix) {
  if (text.size() > limits.maxBytes) {
    return Result<Json>::failure(errorPrefix + "_too_large", "input is " + std::to_string(text.size()) +
                                                                 " bytes; the limit is " +
                                                                 std::to_string(limits.maxBytes));
  }
  // Depth is measured by a scan before parsing rather than by nlohmann's parser callback:
  // the callback parser was over ten times slower on KB-sized input in wasm. The scan
  // only needs to be right for valid JSON; invalid JSON fails the parse anyway.
  if (nestingDepth(text) > limits.maxDepth) {
    return Result<Json>::failure(errorPrefix + "_too_deep",
                                 "JSON nesting exceeds " + std::to_string(limits.maxDepth) + " levels");
  }
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Result<Json>::failure(errorPrefix + "_invalid_json", "input is not valid JSON (or not valid UTF-8)");
  }
  return Result<Json>::success(std::move(parsed));
}

std::string toJsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kefu
