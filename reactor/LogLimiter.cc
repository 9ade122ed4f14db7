#include "reactor/LogLimiter.h"

#include <ctime>

namespace chatd::reactor {

std::optional<uint64_t> LogLimiter::admit(uint64_t nowMs) {
  if (written_ && nowMs - lastWrittenMs_ < kIntervalMs) {
    ++leftOut_;
    return std::nullopt;
  }
  written_ = true;
  lastWrittenMs_ = nowMs;
  const uint64_t leftOut = leftOut_;
  leftOut_ = 0;
  return leftOut;
}

uint64_t LogLimiter::nowMs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1'000'000;
}

}  // namespace chatd::reactor
