#pragma once
// Term text → term id for query time: open addressing over a power-of-two table with
// FNV-1a, so a lookup is one hash, usually one probe and one compare. It stores ids
// only; the texts stay in the index's term list.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

class TermTable {
 public:
  static constexpr std::uint32_t kMissing = UINT32_MAX;

  void build(const std::vector<std::string>& terms);
  std::uint32_t find(const std::vector<std::string>& terms, std::string_view term) const;
  // The term's id, appending it to terms (and to the table) if it is new.
  std::uint32_t add(std::vector<std::string>& terms, std::string term);
  std::size_t size() const { return count_; }

 private:
  void place(const std::vector<std::string>& terms, std::uint32_t id);
  std::vector<std::uint32_t> slots_;  // id + 1; 0 = empty
  std::size_t count_ = 0;
};

}  // namespace kefu
