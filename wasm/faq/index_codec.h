#pragma once
// The binary index (.kfi): a knowledge base with its built FaqIndex, so a site can ship
// the index and skip tokenizing and training on every visitor's device.
//
// Layout, little-endian throughout:
//   "KFI1" magic · u32 format version · u32 payload bytes · u32 CRC-32 of the payload ·
//   payload (ranking parameters, tier thresholds, KB entries, vocabulary, term weights,
//   the phrasing and centroid postings).
// Decoding checks every length against the bytes that remain before allocating, and the
// checksum before reading anything, so truncated or altered bytes are reported, never
// read past or trusted.
#include <string>
#include <string_view>

#include "base/crc32.h"
#include "base/result.h"
#include "faq/faq_engine.h"

namespace kefu {

constexpr std::uint32_t kIndexFormatVersion = 2;

struct DecodedIndex {
  KnowledgeBase kb;
  FaqIndex index;
  TierThresholds thresholds;
};

std::string encodeIndex(const FaqEngine& engine);
// Error codes: index_truncated, index_bad_magic, index_unsupported_version,
// index_checksum_mismatch, index_corrupt.
Result<DecodedIndex> decodeIndex(std::string_view bytes);

}  // namespace kefu
