#include "faq/index_codec.h"

#include <array>
#include <cmath>
#include <cstring>

#include "base/crc32.h"

namespace kefu {

namespace {

constexpr char kMagic[4] = {'K', 'F', 'I', '1'};
constexpr std::size_t kHeaderBytes = 16;

class Writer {
 public:
  void u32(std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) out_.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
  void f32(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    u32(bits);
  }
  void f64(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    u32(static_cast<std::uint32_t>(bits));
    u32(static_cast<std::uint32_t>(bits >> 32));
  }
  // LEB128: seven bits a byte, low first; most counts, gaps and lengths take one byte.
  void varint(std::uint32_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7F) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void zigzag(std::int32_t value) {
    varint((static_cast<std::uint32_t>(value) << 1) ^ static_cast<std::uint32_t>(value >> 31));
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool failed() const { return failed_; }

  std::uint32_t u32() {
    if (!need(4)) return 0;
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    at_ += 4;
    return value;
  }
  float f32() {
    const std::uint32_t bits = u32();
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  double f64() {
    const std::uint64_t low = u32();
    const std::uint64_t high = u32();
    const std::uint64_t bits = low | (high << 32);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  std::uint32_t varint() {
    std::uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!need(1)) return 0;
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      if (shift == 28 && byte > 0x0F) break;  // more than 32 bits
      value |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    failed_ = true;
    return 0;
  }
  std::int32_t zigzag() {
    const std::uint32_t value = varint();
    return static_cast<std::int32_t>((value >> 1) ^ (0u - (value & 1u)));
  }
  // A count is believed only if that many items of at least minBytes each could follow.
  std::uint32_t count(std::size_t minBytes) {
    const std::uint32_t value = varint();
    if (!failed_ && static_cast<std::uint64_t>(value) * minBytes > bytes_.size() - at_) failed_ = true;
    return failed_ ? 0 : value;
  }
  // `size` bytes as a text (the caller has checked they are there).
  std::string bytes(std::size_t size) {
    if (!need(size)) return {};
    std::string value(bytes_.substr(at_, size));
    at_ += size;
    return value;
  }
  bool atEnd() const { return at_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - at_; }

 private:
  bool need(std::size_t size) {
    if (failed_ || size > bytes_.size() - at_) failed_ = true;
    return !failed_;
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
  bool failed_ = false;
};

// The parameters in their stored order: one list, so writing and reading agree.
std::array<float*, 13> floatParams(RankingParams& p) {
  return {&p.nearestVariantShare, &p.cjkUnigramWeight,    &p.cjkBigramWeight, &p.wordWeight,
          &p.wordPairWeight,      &p.wordGramWeight,      &p.answerWeight,    &p.keywordWeight,
          &p.trainingRate,        &p.trainingTemperature, &p.lengthNormPower, &p.centroidMinImpact,
          &p.variantIndexMaxTermShare};
}
std::array<int*, 3> intParams(RankingParams& p) {
  return {&p.trainingEpochs, &p.trainingPhrasingVisits, &p.trainingPostingsPerPhrasing};
}

void writeParams(Writer& w, RankingParams p) {
  for (const float* field : floatParams(p)) w.f32(*field);
  for (const int* field : intParams(p)) w.u32(static_cast<std::uint32_t>(*field));
}

bool readParams(Reader& r, RankingParams& p) {
  bool finite = true;
  for (float* field : floatParams(p)) finite = std::isfinite(*field = r.f32()) && finite;
  for (int* field : intParams(p)) *field = static_cast<int>(r.u32());
  return finite;
}

void writeCentroids(Writer& w, const Postings& postings) {
  std::uint32_t listed = 0;
  for (std::size_t term = 0; term + 1 < postings.start.size(); ++term) listed += postings.start[term + 1] > postings.start[term];
  w.varint(listed);
  std::uint32_t nextTerm = 0;
  for (std::uint32_t term = 0; term + 1 < postings.start.size(); ++term) {
    const std::uint32_t size = postings.start[term + 1] - postings.start[term];
    if (size == 0) continue;
    w.varint(term - nextTerm);
    w.varint(size);
    nextTerm = term + 1;
  }
  for (std::uint32_t term = 0; term + 1 < postings.start.size(); ++term) {
    std::uint32_t nextId = 0;
    for (std::uint32_t p = postings.start[term]; p < postings.start[term + 1]; ++p) {
      w.varint(postings.ids[p] - nextId);  // ids ascend within a list
      nextId = postings.ids[p] + 1;
    }
  }
  for (float weight : postings.weights) w.zigzag(static_cast<std::int32_t>(std::lrint(weight / kCentroidWeightStep)));
}

// The centroid postings of the terms that have any (StoredIndex::centroidTerms), with
// ids below idLimit, or failure. Their term ids are checked against termCount, but no
// array is sized by it: the count is only believed once the texts give the same.
bool readCentroids(Reader& r, std::uint32_t termCount, std::size_t idLimit, StoredIndex& stored) {
  const std::uint32_t listed = r.count(2);
  if (listed > termCount) return false;
  Postings& postings = stored.centroids;
  stored.centroidTerms.resize(listed);
  postings.start.assign(static_cast<std::size_t>(listed) + 1, 0);
  std::uint64_t total = 0;
  std::uint64_t term = 0;
  for (std::uint32_t i = 0; i < listed && !r.failed(); ++i) {
    term += r.varint();
    const std::uint32_t size = r.varint();
    if (term >= termCount || size == 0 || size > idLimit) return false;
    stored.centroidTerms[i] = static_cast<std::uint32_t>(term);
    total += size;
    postings.start[i + 1] = static_cast<std::uint32_t>(total);  // below 2^32: at most 2^32 terms of at most idLimit
    ++term;
  }
  // Each posting takes at least two bytes (its id gap, its weight): lists longer than the
  // bytes left are a lie, found before anything is allocated for them.
  if (r.failed() || total * 2 > r.remaining()) return false;
  postings.ids.resize(static_cast<std::size_t>(total));  // fits: bounded by the bytes just above
  postings.weights.resize(static_cast<std::size_t>(total));
  for (std::size_t i = 0; i < listed && !r.failed(); ++i) {
    std::uint64_t nextId = 0;
    for (std::uint32_t p = postings.start[i]; p < postings.start[i + 1]; ++p) {
      const std::uint64_t id = nextId + r.varint();
      if (r.failed() || id >= idLimit) return false;
      postings.ids[p] = static_cast<std::uint32_t>(id);
      nextId = id + 1;
    }
  }
  for (float& weight : postings.weights) weight = static_cast<float>(r.zigzag()) * kCentroidWeightStep;
  return !r.failed();
}

// Every text of a KB by column, in the order the index stores them: ids, standard
// questions, similar questions, keywords, categories, answers, synonym words. Texts of a
// kind side by side compress better than each FAQ's texts together (brotli finds the
// repeats between a FAQ's id, question and phrasings, and answers sit with answers);
// one list, so writing and reading agree.
template <typename Kb, typename Visit>
void forEachTextByColumn(Kb& kb, Visit visit) {
  for (auto& entry : kb.entries) visit(entry.id);
  for (auto& entry : kb.entries) visit(entry.question);
  for (auto& entry : kb.entries) {
    for (auto& similar : entry.similar) visit(similar);
  }
  for (auto& entry : kb.entries) {
    for (auto& keyword : entry.keywords) visit(keyword);
  }
  for (auto& entry : kb.entries) visit(entry.category);
  for (auto& entry : kb.entries) visit(entry.answer);
  for (auto& group : kb.synonyms) {
    for (auto& word : group) visit(word);
  }
}

// The KB's shape (entries; per entry, its similar questions and keywords; synonym groups
// and their sizes), every text's length, then every text's bytes, by column.
void writeTexts(Writer& w, const KnowledgeBase& kb) {
  w.varint(static_cast<std::uint32_t>(kb.entries.size()));
  for (const auto& entry : kb.entries) w.varint(static_cast<std::uint32_t>(entry.similar.size()));
  for (const auto& entry : kb.entries) w.varint(static_cast<std::uint32_t>(entry.keywords.size()));
  w.varint(static_cast<std::uint32_t>(kb.synonyms.size()));
  for (const auto& group : kb.synonyms) w.varint(static_cast<std::uint32_t>(group.size()));
  forEachTextByColumn(kb, [&w](const std::string& text) { w.varint(static_cast<std::uint32_t>(text.size())); });
  forEachTextByColumn(kb, [&w](const std::string& text) { w.bytes() += text; });
}

// `count` list sizes, each believed only if, together, that many texts of at least one
// length byte each could follow (nothing is allocated for a lie).
bool readSizes(Reader& r, std::size_t count, std::vector<std::uint32_t>& sizes, std::uint64_t& texts) {
  sizes.resize(count);
  for (auto& size : sizes) {
    size = r.varint();
    texts += size;
    if (r.failed() || texts > r.remaining()) return false;
  }
  return true;
}

bool readTexts(Reader& r, KnowledgeBase& kb) {
  // An entry takes at least six bytes: its two list sizes, and the lengths of its id,
  // question, category and answer.
  const std::uint32_t entries = r.count(6);
  std::vector<std::uint32_t> similar, keywords, groups;
  std::uint64_t texts = 4ull * entries;
  if (r.failed() || !readSizes(r, entries, similar, texts) || !readSizes(r, entries, keywords, texts)) return false;
  const std::uint32_t groupCount = r.count(1);
  if (r.failed() || !readSizes(r, groupCount, groups, texts)) return false;
  kb.entries.resize(entries);
  for (std::size_t e = 0; e < entries; ++e) {
    kb.entries[e].similar.resize(similar[e]);
    kb.entries[e].keywords.resize(keywords[e]);
  }
  kb.synonyms.resize(groupCount);
  for (std::size_t g = 0; g < groupCount; ++g) kb.synonyms[g].resize(groups[g]);
  // The lengths, then the bytes: the lengths' sum is checked against the bytes left
  // before any text is copied.
  std::vector<std::uint32_t> lengths;
  lengths.reserve(static_cast<std::size_t>(texts));
  std::uint64_t textBytes = 0;
  forEachTextByColumn(kb, [&](const std::string&) {
    lengths.push_back(r.varint());
    textBytes += lengths.back();
  });
  if (r.failed() || textBytes > r.remaining()) return false;
  std::size_t next = 0;
  forEachTextByColumn(kb, [&](std::string& text) { text = r.bytes(lengths[next++]); });
  return !r.failed();
}

// The stored centroid lists spread over the whole vocabulary (one start per term).
Postings centroidsByTerm(StoredIndex& stored) {
  Postings postings = std::move(stored.centroids);
  std::vector<std::uint32_t> listedEnds = std::move(postings.start);
  postings.start.assign(static_cast<std::size_t>(stored.termCount) + 1, 0);
  for (std::size_t i = 0; i < stored.centroidTerms.size(); ++i) {
    postings.start[stored.centroidTerms[i] + 1] = listedEnds[i + 1] - listedEnds[i];
  }
  for (std::size_t t = 0; t < stored.termCount; ++t) postings.start[t + 1] += postings.start[t];
  return postings;
}

}  // namespace

std::string encodeIndex(const FaqEngine& engine) {
  const FaqIndex& index = engine.index();
  Writer w;
  writeParams(w, index.params);
  w.f64(engine.thresholds().answer);
  w.f64(engine.thresholds().answerConfidence);
  w.f64(engine.thresholds().suggest);
  writeTexts(w, engine.knowledgeBase());
  w.varint(static_cast<std::uint32_t>(index.terms.size()));
  w.u32(index.vocabularyChecksum());
  writeCentroids(w, index.centroidPostings);

  const std::string payload = std::move(w.bytes());
  Writer header;
  header.bytes().append(kMagic, sizeof kMagic);
  header.u32(kIndexFormatVersion);
  header.u32(static_cast<std::uint32_t>(payload.size()));
  header.u32(crc32(payload));
  return header.bytes() + payload;
}

Result<StoredIndex> readIndex(std::string_view bytes) {
  using Stored = Result<StoredIndex>;
  auto corrupt = [](const std::string& what) { return Stored::failure("kb_index_corrupt", what); };
  if (bytes.size() < kHeaderBytes) return corrupt("the index is shorter than its header (truncated)");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return corrupt("not a Kefu index (no KFI1 signature)");
  Reader header(bytes.substr(4, kHeaderBytes - 4));
  const std::uint32_t version = header.u32();
  const std::uint32_t payloadBytes = header.u32();
  const std::uint32_t checksum = header.u32();
  if (version != kIndexFormatVersion) {
    return Stored::failure("kb_index_version", "index format " + std::to_string(version) + "; this core reads format " +
                                                   std::to_string(kIndexFormatVersion) + " (rebuild it with kefu build-index)");
  }
  const std::string_view payload = bytes.substr(kHeaderBytes);
  if (payload.size() < payloadBytes) {
    return corrupt("the index holds " + std::to_string(payload.size()) + " of its " + std::to_string(payloadBytes) +
                   " bytes (truncated)");
  }
  if (payload.size() > payloadBytes) return corrupt("bytes follow the end of the index");
  if (crc32(payload) != checksum) return corrupt("the index bytes were altered (checksum mismatch)");

  Reader r(payload);
  StoredIndex stored;
  bool consistent = readParams(r, stored.params);
  stored.thresholds.answer = r.f64();
  stored.thresholds.answerConfidence = r.f64();
  stored.thresholds.suggest = r.f64();
  KnowledgeBase& kb = stored.kb;
  consistent = readTexts(r, kb) && consistent;
  stored.termCount = r.varint();
  stored.vocabularyChecksum = r.u32();
  // Out-of-range thresholds would break every tier.
  for (double threshold : {stored.thresholds.answer, stored.thresholds.answerConfidence, stored.thresholds.suggest}) {
    consistent = consistent && threshold >= 0 && threshold <= 1;
  }
  if (r.failed() || !consistent) return corrupt("the index's sections do not fit its length or hold impossible values");
  if (!readCentroids(r, stored.termCount, kb.entries.size(), stored) || !r.atEnd()) {
    return corrupt("the index's centroids do not fit its vocabulary, entries or length");
  }
  return Stored::success(std::move(stored));
}

Result<DecodedIndex> deriveIndex(StoredIndex stored) {
  using Decoded = Result<DecodedIndex>;
  // The stored centroids name terms by id: the vocabulary derived from the texts must be
  // the one they were trained on.
  const std::uint32_t termCount = stored.termCount;
  const std::uint32_t vocabulary = stored.vocabularyChecksum;
  DecodedIndex decoded;
  decoded.index = rebuildFaqIndex(stored.kb, stored.params, Postings{});
  if (decoded.index.terms.size() != termCount || decoded.index.vocabularyChecksum() != vocabulary) {
    return Decoded::failure("kb_index_version", "the index was built by a core that reads its texts differently (rebuild it with kefu build-index)");
  }
  decoded.index.centroidPostings = centroidsByTerm(stored);
  decoded.kb = std::move(stored.kb);
  decoded.thresholds = stored.thresholds;
  return Decoded::success(std::move(decoded));
}

Result<DecodedIndex> decodeIndex(std::string_view bytes) {
  auto stored = readIndex(bytes);
  if (!stored.ok()) return Result<DecodedIndex>::failure(stored.error().code, stored.error().message);
  return deriveIndex(std::move(stored.value()));
}

}  // namespace kefu
