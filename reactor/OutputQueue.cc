#include "reactor/OutputQueue.h"

namespace chatd::reactor {

// Part of the ~263 bytes an idle WebSocket costs (bench/RESULTS.md; docs/architecture.md, "What an idle WebSocket costs").
static_assert(sizeof(OutputQueue) <= 32, "OutputQueue grew: the idle-WebSocket figure grows with it");

OutputQueue::PushResult OutputQueue::push(BlockRef block) {
  if (bytes_ > 0 && bytes_ + block.size() > limit_) return PushResult::kRefused;
  if (!pushUnbounded(std::move(block))) return PushResult::kRefused;
  return bytes_ >= limit_ ? PushResult::kFull : PushResult::kQueued;
}

bool OutputQueue::pushUnbounded(BlockRef block) {
  if (block.size() == 0) return true;
  if (block.size() > kMaxBytes - bytes_) return false;
  bytes_ += static_cast<uint32_t>(block.size());
  blocks_.push_back(std::move(block));
  return true;
}

int OutputQueue::fillIovecs(iovec* iov, int max) const {
  int n = 0;
  for (size_t i = head_; i < blocks_.size() && n < max; ++i, ++n) {
    const size_t skip = (i == head_) ? size_t{headOffset_} : 0;
    iov[n].iov_base = const_cast<uint8_t*>(blocks_[i].data() + skip);
    iov[n].iov_len = blocks_[i].size() - skip;
  }
  return n;
}

void OutputQueue::consume(size_t written) {
  bytes_ -= static_cast<uint32_t>(written);
  while (written > 0) {
    const size_t left = blocks_[head_].size() - headOffset_;
    if (written < left) {
      headOffset_ += static_cast<uint32_t>(written);
      return;
    }
    written -= left;
    blocks_[head_] = BlockRef();
    ++head_;
    headOffset_ = 0;
  }
  if (head_ == blocks_.size()) {
    clear();
  } else if (head_ >= 64 && head_ * 2 >= blocks_.size()) {
    // Compact so a long-lived busy queue does not grow its storage forever.
    blocks_.dropFront(head_);
    head_ = 0;
  }
}

void OutputQueue::clear() {
  // Give the storage back: most connections are idle most of the time, and an
  // idle one should cost nothing here.
  blocks_.clear();
  head_ = 0;
  headOffset_ = 0;
  bytes_ = 0;
}

}  // namespace chatd::reactor
