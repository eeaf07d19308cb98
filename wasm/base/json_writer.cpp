#include "base/json_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/utf8.h"

namespace kefu {

namespace {

// A well-formed multi-byte sequence starting at `i` stays as it is; a malformed byte
// becomes U+FFFD. Returns the sequence's length (1 for a malformed byte).
std::size_t utf8SequenceAt(std::string_view text, std::size_t i, bool& wellFormed) {
  std::size_t end = i;
  const char32_t cp = utf8::decodeAt(text, end);
  wellFormed = cp != utf8::kReplacement || end != i + 1;
  return end - i;
}

// Printable ASCII other than the quote and the backslash: the one case both passes of
// appendJsonString share, kept in one place so they cannot disagree on the size.
constexpr bool isCopiedAsIs(unsigned char byte) { return byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80; }

}  // namespace

std::size_t jsonStringSize(std::string_view text, bool& plain) {
  // The escaped size first, so the bytes can be written through a pointer into space
  // made once: appending run by run called into std::string for every escape, which was
  // most of the work for records (every key and value is quoted).
  std::size_t size = text.size() + 2;
  plain = true;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (isCopiedAsIs(byte)) {
      ++i;
      continue;
    }
    if (byte >= 0x80) {
      bool wellFormed = true;
      i += utf8SequenceAt(text, i, wellFormed);
      if (!wellFormed) size += 2, plain = false;  // one byte becomes the three of U+FFFD
      continue;
    }
    plain = false;
    size += byte == '"' || byte == '\\' || byte == '\n' || byte == '\r' || byte == '\t' ? 1 : 5;
    ++i;
  }
  return size;
}

char* writeJsonString(char* at, std::string_view text, bool plain) {
  *at++ = '"';
  if (plain) {
    std::memcpy(at, text.data(), text.size());
    at += text.size();
    *at++ = '"';
    return at;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (isCopiedAsIs(byte)) {
      *at++ = static_cast<char>(byte);
      ++i;
      continue;
    }
    if (byte >= 0x80) {
      bool wellFormed = true;
      const std::size_t length = utf8SequenceAt(text, i, wellFormed);
      if (wellFormed) {
        std::memcpy(at, text.data() + i, length);
        at += length;
      } else {
        std::memcpy(at, "\xEF\xBF\xBD", 3);  // a malformed byte
        at += 3;
      }
      i += length;
      continue;
    }
    *at++ = '\\';
    switch (byte) {
      case '"': *at++ = '"'; break;
      case '\\': *at++ = '\\'; break;
      case '\n': *at++ = 'n'; break;
      case '\r': *at++ = 'r'; break;
      case '\t': *at++ = 't'; break;
      default:
        *at++ = 'u';
        *at++ = '0';
        *at++ = '0';
        *at++ = kHex[byte >> 4];
        *at++ = kHex[byte & 0xF];
    }
    ++i;
  }
  *at++ = '"';
  return at;
}

char* extendText(std::string& out, std::size_t size) {
  const std::size_t start = out.size();
  // Grow geometrically: growing to the exact size would copy the whole output again for
  // every piece appended to it.
  if (out.capacity() - start < size) out.reserve(std::max(start + size, 2 * out.capacity()));
  out.resize(start + size);
  return &out[start];
}

void TextBuffer::grow(std::size_t size) {
  const std::size_t capacity = std::max(size_ + size, 2 * capacity_);
  char* data = new char[capacity];
  if (size_ > 0) std::memcpy(data, data_, size_);
  delete[] data_;
  data_ = data;
  capacity_ = capacity;
}

void appendJsonString(std::string& out, std::string_view text) {
  bool plain = true;
  const std::size_t size = jsonStringSize(text, plain);
  writeJsonString(extendText(out, size), text, plain);
}

void appendJsonNumber(std::string& out, double value) {
  // Fixed point with six decimals, trailing zeros trimmed: enough for scores and
  // timings, and it keeps printf's floating-point formatter out of the wasm.
  if (!std::isfinite(value) || std::fabs(value) >= 1e15) {
    out += std::isfinite(value) ? (value < 0 ? "-1e15" : "1e15") : "null";
    return;
  }
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  const auto scaled = static_cast<unsigned long long>(std::llround(value * 1e6));
  out += std::to_string(scaled / 1000000);
  unsigned long long fraction = scaled % 1000000;
  if (fraction == 0) return;
  char digits[7] = "000000";
  for (int i = 5; i >= 0; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
  int length = 6;
  while (length > 0 && digits[length - 1] == '0') --length;
  out.push_back('.');
  out.append(digits, static_cast<std::size_t>(length));
}

}  // namespace kefu
