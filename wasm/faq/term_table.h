#pragma once
// Term text → term id for query time: open addressing over a power-of-two table with
// FNV-1a, so a lookup is one hash, usually one probe and one compare. It stores ids
// only; the texts stay in the index's term list.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

// The vocabulary: term i's text is [ends_[i − 1], ends_[i]) of one buffer. A std::string
// per term cost a header (12 bytes in wasm) and, for most terms (a CJK bigram is 7 bytes
// with its kind byte, a word pair more), an allocation of its own: for a KB's tens of
// thousands of terms, twice to three times the bytes of their texts, for the life of the index.
class TermList {
 public:
  std::size_t size() const { return ends_.size(); }
  std::string_view operator[](std::size_t id) const {
    const std::uint32_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(text_).substr(begin, ends_[id] - begin);
  }
  void push_back(std::string_view term) {
    text_.append(term);
    ends_.push_back(static_cast<std::uint32_t>(text_.size()));
  }
  void shrink_to_fit() {
    text_.shrink_to_fit();
    ends_.shrink_to_fit();
  }
  std::size_t byteSize() const { return text_.size() + ends_.size() * sizeof(std::uint32_t); }

 private:
  std::string text_;
  std::vector<std::uint32_t> ends_;
};

class TermTable {
 public:
  static constexpr std::uint32_t kMissing = UINT32_MAX;

  void build(const TermList& terms);
  std::uint32_t find(const TermList& terms, std::string_view term) const;
  // The term's id, appending it to terms (and to the table) if it is new.
  std::uint32_t add(TermList& terms, std::string term);
  std::size_t size() const { return count_; }

 private:
  void place(const TermList& terms, std::uint32_t id);
  std::vector<std::uint32_t> slots_;  // id + 1; 0 = empty
  std::size_t count_ = 0;
};

}  // namespace kefu
