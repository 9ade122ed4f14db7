// A token bucket: `rate` actions per second sustained, `burst` at once.
// Starts full. Rate 0 means no limit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace chatd::reactor {

class TokenBucket {
 public:
  bool take(double rate, double burst, uint64_t nowMs) {
    if (rate <= 0) return true;
    if (lastMs_ == kNever) {
      tokens_ = burst;
    } else {
      tokens_ = std::min(burst, tokens_ + rate * static_cast<double>(nowMs - lastMs_) / 1000.0);
    }
    lastMs_ = nowMs;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // Whether the bucket has refilled to `burst` by `nowMs`: then it is no
  // different from a new one and need not be kept.
  bool fullAt(double rate, double burst, uint64_t nowMs) const {
    return lastMs_ == kNever || rate <= 0 || nowMs < lastMs_ ||
           tokens_ + rate * static_cast<double>(nowMs - lastMs_) / 1000.0 >= burst;
  }

  // After a refused take(): how long until the bucket holds one token again
  // at `rate` (> 0), for a Retry-After.
  uint64_t msUntilNext(double rate) const {
    return tokens_ >= 1 ? 0 : static_cast<uint64_t>(std::ceil((1 - tokens_) * 1000.0 / rate));
  }

 private:
  double tokens_ = 0;
  static constexpr uint64_t kNever = UINT64_MAX;
  uint64_t lastMs_ = kNever;
};

}  // namespace chatd::reactor
