#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::utf8 {

constexpr char32_t kReplacement = 0xFFFD;

// Malformed sequences decode to U+FFFD, one per bad byte, so any byte string is safe.
std::vector<char32_t> decode(std::string_view text);
// The code point at `pos`, advancing `pos` past it (by one byte if malformed).
char32_t decodeAt(std::string_view text, std::size_t& pos);
void append(std::string& out, char32_t codePoint);
std::string encode(const std::vector<char32_t>& codePoints);
// Length in code points, the unit our text limits are stated in.
std::size_t length(std::string_view text);

}  // namespace kefu::utf8
