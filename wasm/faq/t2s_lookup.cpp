#include <algorithm>
#include <cstdint>
#include <vector>

#include "faq/t2s_table.h"

namespace kefu::t2s {

namespace {

// Both code points are in the Basic Multilingual Plane (the generator keeps no other), so a
// pair packs into one word, traditional in the high half: sorted words are sorted by
// traditional character, and the sort is the plain integer one the FAQ engine already has.
using PackedPair = std::uint32_t;

std::vector<PackedPair> decodePairs() {
  std::size_t at = 0;
  const auto readVarint = [&at]() {
    std::uint32_t value = 0;
    for (int shift = 0; at < kEncodedBytes; shift += 7) {
      const unsigned char byte = kEncodedPairs[at++];
      value |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) break;
    }
    return value;
  };
  // The table's layout (scripts/gen-t2s-table.mjs): all simplified code points as deltas,
  // then all traditional ones as zig-zag deltas, in the same (simplified) order.
  std::vector<PackedPair> pairs(kPairCount);
  std::uint32_t simplified = 0;
  for (auto& pair : pairs) {
    simplified += readVarint();
    pair = simplified & 0xFFFF;
  }
  std::uint32_t traditional = 0;
  for (auto& pair : pairs) {
    const std::uint32_t zigzag = readVarint();
    traditional = (zigzag & 1) ? traditional - (zigzag + 1) / 2 : traditional + zigzag / 2;
    pair |= (traditional & 0xFFFF) << 16;
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace

char32_t toSimplified(char32_t codePoint) {
  if (codePoint < 0x3400 || codePoint > 0xFAFF) return codePoint;
  // Decoded once, on first use: 2,956 pairs, 12 KB of heap.
  static const std::vector<PackedPair> pairs = decodePairs();
  const auto key = static_cast<PackedPair>(codePoint) << 16;
  auto found = std::lower_bound(pairs.begin(), pairs.end(), key);
  return found != pairs.end() && (*found >> 16) == codePoint ? static_cast<char32_t>(*found & 0xFFFF) : codePoint;
}

}  // namespace kefu::t2s
