#pragma once
// A JSON object whose values are all scalars, read without building a tree. The
// session's commonest inputs (ack and msg frames, send_text events) are such objects,
// and building an nlohmann tree for each was most of the session's cost per event.
//
// It only reads what it can read exactly as parseJsonText would: a non-negative whole
// number up to 2^53, a string without lone surrogates, true/false/null, each key once.
// Anything else (nesting, fractions, signs, exponents, duplicate keys, invalid JSON or
// UTF-8) makes parse() return false, and the caller parses the text the general way, so
// every error and edge case keeps exactly one implementation.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kefu {

class FlatObject {
 public:
  enum class Kind { string, number, boolean, null };
  struct Value {
    Kind kind = Kind::null;
    std::string_view text;     // a string's decoded UTF-8
    std::uint64_t number = 0;  // a number (whole, 0..2^53)
    bool boolean = false;
  };

  // Reuses its buffers across calls; views from an earlier parse are invalid after it.
  bool parse(std::string_view json);

  const Value* find(std::string_view key) const;
  // The field's text if it is a string, else nullptr.
  const std::string_view* string(std::string_view key) const;
  // The field's number if it is one, else `fallback`.
  std::int64_t number(std::string_view key, std::int64_t fallback = 0) const;
  const std::vector<std::pair<std::string_view, Value>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string_view, Value>> fields_;
  // Strings with escapes, decoded. Reserved to the input's size before any is decoded,
  // so the views into it stay valid while it fills.
  std::string decoded_;
};

}  // namespace kefu
