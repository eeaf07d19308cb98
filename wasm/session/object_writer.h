#pragma once
// Writes JSON objects member by member, straight into a text buffer: the session's
// records, frames and notices are written for every event, and building an nlohmann tree
// for each cost more than the session's own work.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/json_writer.h"

namespace kefu::session {

// `value` in decimal, written at the end of `digits`; returns the text.
inline std::string_view integerText(std::int64_t value, char (&digits)[24]) {
  char* end = digits + sizeof digits;
  char* at = end;
  const bool negative = value < 0;
  // Negated as unsigned, so INT64_MIN does not overflow.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  do {
    *--at = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) *--at = '-';
  return std::string_view(at, static_cast<std::size_t>(end - at));
}

// A member's key: a string literal, whose length is known where it is written.
struct Key {
  template <std::size_t N>
  constexpr Key(const char (&key)[N]) : text(key), size(N - 1) {}  // NOLINT: literals convert implicitly
  const char* text;
  std::size_t size;
};

// Callers give the keys in sorted order: nlohmann's objects sort them, so every record
// and effect written before the session wrote text directly had that order, and still
// has it.
//
// Each member (`,"key":` and its value) is written through a pointer into space made
// with one call: appending a member piece by piece was a seventh of the session's time
// when the session was compiled for size, where std::string's small member functions are
// calls.
template <typename Out>  // std::string or TextBuffer
class ObjectWriter {
 public:
  explicit ObjectWriter(Out& out) : out_(out) { out_.push_back('{'); }
  ~ObjectWriter() { out_.push_back('}'); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  ObjectWriter& string(Key key, std::string_view value) {
    bool plain = true;
    const std::size_t size = jsonStringSize(value, plain);
    writeJsonString(member(key, size), value, plain);
    return *this;
  }
  ObjectWriter& integer(Key key, std::int64_t value) {
    char digits[24];
    return json(key, integerText(value, digits));
  }
  ObjectWriter& boolean(Key key, bool value) { return json(key, value ? "true" : "false"); }
  // A value that is JSON text already.
  ObjectWriter& json(Key key, std::string_view value) {
    std::memcpy(member(key, value.size()), value.data(), value.size());
    return *this;
  }
  // Opens the value of `key`; the caller writes it next.
  Out& open(Key key) {
    member(key, 0);
    return out_;
  }

 private:
  // Writes `,"key":` with room for a value of `valueSize` bytes after it; returns where
  // the value goes.
  char* member(Key key, std::size_t valueSize) {
    char* at = extendText(out_, (first_ ? 0 : 1) + key.size + 3 + valueSize);
    if (!first_) *at++ = ',';
    first_ = false;
    *at++ = '"';
    std::memcpy(at, key.text, key.size);
    at += key.size;
    *at++ = '"';
    *at++ = ':';
    return at;
  }
  Out& out_;
  bool first_ = true;
};

}  // namespace kefu::session
