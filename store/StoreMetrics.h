// What the store backends measure for /metrics: each operation that has one
// completion point in the code, timed from its start to its completion, and
// how many of them failed. Owned by the application and lent to the backend
// through StoreOptions (null: nothing measured).
#pragma once

#include <cstdint>

#include "reactor/EventLoop.h"
#include "reactor/LatencyHistogram.h"

namespace chatd::store {

struct OperationMetrics {
  reactor::LatencyHistogram latency;  // every completed operation, failed ones included
  uint64_t failed = 0;

  void completed(uint64_t startedUs, bool ok) {
    latency.record(reactor::EventLoop::monotonicUs() - startedUs);
    if (!ok) ++failed;
  }
};

struct StoreMetrics {
  // sqlite: one group commit, BEGIN to COMMIT (or ROLLBACK), every write of
  // one loop iteration; its acks wait for it.
  OperationMetrics sqliteCommit;
  // redis: one command, from being queued to its answer (or its timeout, or
  // the connection's loss: failed), on any connection but a subscriber's.
  OperationMetrics redisCommand;
};

}  // namespace chatd::store
