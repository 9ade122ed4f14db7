// A connection's pending output: references to shared Blocks, drained with
// one gathered write (sendmsg). Bounded in bytes: the owner decides what a full queue means
// (backpressure, dropping, closing); control output may bypass the bound so
// that pongs and closes always go out.
//
// Pure bookkeeping, no syscalls: fillIovecs() describes what to write and
// consume() records how much the kernel took, so partial writes are testable.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include "reactor/Block.h"
#include "reactor/BlockList.h"

namespace chatd::reactor {

class OutputQueue {
 public:
  enum class PushResult {
    kQueued,   // queued, below the limit
    kFull,     // queued, and the queue is now at or over its limit: stop producing
    kRefused,  // not queued: it would not fit (the queue was not empty)
  };

  // The most a queue ever holds (its counters are 32-bit: a queue is
  // per-connection state, repeated for every idle connection).
  static constexpr size_t kMaxBytes = UINT32_MAX;

  explicit OutputQueue(size_t limitBytes) { setLimit(limitBytes); }

  // Queues `block` if it fits. An empty queue always takes a block, however
  // large, so that a single message at the size limit can be sent.
  PushResult push(BlockRef block);
  // Queues `block` regardless of the limit (control frames). False, and not
  // queued, only if the queue would pass kMaxBytes: a peer that has left 4 GiB
  // unread is not reading at all.
  [[nodiscard]] bool pushUnbounded(BlockRef block);

  // Fills up to `max` iovecs with the unsent bytes, oldest first; returns the count.
  int fillIovecs(iovec* iov, int max) const;
  // Drops `bytes` written bytes from the front.
  void consume(size_t bytes);

  bool empty() const { return bytes_ == 0; }
  size_t bytes() const { return bytes_; }
  size_t limit() const { return limit_; }
  void setLimit(size_t limitBytes) { limit_ = static_cast<uint32_t>(limitBytes < kMaxBytes ? limitBytes : kMaxBytes); }
  void clear();

 private:
  BlockList blocks_;  // blocks_[head_..] are pending
  uint32_t bytes_ = 0;  // unsent bytes in total
  uint32_t limit_ = 0;
  uint32_t head_ = 0;
  uint32_t headOffset_ = 0;  // bytes of blocks_[head_] already written (blocks stay under 4 GiB)
};

}  // namespace chatd::reactor
