#pragma once
// Traditional→simplified Chinese, character by character (see scripts/gen-t2s-table.mjs).
#include <cstddef>

namespace kefu::t2s {

extern const std::size_t kPairCount;
extern const unsigned char kEncodedPairs[];
extern const std::size_t kEncodedBytes;

// The simplified form of a traditional character, or the character itself.
char32_t toSimplified(char32_t codePoint);

}  // namespace kefu::t2s
