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
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    const OutboxEntry& entry = entries_[i];
    if (acknowledged(entry)) continue;
    ++count;
    bytes += entry.textBytes;
  }
  return count < limits_.maxCount && bytes <= limits_.maxBytes;
}

void Outbox::add(OutboxEntry entry) {
  positionByCmid_[entry.cmid] = dropped_ + entries_.size();
  entries_.push_back(std::move(entry));
}

std::size_t Outbox::firstInFlight() const {
  // Valid because an acknowledged entry never becomes unacknowledged again.
  while (inFlightHint_ < entries_.size() && acknowledged(entries_[inFlightHint_])) ++inFlightHint_;
  return inFlightHint_;
}

std::int64_t Outbox::backoff(int attempts, SeededRandom& random) const {
  std::int64_t delay = limits_.backoffInitialMs;
  for (int i = 1; i < attempts && delay < limits_.backoffMaxMs; ++i) delay *= 2;
  delay = std::min(delay, limits_.backoffMaxMs);
  // Jitter spreads the retries of many visitors after a server restart.
  return delay / 2 + static_cast<std::int64_t>(random.unit() * static_cast<double>(delay / 2));
}

std::vector<const OutboxEntry*> Outbox::due(std::int64_t now, SeededRandom& random, std::vector<std::string>* firstSends) {
  std::vector<const OutboxEntry*> ready;
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    OutboxEntry& entry = entries_[i];
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
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    OutboxEntry& entry = entries_[i];
    if (!acknowledged(entry) && entry.delivery != Delivery::failed) entry.awaitingSend = true;
  }
}

bool Outbox::onAck(const std::string& cmid, std::int64_t seq) {
  OutboxEntry* entry = find(cmid);
  if (entry == nullptr) return false;
  if (!acknowledged(*entry)) {
    // Already covered by the agent's read receipt: read at once.
    entry->delivery = seq <= readUpTo_ ? Delivery::read : Delivery::delivered;
    entry->seq = seq;
    ++acknowledgedCount_;
  }
  return true;
}

void Outbox::onNack(std::int64_t expectedCseq, std::int64_t) {
  // The server is missing `expectedCseq`: send it and everything after it again, in order.
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    OutboxEntry& entry = entries_[i];
    if (entry.cseq >= expectedCseq && !acknowledged(entry) && entry.delivery != Delivery::failed) entry.awaitingSend = true;
  }
}

std::vector<std::string> Outbox::onReadUpTo(std::int64_t seq) {
  std::vector<std::string> changed;
  // Entries acknowledged later compare against readUpTo_ in onAck, so an unchanged
  // read position has nothing new to mark.
  if (seq <= readUpTo_) return changed;
  readUpTo_ = seq;
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
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    OutboxEntry& entry = entries_[i];
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
  const OutboxEntry* target = find(cmid);
  if (target == nullptr || target->delivery != Delivery::failed) return false;
  // Order is kept: retrying one failed message retries every failed message, oldest first.
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    OutboxEntry& entry = entries_[i];
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
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    const OutboxEntry& entry = entries_[i];
    if (entry.delivery == Delivery::failed) break;
    if (acknowledged(entry) || entry.awaitingSend) continue;
    if (wake == 0 || entry.nextAttemptAt < wake) wake = entry.nextAttemptAt;
  }
  return wake;
}

std::int64_t Outbox::nextExpiry() const {
  std::int64_t expiry = 0;
  for (std::size_t i = firstInFlight(); i < entries_.size(); ++i) {
    const OutboxEntry& entry = entries_[i];
    if (deliveryRank(entry.delivery) < 0 || deliveryRank(entry.delivery) >= 2) continue;
    const std::int64_t at = entry.createdAt + limits_.maxAgeMs + 1;
    if (expiry == 0 || at < expiry) expiry = at;
  }
  return expiry;
}

const OutboxEntry* Outbox::find(const std::string& cmid) const {
  auto indexed = positionByCmid_.find(cmid);
  if (indexed == positionByCmid_.end() || indexed->second < dropped_) return nullptr;
  return &entries_[indexed->second - dropped_];
}

OutboxEntry* Outbox::find(const std::string& cmid) {
  return const_cast<OutboxEntry*>(static_cast<const Outbox*>(this)->find(cmid));
}

void Outbox::trimAcknowledged(std::size_t keep) {
  if (acknowledgedCount_ <= keep) return;
  std::size_t toDrop = acknowledgedCount_ - keep;
  // The usual case: the oldest entries are the acknowledged ones.
  while (toDrop > 0 && !entries_.empty() && acknowledged(entries_.front())) {
    positionByCmid_.erase(entries_.front().cmid);
    entries_.pop_front();
    ++dropped_;
    --toDrop;
    --acknowledgedCount_;
    if (inFlightHint_ > 0) --inFlightHint_;
  }
  if (toDrop == 0) return;
  // An ack overtook an older message (its own ack was lost): drop the oldest acknowledged
  // entries wherever they are and renumber.
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const OutboxEntry& entry) {
                                  if (toDrop == 0 || !acknowledged(entry)) return false;
                                  --toDrop;
                                  --acknowledgedCount_;
                                  return true;
                                }),
                 entries_.end());
  positionByCmid_.clear();
  dropped_ = 0;
  inFlightHint_ = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) positionByCmid_[entries_[i].cmid] = i;
}

std::size_t Outbox::unacknowledged() const { return entries_.size() - acknowledgedCount_; }

}  // namespace kefu::session
