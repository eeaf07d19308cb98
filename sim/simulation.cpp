#include "simulation.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json_access.h"
#include "session/session.h"

namespace kefu::sim {

namespace {

using session::Session;
using session::SessionConfig;
using session::SeededRandom;

constexpr std::int64_t kStart = 1'764'000'000'000;
constexpr std::int64_t kFaultPhaseMs = 10 * 60 * 1000;  // faults happen in the first 10 minutes
constexpr std::int64_t kHealMs = 30 * 60 * 1000;        // then the network heals for 30

// The reference behaviour of the real server, reduced to what delivery depends on.
struct ServerConversation {
  struct Stored {
    std::string author;
    std::string text;
    std::string cmid;
  };
  std::vector<Stored> messages;  // index + 1 = seq
  std::map<std::string, std::int64_t> seqOfCmid;
  std::map<std::string, std::int64_t> expectedCseq;  // per client epoch
};

struct PendingCommit {
  std::string epoch;
  Json frame;
  int connection;
};

class World {
 public:
  explicit World(const SimOptions& options) : options_(options), random_(options.seed * 0x9E3779B97F4A7C15ull + 1) {}

  SimResult run() {
    startClient(false);
    for (int i = 0; i < options_.visitorMessages; ++i) schedule(kStart + pick(0, kFaultPhaseMs), [this, i] { visitorTypes(i); });
    for (int i = 0; i < options_.agentMessages; ++i) schedule(kStart + pick(0, kFaultPhaseMs), [this] { agentWrites(); });
    for (std::int64_t t = kStart; t < kStart + kFaultPhaseMs; t += 1000) schedule(t, [this] { maybeFault(); });
    schedule(kStart + kFaultPhaseMs, [this] { healing_ = true; });
    // The visitor notices failed messages and presses retry, as the UI offers.
    for (std::int64_t t = kStart + kFaultPhaseMs; t < kStart + kFaultPhaseMs + kHealMs; t += 60000) schedule(t, [this] { retryFailed(); });
    while (!events_.empty()) {
      Event event = events_.top();
      events_.pop();
      if (event.at > kStart + kFaultPhaseMs + kHealMs) break;
      now_ = std::max(now_, event.at);
      event.action();
      if (failed_) break;
    }
    return check();
  }

 private:
  struct Event {
    std::int64_t at;
    std::uint64_t order;
    std::function<void()> action;
    bool operator<(const Event& other) const { return at != other.at ? at > other.at : order > other.order; }
  };

  std::int64_t pick(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(random_.unit() * static_cast<double>(high - low));
  }
  bool chance(double p) { return !healing_ && random_.unit() < p; }
  void schedule(std::int64_t at, std::function<void()> action) { events_.push({at, order_++, std::move(action)}); }
  std::int64_t clientNow() const { return now_ + clockOffset_; }

  // ---- client side -------------------------------------------------------------
  void startClient(bool restoring) {
    SessionConfig config;
    config.siteId = "sim";
    client_ = std::make_unique<Session>(config, nullptr);
    clientConnection_ = 0;
    if (restoring) {
      std::string snapshot = storedSnapshot_;
      auto error = client_->restore(snapshot, storedJournal_, random_.next(), clientNow());
      if (error) fail("restore failed: " + error->message);
    } else {
      client_->startFresh(random_.next(), "visitor-1", clientNow());
    }
    drainClient();
    observeDelivery();
  }

  void clientEvent(Json event) {
    event["now"] = clientNow();
    auto error = client_->handle(event);
    // Frames the client rejects (e.g. an ack for a message from before a lost reload)
    // are allowed; anything else is a bug in the simulation itself.
    (void)error;
    drainClient();
    observeDelivery();
  }

  void drainClient() {
    // Read into effects of their own first: a disconnect effect drains the client again
    // (closeConnection sends it `disconnected`) while this loop still goes through them.
    std::string text;
    client_->drainEffectsText(text);
    for (const session::Effect& effect : session::readEffects(text)) {
      switch (static_cast<session::EffectTag>(effect.tag)) {
        case session::EffectTag::send:
          if (clientConnection_ != 0 && clientConnection_ == serverConnection_) transmit(effect.text, true, clientConnection_);
          break;
        case session::EffectTag::snapshot:
          storedSnapshot_ = effect.text;
          storedJournal_.clear();
          break;
        case session::EffectTag::append:
          storedJournal_.insert(storedJournal_.end(), effect.records.begin(), effect.records.end());
          break;
        case session::EffectTag::connect: {
          const int connection = ++connectionCounter_;
          schedule(now_ + pick(5, 300), [this, connection] { openConnection(connection); });
          break;
        }
        case session::EffectTag::disconnect:
          closeConnection();
          break;
        case session::EffectTag::wake:
          if (const std::int64_t at = effect.number; at > 0) {
            const int generation = ++wakeGeneration_;
            const std::int64_t worldAt = std::max(now_ + 1, at - clockOffset_);
            schedule(worldAt, [this, generation] {
              if (generation == wakeGeneration_) clientEvent({{"type", "timer"}});
            });
          }
          break;
        default:
          break;  // render and notify: nothing the simulated visitor acts on
      }
    }
  }

  void openConnection(int connection) {
    if (serverDown_ || clientConnection_ != 0) {
      if (clientConnection_ == 0) clientEvent({{"type", "disconnected"}});
      return;
    }
    clientConnection_ = connection;
    serverConnection_ = connection;
    clientEvent({{"type", "connected"}});
  }

  void closeConnection() {
    if (clientConnection_ == 0) return;
    clientConnection_ = 0;
    serverConnection_ = 0;
    clientEvent({{"type", "disconnected"}});
  }

  void visitorTypes(int index) {
    const std::string text = "m" + std::to_string(index);
    clientEvent({{"type", "send_text"}, {"text", text}});
    sentTexts_.push_back(text);
  }

  void retryFailed() {
    for (const auto& entry : client_->outbox().entries()) {
      if (entry.delivery == session::Delivery::failed) {
        retried_.insert(entry.cmid);
        clientEvent({{"type", "retry"}, {"cmid", entry.cmid}});
        return;  // one retry re-queues every failed message
      }
    }
  }

  void observeDelivery() {
    for (const auto& entry : client_->outbox().entries()) {
      const int rank = session::deliveryRank(entry.delivery);
      auto& seen = highestRank_[entry.cmid];
      if (rank < 0 || retried_.count(entry.cmid)) {
        if (rank >= 0) retried_.erase(entry.cmid), seen = rank;
        continue;
      }
      if (rank < seen && result_.regressions++ == 0) note("delivery of " + entry.cmid + " went backwards");
      seen = std::max(seen, rank);
    }
  }

  // ---- network -----------------------------------------------------------------
  void transmit(const std::string& text, bool toServer, int connection) {
    if (chance(options_.dropRate)) return;
    const int copies = chance(options_.duplicateRate) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      schedule(now_ + pick(1, 250), [this, text, toServer, connection] {
        if (connection != serverConnection_ || connection != clientConnection_) return;  // the line broke meanwhile
        if (toServer) {
          serverReceives(text, connection);
        } else {
          clientEvent({{"type", "frame"}, {"text", text}});
        }
      });
    }
  }

  void serverSend(const Json& frame) {
    if (serverConnection_ != 0) transmit(toJsonText(frame), false, serverConnection_);
  }

  // ---- server side ---------------------------------------------------------------
  void serverReceives(const std::string& text, int connection) {
    auto parsed = protocol::parseFrame(text, protocol::Direction::toServer, protocol::ProtocolLimits{});
    if (!parsed.ok()) return fail("client sent an invalid frame: " + parsed.error().message);
    const Json& frame = parsed.value();
    const std::string type = json::stringOr(frame, "type");
    if (type == "hello") {
      epoch_ = json::stringOr(frame, "epoch");
      serverSend({{"type", "welcome"}, {"v", 1}, {"sessionToken", "token-1"}, {"conversationId", "conv-1"},
                  {"lastSeq", static_cast<std::int64_t>(server_.messages.size())}, {"nextCseq", server_.expectedCseq[epoch_] + 1},
                  {"state", "with_agent"}, {"agentsOnline", true}});
    } else if (type == "message") {
      // Stored only when committed: a restart that loses uncommitted state drops it.
      uncommitted_.push_back({epoch_, frame, connection});
      schedule(now_ + pick(1, 20), [this] { commit(); });
    } else if (type == "resync") {
      const std::int64_t after = json::intOr(frame, "afterSeq");
      Json messages = Json::array();
      for (std::int64_t seq = after + 1; seq <= static_cast<std::int64_t>(server_.messages.size()) && messages.size() < 50; ++seq) {
        messages.push_back(messageFrame(seq));
      }
      serverSend({{"type", "resync"}, {"messages", messages}, {"lastSeq", static_cast<std::int64_t>(server_.messages.size())},
                  {"more", after + static_cast<std::int64_t>(messages.size()) < static_cast<std::int64_t>(server_.messages.size())}});
    }
  }

  void commit() {
    std::vector<PendingCommit> batch;
    batch.swap(uncommitted_);
    for (const auto& pending : batch) {
      const Json& frame = pending.frame;
      const std::string cmid = json::stringOr(frame, "cmid");
      const std::int64_t cseq = json::intOr(frame, "cseq");
      auto& expected = server_.expectedCseq[pending.epoch];
      auto known = server_.seqOfCmid.find(cmid);
      if (known != server_.seqOfCmid.end() && !options_.brokenServerWithoutDedup) {
        ack(cmid, cseq, known->second, pending.connection);
        continue;
      }
      // Without dedup a server can only trust that a retry is new: it stores it again.
      const bool acceptsRetries = options_.brokenServerWithoutDedup && cseq <= expected;
      if (cseq != expected + 1 && !options_.brokenServerIgnoresCseq && !acceptsRetries) {
        if (cseq > expected + 1 && pending.connection == serverConnection_) {
          serverSend({{"type", "nack"}, {"cmid", cmid}, {"expectedCseq", expected + 1}});
        }
        continue;
      }
      expected = std::max(expected, cseq);
      const std::int64_t seq = store({"visitor", json::stringOr(frame, "text"), cmid});
      server_.seqOfCmid[cmid] = seq;
      ack(cmid, cseq, seq, pending.connection);
      if (pending.connection == serverConnection_) serverSend(messageFrame(seq));  // the echo other tabs see
    }
  }

  void ack(const std::string& cmid, std::int64_t cseq, std::int64_t seq, int connection) {
    if (connection != serverConnection_) return;
    serverSend({{"type", "ack"}, {"cmid", cmid}, {"cseq", cseq}, {"seq", seq}, {"serverId", "conv-1:" + std::to_string(seq)}});
  }

  std::int64_t store(ServerConversation::Stored message) {
    server_.messages.push_back(std::move(message));
    return static_cast<std::int64_t>(server_.messages.size());
  }

  Json messageFrame(std::int64_t seq) const {
    const auto& stored = server_.messages[static_cast<std::size_t>(seq - 1)];
    Json frame{{"type", "msg"}, {"seq", seq}, {"serverId", "conv-1:" + std::to_string(seq)}, {"author", stored.author},
               {"text", stored.text}, {"time", std::max<std::int64_t>(now_, 0)}};
    if (!stored.cmid.empty()) frame["cmid"] = stored.cmid;
    return frame;
  }

  void agentWrites() {
    if (serverDown_) return schedule(now_ + 5000, [this] { agentWrites(); });
    const std::int64_t seq = store({"agent", "a" + std::to_string(++agentCounter_), ""});
    serverSend(messageFrame(seq));
  }

  // ---- faults --------------------------------------------------------------------
  void maybeFault() {
    if (chance(options_.disconnectRate)) closeConnection();
    if (chance(options_.serverRestartRate)) {
      const bool loseUncommitted = random_.unit() < 0.5;
      if (loseUncommitted) {
        uncommitted_.clear();
      } else {
        commit();
      }
      closeConnection();
      serverDown_ = true;
      schedule(now_ + pick(1000, 20000), [this] { serverDown_ = false; });
    }
    if (chance(options_.reloadRate)) {
      closeConnection();
      ++wakeGeneration_;
      startClient(true);
    }
    if (chance(options_.clockJumpRate)) {
      clockOffset_ += random_.unit() < 0.7 ? pick(1000, 600000) : -pick(1000, 60000);
      clientEvent({{"type", "timer"}});
    }
  }

  // ---- verdict -------------------------------------------------------------------
  void note(const std::string& problem) {
    if (result_.detail.empty()) result_.detail = problem;
  }
  void fail(const std::string& problem) {
    note(problem);
    failed_ = true;
    result_.lost += 1;
  }

  SimResult check() {
    result_.messages = static_cast<int>(sentTexts_.size());
    std::map<std::string, int> storedCount;
    std::vector<std::string> storedOrder;
    for (const auto& message : server_.messages) {
      if (message.author != "visitor") continue;
      if (storedCount[message.text]++ == 0) storedOrder.push_back(message.text);
    }
    std::set<std::string> failedTexts;
    for (const auto& entry : client_->outbox().entries()) {
      if (entry.delivery == session::Delivery::failed) failedTexts.insert(json::stringOr(Json::parse(entry.frame, nullptr, false), "text"));
    }
    for (const auto& text : sentTexts_) {
      const int count = storedCount[text];
      if (count == 0 && !failedTexts.count(text) && result_.lost++ == 0) {
        std::string state = " (not in the client outbox)";
        for (const auto& entry : client_->outbox().entries()) {
          if (json::stringOr(Json::parse(entry.frame, nullptr, false), "text") == text) {
            state = " (client: " + std::string(session::deliveryName(entry.delivery)) + ", cseq " + std::to_string(entry.cseq) +
                    ", attempts " + std::to_string(entry.attempts) + "; server expects cseq " +
                    std::to_string(server_.expectedCseq[entry.cmid.substr(2, 8)] + 1) + ", connected " +
                    std::to_string(client_->connected()) + ")";
          }
        }
        note(text + " was never stored" + state);
      }
      if (count > 1 && result_.duplicated++ == 0) note(text + " was stored " + std::to_string(count) + " times");
    }
    std::map<std::string, std::size_t> sendIndex;
    for (std::size_t i = 0; i < sentTexts_.size(); ++i) sendIndex[sentTexts_[i]] = i;
    for (std::size_t i = 1; i < storedOrder.size(); ++i) {
      if (sendIndex[storedOrder[i]] < sendIndex[storedOrder[i - 1]] && result_.reordered++ == 0) {
        note(storedOrder[i] + " was stored after " + storedOrder[i - 1]);
      }
    }
    // Every agent message shown exactly once, in seq order.
    std::map<std::string, int> shown;
    std::int64_t previousSeq = 0;
    for (const auto& message : client_->messages()) {
      if (message.author != "agent") continue;
      if (shown[message.text]++ == 1 && result_.shownTwice++ == 0) note(message.text + " shown twice");
      if (message.seq <= previousSeq && result_.shownOutOfOrder++ == 0) note(message.text + " shown out of order");
      previousSeq = message.seq;
    }
    for (const auto& message : server_.messages) {
      if (message.author == "agent" && !shown.count(message.text) && result_.missingShown++ == 0) note(message.text + " never shown");
    }
    return result_;
  }

  SimOptions options_;
  SeededRandom random_;
  std::priority_queue<Event> events_;
  std::uint64_t order_ = 0;
  std::int64_t now_ = kStart;
  std::int64_t clockOffset_ = 0;
  bool healing_ = false;
  bool failed_ = false;

  std::unique_ptr<Session> client_;
  std::string storedSnapshot_;
  std::vector<std::string> storedJournal_;
  int connectionCounter_ = 0;
  int clientConnection_ = 0;
  int serverConnection_ = 0;
  int wakeGeneration_ = 0;
  std::vector<std::string> sentTexts_;
  std::map<std::string, int> highestRank_;
  std::set<std::string> retried_;

  ServerConversation server_;
  std::vector<PendingCommit> uncommitted_;
  std::string epoch_;
  bool serverDown_ = false;
  int agentCounter_ = 0;

  SimResult result_;
};

}  // namespace

SimResult runSimulation(const SimOptions& options) { return World(options).run(); }

}  // namespace kefu::sim
