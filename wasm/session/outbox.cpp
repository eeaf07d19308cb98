#include "session/outbox.h"

#include <algorithm>

namespace kefu::session {

const char* deliveryName(Delivery delivery) {
  switch (delivery) {
    case Delivery::pending: return "pending";
    case Delivery::sent: return "sent";
    case Delivery::delivered: return "delivered";
    case Delivery::read: return "read";
    case Delivery::failed: return "failed";
  }
  return "pending";
}

int deliveryRank(Delivery delivery) {
  return delivery == Delivery::failed ? -1 : static_cast<int>(delivery);
}

namespace {
bool acknowledged(const OutboxEntry& entry) {
  return entry.delivery == Delivery::delivered || entry.delivery == Delivery::read;
}
}  // namespace

bool Outbox::hasRoomFor(std::size_t textBytes) const {
  std::size_t count = 0;
  std::size_t bytes = textBytes;
  for (const auto& entry : entries_) {
    if (acknowledged(entry)) continue;
    ++count;
    auto text = entry.frame.find("text");
    if (text != entry.frame.end() && text->is_string()) bytes += text->get_ref<const std::string&>().size();
  }
  return count < limits_.maxCount && bytes <= limits_.maxBytes;
}

void Outbox::add(OutboxEntry entry) { entries_.push_back(std::move(entry)); }

std::int64_t Outbox::backoff(int attempts, SeededRandom& random) const {
  std::int64_t delay = limits_.backoffInitialMs;
  for (int i = 1; i < attempts && delay < limits_.backoffMaxMs; ++i) delay *= 2;
  delay = std::min(delay, limits_.backoffMaxMs);
  // Jitter spreads the retries of many visitors after a server restart.
  return delay / 2 + static_cast<std::int64_t>(random.unit() * static_cast<double>(delay / 2));
}

std::vector<const OutboxEntry*> Outbox::due(std::int64_t now, SeededRandom& random, std::vector<std::string>* firstSends) {
  std::vector<const OutboxEntry*> ready;
  for (auto& entry : entries_) {
    if (entry.delivery == Delivery::failed) break;  // nothing overtakes a failed message
    if (acknowledged(entry)) continue;
    if (!entry.awaitingSend && entry.nextAttemptAt > now) continue;
    entry.awaitingSend = false;
    entry.attempts += 1;
    entry.nextAttemptAt = now + limits_.ackTimeoutMs + backoff(entry.attempts, random);
    if (entry.delivery == Delivery::pending) {
      entry.delivery = Delivery::sent;
      if (firstSends) firstSends->push_back(entry.cmid);
    }
    ready.push_back(&entry);
  }
  return ready;
}

void Outbox::onReconnected(std::int64_t) {
  for (auto& entry : entries_) {
    if (!acknowledged(entry) && entry.delivery != Delivery::failed) entry.awaitingSend = true;
  }
}

bool Outbox::onAck(const std::string& cmid, std::int64_t seq) {
  for (auto& entry : entries_) {
    if (entry.cmid != cmid) continue;
    if (!acknowledged(entry)) {
      entry.delivery = Delivery::delivered;
      entry.seq = seq;
    }
    return true;
  }
  return false;
}

void Outbox::onNack(std::int64_t expectedCseq, std::int64_t) {
  // The server is missing `expectedCseq`: send it and everything after it again, in order.
  for (auto& entry : entries_) {
    if (entry.cseq >= expectedCseq && !acknowledged(entry) && entry.delivery != Delivery::failed) entry.awaitingSend = true;
  }
}

std::vector<std::string> Outbox::onReadUpTo(std::int64_t seq) {
  std::vector<std::string> changed;
  for (auto& entry : entries_) {
    if (entry.delivery == Delivery::delivered && entry.seq <= seq) {
      entry.delivery = Delivery::read;
      changed.push_back(entry.cmid);
    }
  }
  return changed;
}

std::vector<std::string> Outbox::expire(std::int64_t now) {
  std::vector<std::string> failed;
  bool failing = false;
  for (auto& entry : entries_) {
    if (acknowledged(entry) || entry.delivery == Delivery::failed) continue;
    const bool exhausted = entry.attempts >= limits_.maxAttempts && entry.nextAttemptAt <= now;
    const bool tooOld = now - entry.createdAt > limits_.maxAgeMs;
    if (failing || exhausted || tooOld) {
      failing = true;
      entry.delivery = Delivery::failed;
      failed.push_back(entry.cmid);
    }
  }
  return failed;
}

bool Outbox::retry(const std::string& cmid, std::int64_t now) {
  auto target = std::find_if(entries_.begin(), entries_.end(), [&](const OutboxEntry& e) { return e.cmid == cmid; });
  if (target == entries_.end() || target->delivery != Delivery::failed) return false;
  // Order is kept: retrying one failed message retries every failed message, oldest first.
  for (auto& entry : entries_) {
    if (entry.delivery != Delivery::failed) continue;
    entry.delivery = Delivery::pending;
    entry.attempts = 0;
    entry.createdAt = now;
    entry.awaitingSend = true;
  }
  return true;
}

std::int64_t Outbox::nextWake() const {
  std::int64_t wake = 0;
  for (const auto& entry : entries_) {
    if (entry.delivery == Delivery::failed) break;
    if (acknowledged(entry) || entry.awaitingSend) continue;
    if (wake == 0 || entry.nextAttemptAt < wake) wake = entry.nextAttemptAt;
  }
  return wake;
}

const OutboxEntry* Outbox::find(const std::string& cmid) const {
  for (const auto& entry : entries_) {
    if (entry.cmid == cmid) return &entry;
  }
  return nullptr;
}

void Outbox::trimAcknowledged(std::size_t keep) {
  std::size_t acked = 0;
  for (const auto& entry : entries_) acked += acknowledged(entry) ? 1 : 0;
  if (acked <= keep) return;
  std::size_t toDrop = acked - keep;
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const OutboxEntry& entry) {
                                  if (toDrop == 0 || !acknowledged(entry)) return false;
                                  --toDrop;
                                  return true;
                                }),
                 entries_.end());
}

std::size_t Outbox::unacknowledged() const {
  std::size_t count = 0;
  for (const auto& entry : entries_) count += acknowledged(entry) ? 0 : 1;
  return count;
}

}  // namespace kefu::session
