#include <catch2/catch.hpp>

#include "api/faq_api.h"
#include "base/json_access.h"
#include "fixtures.h"
#include "session_effects.h"
#include "session/session.h"

using namespace kefu;
using namespace kefu::session;

namespace {

// A session wired to a scripted server: effects are collected, frames are fed by hand.
struct Harness {
  FaqEngine faq;
  Session session;
  std::int64_t now = 1'000'000;
  std::vector<Json> sent;
  std::vector<Json> notifications;
  std::string snapshot;
  std::vector<std::string> journal;

  explicit Harness(SessionConfig config = {}, bool withKb = true) : session(config, withKb ? &faq : nullptr) {
    if (withKb) {
      auto kb = parseKnowledgeBase(readDemoKnowledgeBase(), KnowledgeBaseLimits{});
      faq.build(std::move(kb.value()));
    }
    session.startFresh(42, "visitor-1", now);
    drain();
  }

  void drain() {
    for (const Json& effect : drainEffects(session)) {
      const std::string type = json::stringOr(effect, "type");
      if (type == "send") sent.push_back(effect["frame"]);
      if (type == "notify") notifications.push_back(effect);
      if (type == "persist") {
        if (json::hasString(effect, "snapshot")) {
          snapshot = effect["snapshot"].get<std::string>();
          journal.clear();
        } else {
          for (const auto& line : effect["append"]) journal.push_back(line.get<std::string>());
        }
      }
    }
  }

  std::optional<Error> event(Json e) {
    e["now"] = now;
    auto error = session.handle(e);
    drain();
    return error;
  }
  std::optional<Error> serverSays(const Json& frame) { return event({{"type", "frame"}, {"text", toJsonText(frame)}}); }

  void connectAndWelcome(std::int64_t lastSeq = 0, const char* state = "bot") {
    event({{"type", "connected"}});
    serverSays({{"type", "welcome"}, {"v", 1}, {"sessionToken", "t1"}, {"conversationId", "c1"}, {"lastSeq", lastSeq},
                {"nextCseq", 1}, {"state", state}, {"agentsOnline", true}});
  }

  std::vector<Json> sentOfType(const std::string& type) const {
    std::vector<Json> out;
    for (const auto& frame : sent) {
      if (frame["type"] == type) out.push_back(frame);
    }
    return out;
  }
  Json view() const { return session.view(); }
};

Json agentMessage(std::int64_t seq, const std::string& text) {
  return {{"type", "msg"}, {"seq", seq}, {"serverId", "c1:" + std::to_string(seq)}, {"author", "agent"}, {"text", text}, {"time", 1}};
}

}  // namespace

TEST_CASE("a KB question is answered by the bot at once, before any server round trip") {
  Harness h;
  REQUIRE_FALSE(h.event({{"type", "send_text"}, {"text", "忘记密码了怎么办"}}));
  const Json view = h.view();
  REQUIRE(view["messages"].size() == 2);
  CHECK(view["messages"][0]["author"] == "visitor");
  CHECK(view["messages"][0]["delivery"] == "pending");
  CHECK(view["messages"][1]["author"] == "bot");
  CHECK(view["messages"][1]["tier"] == "answer");
  CHECK(view["messages"][1]["text"].get<std::string>().find("忘记密码") != std::string::npos);
  CHECK(h.sent.empty());  // offline: nothing on the wire yet

  h.connectAndWelcome();
  auto messages = h.sentOfType("message");
  REQUIRE(messages.size() == 1);
  CHECK(messages[0]["bot"]["faqId"] == "reset-password");  // the agent will see what the bot said
  CHECK(h.view()["messages"][0]["delivery"] == "sent");
}

TEST_CASE("the full service loop: suggestion, hand-off, queue, agent, read receipts, end, rating") {
  Harness h;
  h.connectAndWelcome();
  h.event({{"type", "send_text"}, {"text", "量子力学的基本假设是什么"}});
  CHECK(h.view()["messages"][1]["tier"] == "handoff");
  CHECK(h.session.phase() == Phase::bot);
  h.event({{"type", "request_handoff"}});
  CHECK(h.session.phase() == Phase::handoff_requested);
  CHECK(h.sentOfType("handoff").size() == 1);

  h.serverSays({{"type", "event"}, {"event", "queued"}, {"position", 2}, {"etaSeconds", 60}});
  CHECK(h.view()["queue"]["position"] == 2);
  h.serverSays({{"type", "event"}, {"event", "agent_joined"}, {"name", "小李"}});
  CHECK(h.session.phase() == Phase::with_agent);
  CHECK(h.view()["agent"]["name"] == "小李");

  h.event({{"type", "send_text"}, {"text", "我的订单有问题"}});
  const Json message = h.sentOfType("message").back();
  h.serverSays({{"type", "ack"}, {"cmid", message["cmid"]}, {"cseq", message["cseq"]}, {"seq", 3}, {"serverId", "c1:3"}});
  CHECK(h.view()["messages"].back()["delivery"] == "delivered");
  h.serverSays({{"type", "event"}, {"event", "read"}, {"upToSeq", 3}});
  CHECK(h.view()["messages"].back()["delivery"] == "read");

  h.serverSays({{"type", "event"}, {"event", "typing"}, {"on", true}});
  CHECK(h.view()["agent"]["typing"] == true);
  h.serverSays({{"type", "event"}, {"event", "ended"}, {"by", "agent"}});
  CHECK(h.session.phase() == Phase::ended);
  h.serverSays({{"type", "event"}, {"event", "rating_requested"}});
  CHECK(h.view()["ratingRequested"] == true);
  REQUIRE_FALSE(h.event({{"type", "rate"}, {"stars", 5}, {"comment", "很好"}}));
  CHECK(h.session.phase() == Phase::rated);
  CHECK(h.sentOfType("rate").back()["stars"] == 5);
}

TEST_CASE("keywords and repeated unanswered questions hand off to a person") {
  Harness keyword;
  keyword.event({{"type", "send_text"}, {"text", "转人工"}});
  CHECK(keyword.session.phase() == Phase::handoff_requested);
  CHECK(keyword.notifications.back()["event"] == "handoff");

  Harness unanswered;
  unanswered.event({{"type", "send_text"}, {"text", "量子力学的基本假设"}});
  CHECK(unanswered.session.phase() == Phase::bot);
  unanswered.event({{"type", "send_text"}, {"text", "相对论的时间膨胀"}});
  CHECK(unanswered.session.phase() == Phase::handoff_requested);
}

TEST_CASE("a question the bot cannot answer starts the hand-off at once, or only offers it, per config") {
  SessionConfig startAtOnce;
  startAtOnce.unansweredTurnsBeforeHandoff = 1;
  Harness start(startAtOnce);
  start.connectAndWelcome();
  start.event({{"type", "send_text"}, {"text", "量子力学的基本假设"}});
  CHECK(start.session.phase() == Phase::handoff_requested);
  REQUIRE(start.sentOfType("handoff").size() == 1);
  CHECK(start.sentOfType("handoff")[0]["reason"] == "unanswered");

  SessionConfig offerOnly;
  offerOnly.unansweredTurnsBeforeHandoff = 0;
  Harness offer(offerOnly);
  offer.connectAndWelcome();
  for (const char* question : {"量子力学的基本假设", "相对论的时间膨胀", "黑洞是怎么形成的"}) {
    offer.event({{"type", "send_text"}, {"text", question}});
    CHECK(offer.session.phase() == Phase::bot);
    CHECK(offer.view()["messages"].back()["tier"] == "handoff");  // the UI offers the button
  }
  CHECK(offer.sentOfType("handoff").empty());
}

TEST_CASE("events that make no sense now are rejected and change nothing") {
  Harness h;
  h.connectAndWelcome();
  const std::string before = toJsonText(h.view());
  auto error = h.event({{"type", "rate"}, {"stars", 4}});
  REQUIRE(error);
  CHECK(error->code == "invalid_in_state");
  auto serverError = h.serverSays({{"type", "event"}, {"event", "rating_requested"}});
  REQUIRE(serverError);
  CHECK(serverError->code == "event_invalid_in_state");
  auto badFrame = h.event({{"type", "frame"}, {"text", "{\"type\":\"msg\",\"seq\":-4}"}});
  REQUIRE(badFrame);
  CHECK(badFrame->code == "frame_invalid");
  CHECK(toJsonText(h.view()) == before);
  CHECK(h.event({{"type", "send_text"}, {"text", "   "}})->code == "text_empty");
  CHECK(h.event({{"type", "send_text"}, {"text", std::string(4001, 'x')}})->code == "text_too_long");
  CHECK(h.event({{"type", "nonsense"}})->code == "invalid_event");
  CHECK(h.session.handle(Json{{"type", "timer"}})->code == "invalid_event");  // no time
}

TEST_CASE("server messages are applied once, in seq order; a gap asks for a resync") {
  Harness h;
  h.connectAndWelcome();
  h.serverSays(agentMessage(1, "one"));
  h.serverSays(agentMessage(1, "one again"));
  h.serverSays(agentMessage(3, "three"));
  CHECK(h.sentOfType("resync").back()["afterSeq"] == 1);
  CHECK(h.session.lastSeq() == 1);
  h.serverSays({{"type", "resync"}, {"messages", Json::array({agentMessage(2, "two"), agentMessage(3, "three")})}, {"lastSeq", 3}, {"more", false}});
  std::vector<std::string> texts;
  const Json view = h.view();
  for (const auto& m : view["messages"]) texts.push_back(m["text"]);
  CHECK(texts == std::vector<std::string>{"one", "two", "three"});
  CHECK(h.view()["unread"] == 3);
  h.event({{"type", "panel"}, {"open", true}});
  CHECK(h.view()["unread"] == 0);
  CHECK(h.sentOfType("read").back()["upToSeq"] == 3);
}

TEST_CASE("a message survives a reload: restored from snapshot + journal and sent after reconnecting") {
  Harness h;
  h.event({{"type", "send_text"}, {"text", "离线时写的消息"}});
  Session restored(SessionConfig{}, &h.faq);
  REQUIRE_FALSE(restored.restore(h.snapshot, h.journal, 7, h.now + 1000));
  REQUIRE(restored.view()["messages"].size() == 2);
  CHECK(restored.view()["messages"][0]["text"] == "离线时写的消息");
  CHECK(restored.view()["visitorId"] == "visitor-1");
  drainEffects(restored);
  restored.handle({{"type", "connected"}, {"now", h.now + 2000}});
  restored.handle({{"type", "frame"}, {"now", h.now + 2001}, {"text", toJsonText(Json{{"type", "welcome"}, {"v", 1}, {"sessionToken", "t"}, {"conversationId", "c"}, {"lastSeq", 0}, {"nextCseq", 1}, {"state", "bot"}, {"agentsOnline", true}})}});
  int messages = 0;
  for (const auto& effect : drainEffects(restored)) messages += effect["type"] == "send" && effect["frame"]["type"] == "message";
  CHECK(messages == 1);
}

TEST_CASE("persistence appends records instead of rewriting the history") {
  Harness h;
  const std::string firstSnapshot = h.snapshot;
  h.event({{"type", "send_text"}, {"text", "hello"}});
  h.event({{"type", "send_text"}, {"text", "again"}});
  CHECK(h.snapshot == firstSnapshot);
  CHECK(h.journal.size() >= 4);
}

TEST_CASE("a corrupt snapshot starts a fresh session and reports snapshot_corrupt") {
  Session session(SessionConfig{}, nullptr);
  auto error = session.restore("{not json", {}, 1, 5);
  REQUIRE(error);
  CHECK(error->code == "snapshot_corrupt");
  CHECK(session.phase() == Phase::bot);
  CHECK(session.messages().empty());
  CHECK(session.restore(R"({"kefuSession": 99, "visitorId": "v", "epoch": "e"})", {}, 1, 5)->code == "snapshot_version");
  Harness h;
  CHECK(session.restore(h.snapshot, {"{\"k\":"}, 1, 5)->code == "snapshot_corrupt");
}

TEST_CASE("a message that cannot be delivered fails, blocks those behind it, and retry resends them in order") {
  SessionConfig config;
  config.outbox.maxAttempts = 2;
  Harness h(config, false);
  h.connectAndWelcome();
  h.event({{"type", "send_text"}, {"text", "first"}});
  h.event({{"type", "send_text"}, {"text", "second"}});
  for (int i = 0; i < 10; ++i) {
    h.now += 20'000;
    h.serverSays({{"type", "pong"}, {"t", 1}});  // the line is alive, but no ack ever comes
    h.event({{"type", "timer"}});
  }
  CHECK(h.session.connected());
  auto view = h.view();
  CHECK(view["messages"][0]["delivery"] == "failed");
  CHECK(view["messages"][1]["delivery"] == "failed");
  const std::string cmid = view["messages"][1]["id"];
  h.sent.clear();
  REQUIRE_FALSE(h.event({{"type", "retry"}, {"cmid", cmid}}));
  auto resent = h.sentOfType("message");
  REQUIRE(resent.size() == 2);
  CHECK(resent[0]["text"] == "first");
  CHECK(resent[1]["text"] == "second");
}

TEST_CASE("the outbox is bounded and says so when full") {
  SessionConfig config;
  config.outbox.maxCount = 3;
  Harness h(config, false);
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(h.event({{"type", "send_text"}, {"text", "m" + std::to_string(i)}}));
  CHECK(h.event({{"type", "send_text"}, {"text", "one too many"}})->code == "outbox_full");
}

TEST_CASE("a hand-off asked for while the line is down is sent after the welcome, not undone by it") {
  Harness h;
  REQUIRE_FALSE(h.event({{"type", "request_handoff"}}));
  CHECK(h.session.phase() == Phase::handoff_requested);
  CHECK(h.sentOfType("handoff").empty());  // nothing can be sent before the welcome
  h.connectAndWelcome(0, "bot");          // the server has not heard of the request yet
  CHECK(h.session.phase() == Phase::handoff_requested);
  REQUIRE(h.sentOfType("handoff").size() == 1);

  Harness queuedElsewhere;
  REQUIRE_FALSE(queuedElsewhere.event({{"type", "request_handoff"}}));
  queuedElsewhere.connectAndWelcome(0, "offline");  // the server knows better: no agent now
  CHECK(queuedElsewhere.session.phase() == Phase::offline);
}

TEST_CASE("a welcome into another conversation starts its seqs afresh instead of dropping them as duplicates") {
  Harness h;
  h.connectAndWelcome(0, "with_agent");
  for (int seq = 1; seq <= 3; ++seq) REQUIRE_FALSE(h.serverSays(agentMessage(seq, "old " + std::to_string(seq))));
  CHECK(h.session.lastSeq() == 3);
  h.event({{"type", "disconnected"}});
  h.event({{"type", "connected"}});
  h.sent.clear();
  // The server lost conversation c1 (or the token is someone else's now): c2 has one message.
  h.serverSays({{"type", "welcome"}, {"v", 1}, {"sessionToken", "t2"}, {"conversationId", "c2"}, {"lastSeq", 1},
                {"nextCseq", 1}, {"state", "bot"}, {"agentsOnline", true}});
  CHECK(h.session.lastSeq() == 0);
  REQUIRE(h.sentOfType("resync").size() == 1);
  CHECK(h.sentOfType("resync")[0]["afterSeq"] == 0);
  Json fresh = agentMessage(1, "new 1");
  fresh["serverId"] = "c2:1";
  REQUIRE_FALSE(h.serverSays({{"type", "resync"}, {"messages", Json::array({fresh})}, {"lastSeq", 1}, {"more", false}}));
  CHECK(h.session.lastSeq() == 1);
  CHECK(h.view()["messages"].back()["text"] == "new 1");
  CHECK(h.view()["unread"] == 1);

  // The switch is persisted: a reload restores the new conversation's cursor, not the old one's.
  Harness reloaded;
  REQUIRE_FALSE(reloaded.session.restore(h.snapshot, h.journal, 7, h.now));
  CHECK(reloaded.session.lastSeq() == 1);
  CHECK(reloaded.view()["conversationId"] == "c2");
}

TEST_CASE("the server's pre-chat form flag turns a conversation that has not started into the form, once") {
  auto welcome = [](bool preChatForm) {
    return Json{{"type", "welcome"}, {"v", 1}, {"sessionToken", "t1"}, {"conversationId", "c1"}, {"lastSeq", 0},
                {"nextCseq", 1},     {"state", "bot"}, {"agentsOnline", true}, {"preChatForm", preChatForm}};
  };
  Harness h;
  h.event({{"type", "connected"}});
  h.serverSays(welcome(true));
  CHECK(h.session.phase() == Phase::prechat);
  CHECK(h.event({{"type", "send_text"}, {"text", "你好"}})->code == "prechat_required");
  REQUIRE_FALSE(h.event({{"type", "submit_prechat"}, {"fields", {{"name", "王小明"}}}}));
  CHECK(h.session.phase() == Phase::bot);
  // A reconnect before the server has stored the fields still says preChatForm: not asked twice,
  // also after a reload.
  h.event({{"type", "disconnected"}});
  h.event({{"type", "connected"}});
  h.serverSays(welcome(true));
  CHECK(h.session.phase() == Phase::bot);
  Harness reloaded;
  REQUIRE_FALSE(reloaded.session.restore(h.snapshot, h.journal, 7, h.now));
  reloaded.event({{"type", "connected"}});
  reloaded.serverSays(welcome(true));
  CHECK(reloaded.session.phase() == Phase::bot);

  Harness chatting;  // a conversation already under way is not interrupted by the form
  chatting.connectAndWelcome();
  REQUIRE_FALSE(chatting.event({{"type", "send_text"}, {"text", "忘记密码了怎么办"}}));
  chatting.event({{"type", "disconnected"}});
  chatting.event({{"type", "connected"}});
  chatting.serverSays(welcome(true));
  CHECK(chatting.session.phase() == Phase::bot);
}

TEST_CASE("a keyed event is applied once, also by a session restored from what the first one stored") {
  Harness h;
  const Json keyed = {{"type", "send_text"}, {"text", "从另一个标签页"}, {"key", "tab-b:1"}};
  REQUIRE_FALSE(h.event(keyed));
  const auto visitorTexts = [](const Json& view) {
    int count = 0;
    for (const auto& message : view["messages"]) count += message["author"] == "visitor";
    return count;
  };
  CHECK(visitorTexts(h.view()) == 1);
  // Sent again (a tab resending on a leader change): nothing changes, nothing is stored.
  const std::size_t journalBefore = h.journal.size();
  REQUIRE_FALSE(h.event(keyed));
  CHECK(visitorTexts(h.view()) == 1);
  CHECK(h.journal.size() == journalBefore);

  // The next leader restores from storage and gets the same event once more.
  Session restored(SessionConfig{}, &h.faq);
  REQUIRE_FALSE(restored.restore(h.snapshot, h.journal, 7, h.now + 1000));
  drainEffects(restored);
  REQUIRE_FALSE(restored.handle({{"type", "send_text"}, {"text", "从另一个标签页"}, {"key", "tab-b:1"}, {"now", h.now + 1001}}));
  CHECK(visitorTexts(restored.view()) == 1);
  // Another key is another event.
  REQUIRE_FALSE(restored.handle({{"type", "send_text"}, {"text", "第二条"}, {"key", "tab-b:2"}, {"now", h.now + 1002}}));
  CHECK(visitorTexts(restored.view()) == 2);

  // The keys also survive compaction into a snapshot.
  Session compacted(SessionConfig{}, &h.faq);
  REQUIRE_FALSE(compacted.restore(toJsonText(restored.snapshot()), {}, 8, h.now + 2000));
  REQUIRE_FALSE(compacted.handle({{"type", "send_text"}, {"text", "第二条"}, {"key", "tab-b:2"}, {"now", h.now + 2001}}));
  CHECK(visitorTexts(compacted.view()) == 2);
}

TEST_CASE("an event key that is not a short string is rejected and changes nothing") {
  Harness h;
  const std::string snapshotBefore = toJsonText(h.session.snapshot());
  for (const Json& key : {Json(""), Json(std::string(65, 'k')), Json(7), Json(nullptr)}) {
    auto error = h.event({{"type", "send_text"}, {"text", "hi"}, {"key", key}});
    REQUIRE(error);
    CHECK(error->code == "invalid_event");
  }
  CHECK(toJsonText(h.session.snapshot()) == snapshotBefore);
}

TEST_CASE("an attachment travels with its message: in the frame, the view, a restore and a keyed retry, never to the bot") {
  Harness h;
  h.connectAndWelcome();
  const Json attachment = {{"id", std::string(64, 'a')}, {"name", "退款.png"}, {"type", "image/png"}, {"size", 1234}, {"width", 640}, {"height", 480}};
  // "退款" would be a KB question as text; with a file it goes to the server, unanswered.
  const Json keyed = {{"type", "send_text"}, {"text", "退款.png"}, {"attachment", attachment}, {"key", "upload:1"}};
  REQUIRE_FALSE(h.event(keyed));
  const auto sent = h.sentOfType("message");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["attachment"] == attachment);
  CHECK_FALSE(sent[0].contains("bot"));
  REQUIRE(h.view()["messages"].size() == 1);
  CHECK(h.view()["messages"][0]["attachment"] == attachment);

  // A reload: the journal restores the message with its file, and the same keyed event
  // (the shell resending after the upload) adds nothing.
  Session restored(SessionConfig{}, &h.faq);
  REQUIRE_FALSE(restored.restore(h.snapshot, h.journal, 7, h.now + 1000));
  REQUIRE_FALSE(restored.handle({{"type", "send_text"}, {"text", "退款.png"}, {"attachment", attachment}, {"key", "upload:1"}, {"now", h.now + 1001}}));
  REQUIRE(restored.view()["messages"].size() == 1);
  CHECK(restored.view()["messages"][0]["attachment"] == attachment);
  Session compacted(SessionConfig{}, &h.faq);
  REQUIRE_FALSE(compacted.restore(toJsonText(restored.snapshot()), {}, 8, h.now + 2000));
  CHECK(compacted.view()["messages"][0]["attachment"] == attachment);

  // An agent's image arrives in a msg frame and is shown with it.
  Json agentImage = agentMessage(1, "截图.png");
  agentImage["attachment"] = {{"id", std::string(64, 'b')}, {"name", "截图.png"}, {"type", "image/png"}, {"size", 99}};
  REQUIRE_FALSE(h.serverSays(agentImage));
  CHECK(h.view()["messages"][1]["attachment"]["id"] == std::string(64, 'b'));
}

TEST_CASE("an attachment the protocol would refuse is rejected before it reaches the outbox") {
  Harness h;
  h.connectAndWelcome();
  const std::size_t journalBefore = h.journal.size();
  for (const Json& bad : {Json("not an object"), Json{{"name", "x.png"}, {"type", "image/png"}, {"size", 1}},
                          Json{{"id", "a"}, {"name", "x.png"}, {"type", "image/png"}, {"size", -1}}}) {
    auto error = h.event({{"type", "send_text"}, {"text", "x.png"}, {"attachment", bad}});
    REQUIRE(error);
    CHECK(error->code == "attachment_invalid");
  }
  CHECK(h.view()["messages"].empty());
  CHECK(h.sentOfType("message").empty());
  CHECK(h.journal.size() == journalBefore);
}

TEST_CASE("a snapshot keeps the thread in order: the visitor's messages stay between the replies they came with") {
  Harness h;
  h.connectAndWelcome();
  REQUIRE_FALSE(h.event({{"type", "send_text"}, {"text", "第一句"}}));
  REQUIRE_FALSE(h.serverSays(agentMessage(2, "客服回复")));
  REQUIRE_FALSE(h.event({{"type", "send_text"}, {"text", "第二句"}}));
  const auto texts = [](const Json& view) {
    std::vector<std::string> out;
    for (const auto& message : view["messages"]) out.push_back(message["text"].get<std::string>());
    return out;
  };
  const std::vector<std::string> before = texts(h.view());
  REQUIRE(before.size() >= 3);

  // A reload after the journal was compacted into a snapshot shows the same thread.
  Session compacted(SessionConfig{}, &h.faq);
  REQUIRE_FALSE(compacted.restore(toJsonText(h.session.snapshot()), {}, 8, h.now + 1000));
  CHECK(texts(compacted.view()) == before);
}
