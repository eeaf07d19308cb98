#pragma once
// What the core fuzz targets check besides "no crash, no sanitizer report": that replies
// across the JS boundary are what the shell can read.
#include <string_view>

#include "api/faq_api.h"
#include "base/json_text.h"

namespace kefu::fuzz {

// {"ok":true,…} or {"ok":false,"error":{…}}; traps on anything else. True for ok.
inline bool isOkReply(std::string_view reply) {
  const Json parsed = Json::parse(reply.begin(), reply.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) __builtin_trap();
  const auto ok = parsed.find("ok");
  if (ok == parsed.end() || !ok->is_boolean()) __builtin_trap();
  if (!ok->get<bool>() && !parsed.contains("error")) __builtin_trap();
  return ok->get<bool>();
}

// matchRanks' reply (api/faq_api.h): an error reply, or the tier, then per candidate
// "\n<entry index> <score>", and the entry's JSON object after a space the first time.
inline void checkRanks(std::string_view reply) {
  if (!reply.empty() && reply.front() == '{') {
    isOkReply(reply);
    return;
  }
  std::size_t end = reply.find('\n');
  const std::string_view tier = reply.substr(0, end);
  if (tier != "answer" && tier != "suggest" && tier != "handoff") __builtin_trap();
  while (end != std::string_view::npos) {
    const std::size_t start = end + 1;
    end = reply.find('\n', start);
    const std::string_view line = reply.substr(start, end == std::string_view::npos ? end : end - start);
    const std::size_t object = line.find('{');
    if (object == std::string_view::npos) continue;
    const Json entry = Json::parse(line.begin() + static_cast<std::ptrdiff_t>(object), line.end(), nullptr, false);
    if (entry.is_discarded() || !entry.contains("id")) __builtin_trap();
  }
}

// A loaded engine, asked what a visitor might type (Chinese, English, nothing).
inline void query(const FaqApi& api) {
  for (std::string_view text : {"怎么退款", "refund please", "忘记密码了", "人工", "a"}) {
    checkRanks(api.matchRanks(text, 3));
    isOkReply(api.suggest(text, 3));
  }
}

}  // namespace kefu::fuzz
