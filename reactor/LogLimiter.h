// One cause of log lines that a client can repeat at will (a bad request, a
// refused token): lets one line a second through and counts the rest, which
// the next line reports. A few words of state per cause, whatever the flood:
// each cause is one static instance, so memory is bounded by the code
// (LOG_EVENT_LIMITED in reactor/Log.h).
#pragma once

#include <cstdint>
#include <optional>

namespace chatd::reactor {

class LogLimiter {
 public:
  static constexpr uint64_t kIntervalMs = 1000;

  // nullopt: leave this line out (counted); else write it, reporting how many
  // were left out since the previous one.
  std::optional<uint64_t> admit(uint64_t nowMs);
  // A monotonic clock for callers outside the loop's callbacks.
  static uint64_t nowMs();

 private:
  uint64_t lastWrittenMs_ = 0;
  uint64_t leftOut_ = 0;
  bool written_ = false;
};

}  // namespace chatd::reactor
