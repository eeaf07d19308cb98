// kefu-session-bench [EVENTS]: the bench:session loop natively, through SessionApi's event
// doors (the same text in and out as the wasm boundary), to profile the session without Node.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/session_api.h"
#include "base/json_text.h"
#include "session/effects.h"

int main(int argc, char** argv) {
  const long total = argc > 1 ? std::atol(argv[1]) : 300000;
  kefu::SessionApi api;
  api.configure(R"({"siteId":"bench","outbox":{"maxCount":100000,"maxBytes":1073741824}})", "");
  double now = 1764000000000.0;
  api.startFresh(1, "", now);
  api.handle(R"({"type":"connected","now":1764000000000})");
  api.handleFrame(R"({"type":"welcome","v":1,"sessionToken":"t","conversationId":"c","lastSeq":0,"nextCseq":1,"state":"with_agent","agentsOnline":true})", now);
  long events = 0;
  long seq = 0;
  const auto started = std::chrono::steady_clock::now();
  while (events < total) {
    now += 1;
    const std::string reply = api.handleSendText("visitor message " + std::to_string(events), now);
    std::string cmid;
    long long cseq = 0;
    for (const auto& effect : kefu::session::readEffects(reply)) {
      const auto frame = kefu::Json::parse(effect.text, nullptr, false);
      if (effect.tag == 's' && frame.is_object() && frame["type"] == "message") {
        cmid = frame["cmid"];
        cseq = frame["cseq"];
      }
    }
    ++seq;
    kefu::Json ack{{"type", "ack"}, {"cmid", cmid}, {"cseq", cseq}, {"seq", seq}, {"serverId", "c:" + std::to_string(seq)}};
    api.handleFrame(ack.dump(), now);
    ++seq;
    kefu::Json msg{{"type", "msg"}, {"seq", seq}, {"serverId", "c:" + std::to_string(seq)}, {"author", "agent"}, {"text", "agent reply " + std::to_string(seq)}, {"time", now}};
    api.handleFrame(msg.dump(), now);
    events += 3;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("{\"events\":%ld,\"seconds\":%.2f,\"eventsPerSecond\":%.0f}\n", events, seconds, static_cast<double>(events) / seconds);
  return 0;
}
