#pragma once
// The FAQ engine as the JS boundary sees it: JSON text in, JSON text out, every
// outcome either {"ok":true,...} or {"ok":false,"error":{"code","message"}}.
// Kept free of Emscripten so the native tests exercise exactly what JS receives.
#include <cstddef>
#include <string>
#include <string_view>

#include "faq/faq_engine.h"

namespace kefu {

struct FaqApiLimits {
  std::size_t maxQueryChars = 4000;  // same as the protocol's visitor text limit
  std::size_t maxTopK = 50;
  std::size_t maxOptionsBytes = 64u << 10;
};

class FaqApi {
 public:
  // options: {"limits": {KnowledgeBaseLimits fields}, "thresholds": {"answer", "suggest"}}
  std::string loadKnowledgeBase(std::string_view kbJson, std::string_view optionsJson);
  std::string match(std::string_view text, int topK) const;

 private:
  FaqApiLimits limits_;
  FaqEngine engine_;
  bool loaded_ = false;
};

std::string errorJson(const Error& error);

}  // namespace kefu
