#include "session/message_list.h"

#include <algorithm>

namespace kefu::session {

namespace {

// Agent and system messages count as unread; the visitor's own and local bot replies
// (id "bot:<cmid>", numbered only when the server records them) do not.
bool countsAsUnread(const MessageRecord& message) {
  return message.seq > 0 && message.author != "visitor" && message.id.rfind("bot:", 0) != 0;
}

}  // namespace

void MessageList::append(MessageRecord message) {
  // Server messages are applied in seq order, so countable seqs arrive ascending.
  if (countsAsUnread(message) && (countableSeqs_.empty() || message.seq > countableSeqs_.back())) {
    countableSeqs_.push_back(message.seq);
  }
  positionById_[message.id] = trimmed_ + messages_.size();
  messages_.push_back(std::move(message));
}

void MessageList::trim() {
  while (messages_.size() > limit_) {
    const MessageRecord& oldest = messages_.front();
    if (!countableSeqs_.empty() && countableSeqs_.front() <= oldest.seq && countsAsUnread(oldest)) countableSeqs_.pop_front();
    auto indexed = positionById_.find(oldest.id);
    if (indexed != positionById_.end() && indexed->second == trimmed_) positionById_.erase(indexed);
    messages_.pop_front();
    ++trimmed_;
  }
}

MessageRecord* MessageList::find(const std::string& id) {
  auto indexed = positionById_.find(id);
  if (indexed == positionById_.end() || indexed->second < trimmed_) return nullptr;
  return &messages_[static_cast<std::size_t>(indexed->second - trimmed_)];
}

std::int64_t MessageList::unreadAbove(std::int64_t seenUpTo) const {
  return countableSeqs_.end() - std::upper_bound(countableSeqs_.begin(), countableSeqs_.end(), seenUpTo);
}

}  // namespace kefu::session
