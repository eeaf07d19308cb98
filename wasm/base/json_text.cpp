#include "base/json_text.h"

#include <algorithm>

#include "base/json_writer.h"
#include "base/utf8.h"

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

// nlohmann's DOM builder, plus where the text stopped being JSON: the line and the column
// in characters (nlohmann counts bytes, which is off on a Chinese line) for a person
// fixing a KB in an editor. Replacing the builder Json::parse uses, rather than adding a
// second parse on failure, keeps one instance of the parser in the wasm.
class PositionedDomParser final : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit PositionedDomParser(Json& result) : json_sax_dom_parser(result, /*allow_exceptions=*/false) {}

  bool parse_error(std::size_t position, const std::string& lastToken, const nlohmann::detail::exception& error) {
    position_ = position;
    what_ = error.what();
    return json_sax_dom_parser::parse_error(position, lastToken, error);
  }

  // "line 3, column 1: syntax error while parsing value - unexpected ']'; …".
  std::string describeError(std::string_view text) const {
    // `position_` counts the bytes read, up to the end of the token that broke the JSON;
    // the place shown is that last byte's, as nlohmann's own message does.
    const std::size_t at = std::min(position_ > 0 ? position_ - 1 : 0, text.size());
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
    const std::size_t lineStart = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
    const std::size_t from = lineStart == std::string_view::npos ? 0 : lineStart + 1;
    const std::size_t column = 1 + utf8::length(text.substr(from, at - from));
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error …".
    const std::size_t detail = what_.find(": ");
    return "line " + std::to_string(line) + ", column " + std::to_string(column) +
           (detail == std::string::npos ? std::string() : what_.substr(detail));
  }

 private:
  std::size_t position_ = 0;
  std::string what_;
};

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
  Json parsed;
  PositionedDomParser builder(parsed);
  if (!Json::sax_parse(text.begin(), text.end(), &builder) || builder.is_errored()) {
    return Result<Json>::failure(errorPrefix + "_invalid_json", builder.describeError(text));
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
