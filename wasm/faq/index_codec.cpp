#include "faq/index_codec.h"

#include "base/utf8.h"

#include <array>
#include <cmath>
#include <cstring>

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
  void text(const std::string& value) {
    u32(static_cast<std::uint32_t>(value.size()));
    out_ += value;
  }
  void texts(const std::vector<std::string>& values) {
    u32(static_cast<std::uint32_t>(values.size()));
    for (const auto& value : values) text(value);
  }
  void u32s(const std::vector<std::uint32_t>& values) {
    u32(static_cast<std::uint32_t>(values.size()));
    for (std::uint32_t value : values) u32(value);
  }
  void f32s(const std::vector<float>& values) {
    u32(static_cast<std::uint32_t>(values.size()));
    for (float value : values) f32(value);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

bool hostIsLittleEndian() {
  const std::uint32_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

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
  std::string text() {
    const std::uint32_t size = u32();
    if (!need(size)) return {};
    std::string value(bytes_.substr(at_, size));
    at_ += size;
    return value;
  }
  // A count is believed only if that many items of at least minBytes each could follow.
  std::uint32_t count(std::size_t minBytes) {
    const std::uint32_t value = u32();
    if (!failed_ && static_cast<std::uint64_t>(value) * minBytes > bytes_.size() - at_) failed_ = true;
    return failed_ ? 0 : value;
  }
  // Arrays of 4-byte values are copied in one go on little-endian hosts (wasm, x86, arm);
  // the format is little-endian, so anything else reads them value by value.
  template <typename T>
  std::vector<T> array() {
    static_assert(sizeof(T) == 4, "4-byte values only");
    std::vector<T> values(count(4));
    if (values.empty()) return values;
    if (hostIsLittleEndian()) {
      std::memcpy(values.data(), bytes_.data() + at_, values.size() * 4);
      at_ += values.size() * 4;
    } else {
      for (auto& value : values) {
        const std::uint32_t bits = u32();
        std::memcpy(&value, &bits, 4);
      }
    }
    return values;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> values(count(4));
    for (auto& value : values) value = text();
    return values;
  }
  std::vector<std::uint32_t> u32s() { return array<std::uint32_t>(); }
  std::vector<float> f32s() { return array<float>(); }
  bool atEnd() const { return at_ == bytes_.size(); }

 private:
  bool need(std::size_t size) {
    if (failed_ || size > bytes_.size() - at_) failed_ = true;
    return !failed_;
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
  bool failed_ = false;
};

// The float parameters in their stored order: one list, so writing and reading agree.
std::array<float*, 13> floatParams(RankingParams& p) {
  return {&p.nearestVariantShare, &p.cjkUnigramWeight, &p.cjkBigramWeight, &p.wordWeight,
          &p.wordPairWeight,      &p.wordGramWeight,   &p.answerWeight,    &p.keywordWeight,
          &p.trainingRate,        &p.trainingTemperature,   &p.lengthNormPower, &p.centroidMinImpact,
          &p.variantIndexMaxTermShare};
}

void writeParams(Writer& w, RankingParams p) {
  for (const float* field : floatParams(p)) w.f32(*field);
  w.u32(static_cast<std::uint32_t>(p.trainingEpochs));
}

RankingParams readParams(Reader& r) {
  RankingParams p;
  for (float* field : floatParams(p)) *field = r.f32();
  p.trainingEpochs = static_cast<int>(r.u32());
  return p;
}

void writePostings(Writer& w, const Postings& postings) {
  w.u32s(postings.start);
  w.u32s(postings.ids);
  w.f32s(postings.weights);
}

Postings readPostings(Reader& r) {
  Postings postings;
  postings.start = r.u32s();
  postings.ids = r.u32s();
  postings.weights = r.f32s();
  return postings;
}

// Everything the ranker will index with must point inside what it indexes.
bool postingsConsistent(const Postings& postings, std::size_t terms, std::size_t idLimit) {
  if (postings.start.size() != terms + 1 || postings.start.front() != 0) return false;
  if (postings.start.back() != postings.ids.size() || postings.ids.size() != postings.weights.size()) return false;
  for (std::size_t i = 1; i < postings.start.size(); ++i) {
    if (postings.start[i] < postings.start[i - 1]) return false;
  }
  for (std::uint32_t id : postings.ids) {
    if (id >= idLimit) return false;
  }
  return true;
}

}  // namespace

std::string encodeIndex(const FaqEngine& engine) {
  const FaqIndex& index = engine.index();
  Writer w;
  writeParams(w, index.params);
  w.f64(engine.thresholds().answer);
  w.f64(engine.thresholds().answerConfidence);
  w.f64(engine.thresholds().suggest);
  const auto& entries = engine.knowledgeBase().entries;
  w.u32(static_cast<std::uint32_t>(entries.size()));
  for (const auto& entry : entries) {
    w.text(entry.id);
    w.text(entry.question);
    w.text(entry.answer);
    w.text(entry.category);
    w.texts(entry.similar);
    w.texts(entry.keywords);
  }
  w.u32(static_cast<std::uint32_t>(index.synonymRules.size()));
  for (const auto& [word, canonical] : index.synonymRules) {
    w.text(utf8::encode(std::vector<char32_t>(word.begin(), word.end())));
    w.text(utf8::encode(std::vector<char32_t>(canonical.begin(), canonical.end())));
  }
  w.texts(index.terms);
  w.f32s(index.termWeights);
  w.f32(index.unknownTermIdf);
  w.u32s(index.variantEntry);
  writePostings(w, index.variantPostings);
  writePostings(w, index.centroidPostings);

  const std::string payload = std::move(w.bytes());
  Writer header;
  header.bytes().append(kMagic, sizeof kMagic);
  header.u32(kIndexFormatVersion);
  header.u32(static_cast<std::uint32_t>(payload.size()));
  header.u32(crc32(payload));
  return header.bytes() + payload;
}

Result<DecodedIndex> decodeIndex(std::string_view bytes) {
  using Decoded = Result<DecodedIndex>;
  if (bytes.size() < kHeaderBytes) return Decoded::failure("index_truncated", "the index is shorter than its header");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return Decoded::failure("index_bad_magic", "not a Kefu index (no KFI1 signature)");
  }
  Reader header(bytes.substr(4, kHeaderBytes - 4));
  const std::uint32_t version = header.u32();
  const std::uint32_t payloadBytes = header.u32();
  const std::uint32_t checksum = header.u32();
  if (version != kIndexFormatVersion) {
    return Decoded::failure("index_unsupported_version", "index format " + std::to_string(version) +
                                                             "; this core reads format " +
                                                             std::to_string(kIndexFormatVersion) + " (rebuild it)");
  }
  const std::string_view payload = bytes.substr(kHeaderBytes);
  if (payload.size() < payloadBytes) {
    return Decoded::failure("index_truncated", "the index holds " + std::to_string(payload.size()) + " of its " +
                                                   std::to_string(payloadBytes) + " bytes");
  }
  if (payload.size() > payloadBytes) return Decoded::failure("index_corrupt", "bytes follow the end of the index");
  if (crc32(payload) != checksum) {
    return Decoded::failure("index_checksum_mismatch", "the index bytes were altered (checksum mismatch)");
  }

  Reader r(payload);
  DecodedIndex decoded;
  decoded.index.params = readParams(r);
  decoded.thresholds.answer = r.f64();
  decoded.thresholds.answerConfidence = r.f64();
  decoded.thresholds.suggest = r.f64();
  decoded.kb.entries.resize(r.count(24));
  for (auto& entry : decoded.kb.entries) {
    entry.id = r.text();
    entry.question = r.text();
    entry.answer = r.text();
    entry.category = r.text();
    entry.similar = r.texts();
    entry.keywords = r.texts();
  }
  FaqIndex& index = decoded.index;
  index.synonymRules.resize(r.count(8));
  for (auto& [word, canonical] : index.synonymRules) {
    const auto wordPoints = utf8::decode(r.text());
    const auto canonicalPoints = utf8::decode(r.text());
    word.assign(wordPoints.begin(), wordPoints.end());
    canonical.assign(canonicalPoints.begin(), canonicalPoints.end());
  }
  index.terms = r.texts();
  index.termWeights = r.f32s();
  index.unknownTermIdf = r.f32();
  index.variantEntry = r.u32s();
  index.variantPostings = readPostings(r);
  index.centroidPostings = readPostings(r);
  if (r.failed() || !r.atEnd()) return Decoded::failure("index_corrupt", "the index's sections do not fit its length");

  const std::size_t entries = decoded.kb.entries.size();
  bool consistent = index.termWeights.size() == index.terms.size() &&
                    postingsConsistent(index.variantPostings, index.terms.size(), index.variantEntry.size()) &&
                    postingsConsistent(index.centroidPostings, index.terms.size(), entries);
  for (std::uint32_t entry : index.variantEntry) consistent = consistent && entry < entries;
  // Non-finite weights would poison every score; out-of-range thresholds every tier.
  for (const std::vector<float>* weights :
       {&index.termWeights, &index.variantPostings.weights, &index.centroidPostings.weights}) {
    for (float weight : *weights) consistent = consistent && std::isfinite(weight);
  }
  for (double threshold : {decoded.thresholds.answer, decoded.thresholds.answerConfidence, decoded.thresholds.suggest}) {
    consistent = consistent && threshold >= 0 && threshold <= 1;
  }
  consistent = consistent && std::isfinite(index.unknownTermIdf) && std::isfinite(index.params.trainingTemperature);
  for (const auto& rule : index.synonymRules) consistent = consistent && !rule.first.empty();
  if (!consistent) return Decoded::failure("index_corrupt", "the index's sections disagree with each other");
  return Decoded::success(std::move(decoded));
}

}  // namespace kefu
