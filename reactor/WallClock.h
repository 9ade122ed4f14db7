// The wall clock, for what clients and tokens see (server_time, created_at,
// exp). Timers and timeouts use the loop's monotonic clock instead.
#pragma once

#include <chrono>
#include <cstdint>

namespace chatd::reactor {

inline int64_t unixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t unixSeconds() { return unixMs() / 1000; }

}  // namespace chatd::reactor
