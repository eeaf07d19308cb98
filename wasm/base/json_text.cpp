#include "base/json_text.h"

#include <algorithm>

#include "base/json_writer.h"

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

namespace {

// nlohmann's serializer escapes one character at a time; appendJsonString copies runs
// of plain bytes instead. Same text up to escape spelling. (The session's common records
// and its effects skip the tree altogether: see session.cpp's ObjectWriter.)
void appendJsonValue(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        appendJsonString(out, it.key());
        out.push_back(':');
        appendJsonValue(out, it.value());
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out.push_back(',');
        first = false;
        appendJsonValue(out, item);
      }
      out.push_back(']');
      return;
    }
    case Json::value_t::string: appendJsonString(out, value.get_ref<const std::string&>()); return;
    case Json::value_t::number_integer: out += std::to_string(value.get<std::int64_t>()); return;
    case Json::value_t::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); return;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case Json::value_t::null:
    case Json::value_t::discarded: out += "null"; return;
    default: out += value.dump(-1, ' ', false, Json::error_handler_t::replace); return;  // floats, binary
  }
}

}  // namespace

std::string toJsonText(const Json& value) {
  std::string out;
  appendJsonValue(out, value);
  return out;
}

}  // namespace kefu
