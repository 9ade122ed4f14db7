// Slows down mass registration: at most `perHour` registration attempts per
// client address per hour, as one token bucket per address that holds
// `perHour` and refills evenly over the hour. IPv6 addresses count per /64
// (addressKey()), since one host commonly holds the whole /64.
//
// Pure bookkeeping: no I/O, no clock (the caller passes a monotonic nowMs),
// not thread-safe; for the loop thread. Owns its table, which is bounded: at
// most maxAddresses entries, the least recently used forgotten first (a
// forgotten address starts again with a full bucket).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "auth/LruTable.h"
#include "auth/TokenBucket.h"

namespace chatd::auth {

class RegistrationThrottle {
 public:
  // perHour 0: no limit.
  explicit RegistrationThrottle(uint32_t perHour, size_t maxAddresses = 100'000)
      : perHour_(perHour), buckets_(maxAddresses) {}

  // Counts one registration from `address` and answers nullopt, or, when the
  // address has used its allowance, counts nothing and answers the seconds
  // until the next one (at least 1), for a Retry-After header.
  std::optional<uint32_t> admit(std::string_view address, uint64_t nowMs);

  size_t trackedAddresses() const { return buckets_.size(); }

 private:
  uint32_t perHour_;
  LruTable<TokenBucket> buckets_;  // by addressKey()
};

}  // namespace chatd::auth
