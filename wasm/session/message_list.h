#pragma once
// The messages the view shows: appended at the back, trimmed at the front to the newest
// `limit`, found by id, and counted as unread above a seq. Every per-event step is
// independent of the history's length.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "session/records.h"

namespace kefu::session {

class MessageList {
 public:
  explicit MessageList(std::size_t limit = 500) : limit_(limit) {}

  void append(MessageRecord message);
  // Drops the oldest messages beyond the limit.
  void trim();
  MessageRecord* find(const std::string& id);
  bool contains(const std::string& id) const {
    auto indexed = positionById_.find(id);
    return indexed != positionById_.end() && indexed->second >= trimmed_;
  }
  // Agent and system messages numbered above `seenUpTo`.
  std::int64_t unreadAbove(std::int64_t seenUpTo) const;
  // A new conversation numbers from 1 again: the old seqs no longer count as unread.
  void forgetUnread() { countableSeqs_.clear(); }

  bool empty() const { return messages_.empty(); }
  std::size_t size() const { return messages_.size(); }
  std::deque<MessageRecord>::const_iterator begin() const { return messages_.begin(); }
  std::deque<MessageRecord>::const_iterator end() const { return messages_.end(); }

 private:
  std::size_t limit_;
  std::deque<MessageRecord> messages_;
  std::unordered_map<std::string, std::uint64_t> positionById_;  // position = trimmed_ + index
  std::uint64_t trimmed_ = 0;
  // seqs of the messages that count as unread when above the seen seq (agent and system,
  // numbered by the server), ascending: unread is one binary search.
  std::deque<std::int64_t> countableSeqs_;
};

}  // namespace kefu::session
