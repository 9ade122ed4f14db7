// When `chatd --workers N` starts a dead worker again: one RestartPolicy per
// worker slot keeps that slot's recent deaths. Pure (times are passed in, in
// milliseconds of a monotonic clock), so it is unit-tested without processes.
//
// Backoff: 100 ms after a death, doubling with each death that follows within
// 30 s of the worker's start, at most 5 s; a worker that ran 30 s starts the
// doubling over. Crash loop: more than 5 deaths of the slot within 60 s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace chatd::app {

class RestartPolicy {
 public:
  static constexpr int64_t kFirstBackoffMs = 100;
  static constexpr int64_t kMaxBackoffMs = 5'000;
  static constexpr int64_t kStableRunMs = 30'000;  // a worker that ran this long resets the backoff
  static constexpr size_t kCrashLoopDeaths = 5;    // more deaths than this within the window: a crash loop
  static constexpr int64_t kCrashLoopWindowMs = 60'000;

  struct Decision {
    bool crashLoop = false;  // stop restarting: the slot keeps dying
    int64_t delayMs = 0;     // else start the worker again after this
  };

  // The slot's worker, started at `startedMs`, died at `diedMs`.
  Decision onDeath(int64_t startedMs, int64_t diedMs);

 private:
  int64_t backoffMs_ = 0;          // the last delay given; 0 before the first death
  std::deque<int64_t> deathsMs_;   // within the crash-loop window of the last death
};

}  // namespace chatd::app
