// libFuzzer target: a binary index's bytes (.kfi), through the public loading entry point
// the JS side calls (FaqApi::loadIndex), so it stays valid whatever the format's version.
// An index that loads is queried, and must export and load again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/faq_api.h"
#include "fuzz_checks.h"

using namespace kefu;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FaqApi api;
  if (!fuzz::isOkReply(api.loadIndex(bytes, "{}"))) return 0;
  fuzz::query(api);
  fuzz::isOkReply(api.stats());
  if (!fuzz::isOkReply(api.exportIndex())) __builtin_trap();
  FaqApi reloaded;
  if (!fuzz::isOkReply(reloaded.loadIndex(api.exportedIndex(), "{}"))) __builtin_trap();
  return 0;
}
