// The delays between attempts to reach Redis again: about 100 ms first, each
// failure doubling it up to 5 s, each delay drawn between half and all of its
// step (jitter), so that the nodes of a cluster do not all come back in the
// same millisecond after an outage. Owns its random generator.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

namespace chatd::store {

class RedisBackoff {
 public:
  RedisBackoff() : jitter_(std::random_device{}()) {}

  // The delay before the next attempt.
  uint64_t nextDelayMs() {
    stepMs_ = stepMs_ == 0 ? kFirstStepMs : std::min(kMaxStepMs, stepMs_ * 2);
    std::uniform_int_distribution<uint64_t> spread(stepMs_ / 2, stepMs_);
    return spread(jitter_);
  }
  // Reached: the next failure starts from the first step again.
  void reset() { stepMs_ = 0; }
  // Failed since the last reset().
  bool failing() const { return stepMs_ != 0; }

 private:
  static constexpr uint64_t kFirstStepMs = 100;
  static constexpr uint64_t kMaxStepMs = 5000;

  uint64_t stepMs_ = 0;
  std::minstd_rand jitter_;
};

}  // namespace chatd::store
