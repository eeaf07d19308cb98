// kefu-session-bench [EVENTS]: the bench:session loop natively, through SessionApi (the
// same JSON in and out as the wasm boundary), to profile the session without Node.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/session_api.h"
#include "base/json_text.h"

int main(int argc, char** argv) {
  const long total = argc > 1 ? std::atol(argv[1]) : 300000;
  kefu::SessionApi api;
  api.configure(R"({"siteId":"bench","outbox":{"maxCount":100000,"maxBytes":1073741824}})", "");
  double now = 1764000000000.0;
  api.startFresh(1, "", now);
  api.handle(R"({"type":"connected","now":1764000000000})");
  api.handle(R"({"type":"frame","now":1764000000000,"text":"{\"type\":\"welcome\",\"v\":1,\"sessionToken\":\"t\",\"conversationId\":\"c\",\"lastSeq\":0,\"nextCseq\":1,\"state\":\"with_agent\",\"agentsOnline\":true}"})");
  long events = 0;
  long seq = 0;
  const auto started = std::chrono::steady_clock::now();
  while (events < total) {
    now += 1;
    const std::string t = std::to_string(static_cast<long long>(now));
    const std::string reply = api.handle(R"({"type":"send_text","text":"visitor message )" + std::to_string(events) + R"(","now":)" + t + "}");
    const auto parsed = kefu::Json::parse(reply);
    std::string cmid;
    long long cseq = 0;
    for (const auto& effect : parsed["effects"]) {
      if (effect["type"] == "send" && effect["frame"]["type"] == "message") {
        cmid = effect["frame"]["cmid"];
        cseq = effect["frame"]["cseq"];
      }
    }
    ++seq;
    kefu::Json ack{{"type", "ack"}, {"cmid", cmid}, {"cseq", cseq}, {"seq", seq}, {"serverId", "c:" + std::to_string(seq)}};
    api.handle(kefu::Json{{"type", "frame"}, {"now", now}, {"text", ack.dump()}}.dump());
    ++seq;
    kefu::Json msg{{"type", "msg"}, {"seq", seq}, {"serverId", "c:" + std::to_string(seq)}, {"author", "agent"}, {"text", "agent reply " + std::to_string(seq)}, {"time", now}};
    api.handle(kefu::Json{{"type", "frame"}, {"now", now}, {"text", msg.dump()}}.dump());
    events += 3;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("{\"events\":%ld,\"seconds\":%.2f,\"eventsPerSecond\":%.0f}\n", events, seconds, static_cast<double>(events) / seconds);
  return 0;
}
