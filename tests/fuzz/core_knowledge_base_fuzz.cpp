// libFuzzer target: a knowledge base's JSON, through the public loading entry point the
// JS side calls (FaqApi::loadKnowledgeBase), so it stays valid whatever the loader and
// the index become inside. A KB that loads is queried and exported as a binary index,
// and that index must load again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/faq_api.h"
#include "fuzz_checks.h"

using namespace kefu;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view kbJson(reinterpret_cast<const char*>(data), size);
  FaqApi api;
  if (!fuzz::isOkReply(api.loadKnowledgeBase(kbJson, "{}"))) return 0;
  fuzz::query(api);
  if (!fuzz::isOkReply(api.exportIndex())) __builtin_trap();
  FaqApi reloaded;
  if (!fuzz::isOkReply(reloaded.loadIndex(api.exportedIndex(), "{}"))) __builtin_trap();
  return 0;
}
