#pragma once
// Appends JSON text directly, for the hot replies (match, suggest, the session's records
// and effects) where building an nlohmann::json tree cost more than the work itself.
// Strings are escaped and any
// invalid UTF-8 becomes U+FFFD, as toJsonText does.
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>
#include <string_view>

namespace kefu {

// Text written a piece at a time, for the session's records and effects, which are
// written for every event and kept from event to event. Growing a std::string for each
// piece (resize, which zero-fills, and its helpers) went through libc++'s out-of-line
// members, a tenth of the session's time even compiled -O2; here making room is a
// compare and an add, inline.
class TextBuffer {
 public:
  TextBuffer() = default;
  TextBuffer(const TextBuffer& other) { append(other.view()); }
  TextBuffer(TextBuffer&& other) noexcept { swap(other); }
  TextBuffer& operator=(TextBuffer other) noexcept {
    swap(other);
    return *this;
  }
  ~TextBuffer() { delete[] data_; }

  // Makes `size` more bytes at the end and returns where they start.
  char* extend(std::size_t size) {
    if (capacity_ - size_ < size) grow(size);
    char* at = data_ + size_;
    size_ += size;
    return at;
  }
  void push_back(char c) { *extend(1) = c; }
  void append(std::string_view text) {
    if (!text.empty()) std::memcpy(extend(text.size()), text.data(), text.size());
  }
  TextBuffer& operator+=(std::string_view text) {
    append(text);
    return *this;
  }
  TextBuffer& operator+=(const TextBuffer& other) {
    append(other.view());
    return *this;
  }
  void clear() { size_ = 0; }  // keeps the space
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::string_view view() const { return std::string_view(data_, size_); }

 private:
  void grow(std::size_t size);  // geometrically, so appending stays linear
  void swap(TextBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

void appendJsonString(std::string& out, std::string_view text);
// appendJsonString in parts, for writers that put a string and what surrounds it in
// one piece of space: the quoted, escaped size (`plain`: nothing to escape or replace),
// and writing it at `at`, which returns the end.
std::size_t jsonStringSize(std::string_view text, bool& plain);
char* writeJsonString(char* at, std::string_view text, bool plain);
// Makes `size` more bytes at the end of `out` (growing geometrically) and returns where
// they start.
char* extendText(std::string& out, std::size_t size);
inline char* extendText(TextBuffer& out, std::size_t size) { return out.extend(size); }
void appendJsonNumber(std::string& out, double value);

}  // namespace kefu
