#include <algorithm>
#include <utility>
#include <vector>

#include "faq/t2s_table.h"

namespace kefu::t2s {

namespace {

using Pair = std::pair<char32_t, char32_t>;

std::vector<Pair> decodePairs() {
  std::vector<Pair> pairs;
  pairs.reserve(kPairCount);
  std::size_t at = 0;
  const auto readVarint = [&at]() {
    char32_t value = 0;
    for (int shift = 0; at < kEncodedBytes; shift += 7) {
      const unsigned char byte = kEncodedPairs[at++];
      value |= static_cast<char32_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) break;
    }
    return value;
  };
  char32_t traditional = 0;
  while (at < kEncodedBytes) {
    traditional += readVarint();
    const char32_t zigzag = readVarint();
    const char32_t simplified = (zigzag & 1) ? traditional - (zigzag + 1) / 2 : traditional + zigzag / 2;
    pairs.emplace_back(traditional, simplified);
  }
  return pairs;
}

}  // namespace

char32_t toSimplified(char32_t codePoint) {
  if (codePoint < 0x3400 || codePoint > 0xFAFF) return codePoint;
  // Decoded once, on first use: 2,956 pairs, 24 KB of heap.
  static const std::vector<Pair> pairs = decodePairs();
  auto found = std::lower_bound(pairs.begin(), pairs.end(), codePoint,
                                [](const Pair& pair, char32_t value) { return pair.first < value; });
  return found != pairs.end() && found->first == codePoint ? found->second : codePoint;
}

}  // namespace kefu::t2s
