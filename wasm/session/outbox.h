#pragma once
// Visitor messages on their way to the server. Each gets its cmid and cseq before the
// first send attempt; the server stores a cseq only after all lower ones (so order is
// kept even when frames are lost) and deduplicates by cmid forever (so a retry is never
// a second copy). Delivery states only move forward: pending → sent → delivered →
// read; `failed` stops the queue (later messages cannot overtake it) until the visitor
// retries.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/json_text.h"
#include "session/random.h"

namespace kefu::session {

enum class Delivery { pending, sent, delivered, read, failed };
const char* deliveryName(Delivery delivery);
int deliveryRank(Delivery delivery);  // pending 0 < sent 1 < delivered 2 < read 3; failed -1

struct OutboxLimits {
  std::size_t maxCount = 200;            // messages waiting at once
  std::size_t maxBytes = 256u << 10;     // their text, in bytes
  int maxAttempts = 10;                  // sends without an ack before `failed`
  std::int64_t maxAgeMs = 60 * 60 * 1000;  // unacknowledged for an hour: `failed`
  std::int64_t ackTimeoutMs = 10000;     // connected but no ack: send again
  std::int64_t backoffInitialMs = 1000;
  std::int64_t backoffMaxMs = 30000;
};

struct OutboxEntry {
  std::string cmid;
  std::int64_t cseq = 0;
  std::string frame;  // the frame's JSON text to (re)send; written once, so every attempt is identical
  std::size_t textBytes = 0;  // the message text's size, for the outbox limit
  std::int64_t createdAt = 0;
  int attempts = 0;
  std::int64_t nextAttemptAt = 0;
  Delivery delivery = Delivery::pending;
  std::int64_t seq = 0;  // server seq once acknowledged
  bool awaitingSend = true;  // not yet on the current connection
};

class Outbox {
 public:
  explicit Outbox(OutboxLimits limits = {}) : limits_(limits) {}

  bool hasRoomFor(std::size_t textBytes) const;
  void add(OutboxEntry entry);
  // Entries to put on the wire now (in cseq order); marks them sent. `firstSends`
  // receives the cmids that left `pending` now (the session records them).
  std::vector<const OutboxEntry*> due(std::int64_t now, SeededRandom& random, std::vector<std::string>* firstSends = nullptr);
  // A new connection: everything unacknowledged goes again, in order.
  void onReconnected(std::int64_t now);
  bool onAck(const std::string& cmid, std::int64_t seq);
  void onNack(std::int64_t expectedCseq, std::int64_t now);
  // The agent has read up to `seq`; returns the cmids that became read.
  std::vector<std::string> onReadUpTo(std::int64_t seq);
  // A new conversation numbers from 1 again: forget the old read position.
  void resetReadCursor() { readUpTo_ = 0; }
  // Marks heads that ran out of attempts or age as failed (and everything behind them).
  std::vector<std::string> expire(std::int64_t now);
  bool retry(const std::string& cmid, std::int64_t now);
  std::int64_t nextWake() const;  // 0 when nothing is scheduled
  // When the oldest message still in flight runs out of age (0: none in flight).
  std::int64_t nextExpiry() const;

  const std::deque<OutboxEntry>& entries() const { return entries_; }
  std::deque<OutboxEntry>& entries() { return entries_; }
  const OutboxEntry* find(const std::string& cmid) const;
  OutboxEntry* find(const std::string& cmid);
  // Acknowledged entries are kept (for read receipts) up to this many.
  void trimAcknowledged(std::size_t keep);
  std::size_t unacknowledged() const;

 private:
  std::int64_t backoff(int attempts, SeededRandom& random) const;
  // Entries before this index are acknowledged. Acks arrive in cseq order almost always,
  // so the loops over what is still in flight start here instead of at the oldest entry.
  std::size_t firstInFlight() const;
  OutboxLimits limits_;
  std::deque<OutboxEntry> entries_;
  // cmid -> position, where position = dropped_ + index (trimming the front shifts indexes).
  std::unordered_map<std::string, std::size_t> positionByCmid_;
  std::size_t dropped_ = 0;
  mutable std::size_t inFlightHint_ = 0;
  std::int64_t readUpTo_ = 0;
  std::size_t acknowledgedCount_ = 0;
};

}  // namespace kefu::session
