#pragma once
// The binary index (.kfi): a knowledge base with its trained centroids, so a site can ship
// the index and skip the training on every visitor's device.
//
// Layout, little-endian throughout:
//   "KFI1" magic · u32 format version · u32 payload bytes · u32 CRC-32 of the payload ·
//   payload: ranking parameters and tier thresholds (fixed width); the KB's texts, once,
//   by column (index_codec.cpp: its shape as varint counts, every text's varint length,
//   then every text's UTF-8: ids, questions, similar questions, keywords, categories,
//   answers, synonym words); the vocabulary's
//   size and checksum; the centroid postings in three columns (per listed term: varint
//   term-id gap and count; every entry id as a varint gap; every weight as a zigzag varint
//   of its fixed-point value, faq_index.h).
// Everything else (vocabulary, term weights, the phrasing index) is derived from the texts
// again on load, without training: it would only repeat the texts in a form that
// compresses worse. The vocabulary checksum proves the derivation matches the build.
//
// Decoding checks the checksum before reading anything, and every count against the bytes
// that remain before allocating, so truncated or altered bytes are reported, never read
// past or trusted. Error codes: kb_index_version (another format, or a vocabulary this
// core derives differently: rebuild the index), kb_index_corrupt (anything else: too
// short, not an index, checksum mismatch, sections that do not fit together).
#include <string>
#include <string_view>

#include "base/result.h"
#include "faq/faq_engine.h"

namespace kefu {

// 4: texts by column. 3: texts once, each FAQ's together; derived vocabulary, fixed-point
// centroid weights. 2 stored every array.
constexpr std::uint32_t kIndexFormatVersion = 4;

struct DecodedIndex {
  KnowledgeBase kb;
  FaqIndex index;
  TierThresholds thresholds;
};

// An index's bytes read and checked, before anything is derived from its texts: a caller
// can let go of the bytes here, so they and the derived index never share the memory peak.
struct StoredIndex {
  KnowledgeBase kb;
  RankingParams params;
  TierThresholds thresholds;
  std::uint32_t termCount = 0;
  std::uint32_t vocabularyChecksum = 0;
  // The trained centroids of the terms listed in the file, ascending: centroids.start has
  // one entry per listed term (plus one), until deriveIndex spreads them over every term.
  std::vector<std::uint32_t> centroidTerms;
  Postings centroids;
};

std::string encodeIndex(const FaqEngine& engine);
Result<StoredIndex> readIndex(std::string_view bytes);
// The vocabulary and phrasing index derived from the stored texts, and checked against
// the stored vocabulary.
Result<DecodedIndex> deriveIndex(StoredIndex stored);
Result<DecodedIndex> decodeIndex(std::string_view bytes);

}  // namespace kefu
