#include "base/crc32.h"

#include <cstddef>

namespace kefu {

namespace {

using Tables = std::uint32_t[4][256];

// Filled on first use rather than by a constant initializer: the optimizer folds a
// constant one into 4 KB of data that the wasm download carries (about as large
// gzipped), while filling the tables takes a few microseconds.
const Tables& slicingTables() {
  static Tables tables;
  static bool filled = false;
  if (!filled) {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      tables[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i) {
      for (std::size_t slice = 1; slice < 4; ++slice) tables[slice][i] = (tables[slice - 1][i] >> 8) ^ tables[0][tables[slice - 1][i] & 0xFF];
    }
    filled = true;
  }
  return tables;
}

}  // namespace

// Slicing-by-4: four table lookups per four bytes instead of one per byte, which makes
// checking a multi-megabyte index a small part of loading it.
std::uint32_t crc32(std::string_view bytes) {
  const Tables& tables = slicingTables();
  std::uint32_t crc = 0xFFFFFFFFu;
  std::size_t at = 0;
  const auto byteAt = [&bytes](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  for (; at + 4 <= bytes.size(); at += 4) {
    crc ^= byteAt(at) | (byteAt(at + 1) << 8) | (byteAt(at + 2) << 16) | (byteAt(at + 3) << 24);
    crc = tables[3][crc & 0xFF] ^ tables[2][(crc >> 8) & 0xFF] ^ tables[1][(crc >> 16) & 0xFF] ^ tables[0][crc >> 24];
  }
  for (; at < bytes.size(); ++at) crc = tables[0][(crc ^ byteAt(at)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace kefu
