#pragma once
// The Embind side of api/index_inbox.h, for every class with an index inbox (FaqApi,
// SessionApi): room for `size` bytes inside the wasm heap, as a Uint8Array the JS wrapper
// fills at once (before anything else can grow, and detach, the heap) and then hands over
// with _loadReceivedIndex.
#include <emscripten/bind.h>

#include <cstddef>
#include <string>

namespace kefu {

template <typename Api>
emscripten::val indexInboxView(Api& api, int size) {
  std::string& inbox = api.indexInbox(size > 0 ? static_cast<std::size_t>(size) : 0);
  return emscripten::val(emscripten::typed_memory_view(inbox.size(), reinterpret_cast<unsigned char*>(inbox.data())));
}

}  // namespace kefu
