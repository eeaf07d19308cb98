#include "faq/term_table.h"

namespace kefu {

namespace {

std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return hash;
}

}  // namespace

void TermTable::build(const TermList& terms) {
  std::size_t capacity = 16;
  // At most two thirds full: a lookup still takes one or two probes, and the table of a
  // KB's vocabulary (tens of thousands of terms) is half the memory of a half-full one.
  while (capacity * 2 < terms.size() * 3) capacity *= 2;
  slots_.assign(capacity, 0);
  count_ = 0;
  for (std::uint32_t id = 0; id < terms.size(); ++id) place(terms, id);
}

void TermTable::place(const TermList& terms, std::uint32_t id) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = fnv1a(terms[id]) & mask;
  while (slots_[slot] != 0) {
    if (terms[slots_[slot] - 1] == terms[id]) return;  // a repeated term keeps its first id
    slot = (slot + 1) & mask;
  }
  slots_[slot] = id + 1;
  ++count_;
}

std::uint32_t TermTable::add(TermList& terms, std::string term) {
  auto id = find(terms, term);
  if (id != kMissing) return id;
  id = static_cast<std::uint32_t>(terms.size());
  terms.push_back(term);
  if (terms.size() * 3 > slots_.size() * 2) {
    build(terms);  // doubles the table: amortized, each term is placed about twice
  } else {
    place(terms, id);
  }
  return id;
}

std::uint32_t TermTable::find(const TermList& terms, std::string_view term) const {
  if (slots_.empty()) return kMissing;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = fnv1a(term) & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t stored = slots_[slot];
    if (stored == 0) return kMissing;
    if (terms[stored - 1] == term) return stored - 1;
  }
}

}  // namespace kefu
