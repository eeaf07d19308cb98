#include "core/json_text.h"

namespace kefu {

Result<Json> parseJsonText(std::string_view text, const JsonLimits& limits, const std::string& errorPrefix) {
  if (text.size() > limits.maxBytes) {
    return Result<Json>::failure(errorPrefix + "_too_large", "input is " + std::to_string(text.size()) +
                                                                 " bytes; the limit is " +
                                                                 std::to_string(limits.maxBytes));
  }
  bool tooDeep = false;
  // The parser itself is iterative, so depth cannot overflow our stack; the limit
  // protects whoever walks the tree afterwards and rejects hostile input early.
  Json::parser_callback_t depthGuard = [&](int depth, Json::parse_event_t, Json&) {
    if (static_cast<std::size_t>(depth) > limits.maxDepth) tooDeep = true;
    return !tooDeep;
  };
  Json parsed = Json::parse(text.begin(), text.end(), depthGuard, /*allow_exceptions=*/false);
  if (tooDeep) {
    return Result<Json>::failure(errorPrefix + "_too_deep",
                                 "JSON nesting exceeds " + std::to_string(limits.maxDepth) + " levels");
  }
  if (parsed.is_discarded()) {
    return Result<Json>::failure(errorPrefix + "_invalid_json", "input is not valid JSON (or not valid UTF-8)");
  }
  return Result<Json>::success(std::move(parsed));
}

std::string toJsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kefu
