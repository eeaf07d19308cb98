// libFuzzer target: a session fed arbitrary frames and events, through the boundary the
// JS shell calls (SessionApi). The input is lines: "f<frame text>" is a frame from the
// server (handleFrame), "e<event JSON>" an event (handle), "s<text>" what the visitor
// typed (handleSendText), and any other line a frame. Each line is 100 ms after the one
// before. The session is the same for every input: a small KB, started fresh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/session_api.h"
#include "fuzz_checks.h"

using namespace kefu;

namespace {
constexpr std::string_view kKnowledgeBase = R"({"faqs": [
  {"id": "refund", "question": "怎么退款？", "similar": ["我要退钱", "how do I get a refund"], "answer": "在订单页申请退款。"},
  {"id": "reset-password", "question": "怎么重置密码？", "similar": ["忘记密码了", "I forgot my password"], "answer": "在登录页点击“忘记密码”。"}]})";

// An event's reply (api/session_api.h): an optional JSON header line, then one line per
// effect, '\n' and a one-letter tag; a frame to send (`s`) is JSON text.
void checkEffects(std::string_view reply) {
  std::size_t end = reply.find('\n');
  if (end != 0 && !reply.empty()) fuzz::isOkReply(reply.substr(0, end));
  while (end != std::string_view::npos) {
    const std::size_t start = end + 1;
    end = reply.find('\n', start);
    const std::string_view line = reply.substr(start, end == std::string_view::npos ? end : end - start);
    if (line.empty() || line.front() != 's') continue;
    const Json frame = Json::parse(line.begin() + 1, line.end(), nullptr, false);
    if (frame.is_discarded() || !frame.is_object()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  SessionApi api;
  if (!fuzz::isOkReply(api.configure(R"({"siteId": "fuzz"})", kKnowledgeBase))) __builtin_trap();
  double now = 1764000000000.0;
  checkEffects(api.startFresh(7, "visitor-fuzz", now));
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    now += 100;
    const char tag = line.empty() ? '\0' : line.front();
    if (tag == 'e') {
      checkEffects(api.handle(line.substr(1)));
    } else if (tag == 's') {
      checkEffects(api.handleSendText(line.substr(1), now));
    } else {
      checkEffects(api.handleFrame(tag == 'f' ? line.substr(1) : line, now));
    }
  }
  fuzz::isOkReply(api.view());
  return 0;
}
