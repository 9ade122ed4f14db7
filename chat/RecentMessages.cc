#include "chat/RecentMessages.h"

namespace chatd::chat {

void RecentMessages::push(int64_t seq, reactor::BlockRef frame) {
  if (!entries_.empty() && seq != lastSeq() + 1) {
    entries_.clear();
    bytes_ = 0;
  }
  bytes_ += frame.size();
  entries_.push_back(Entry{seq, std::move(frame)});
  while (entries_.size() > kMaxMessages || (bytes_ > kMaxBytes && entries_.size() > 1)) {
    bytes_ -= entries_.front().frame.size();
    entries_.pop_front();
  }
}

void RecentMessages::invalidateThrough(int64_t seq) {
  while (!entries_.empty() && entries_.front().seq <= seq) {
    bytes_ -= entries_.front().frame.size();
    entries_.pop_front();
  }
}

}  // namespace chatd::chat
