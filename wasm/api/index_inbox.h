#pragma once
// Room for a binary index's bytes that the JS side writes straight into wasm memory (a
// Uint8Array view, wasm/bindings/index_inbox_view.h), then hands over: passed as an Embind
// string argument, the bytes were in the heap twice (Embind's wire copy and the
// std::string made from it) at an index load's peak, which is the memory a phone keeps.
// One for FaqApi and one for SessionApi, so both loads peak alike.
#include <cstddef>
#include <string>

#include "base/result.h"
#include "faq/index_codec.h"

namespace kefu {

class IndexInbox {
 public:
  std::string& room(std::size_t size) {
    bytes_.assign(size, '\0');
    return bytes_;
  }
  // The bytes read and checked (readIndex), and freed before anything is derived from
  // them, so they and the derived index never share the peak.
  Result<StoredIndex> take() {
    auto stored = readIndex(bytes_);
    bytes_ = {};
    return stored;
  }

 private:
  std::string bytes_;
};

}  // namespace kefu
