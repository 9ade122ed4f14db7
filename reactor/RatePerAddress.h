// At most `perPeriod` actions per client address per period, as one token
// bucket per address that holds `perPeriod` and refills evenly over the
// period: registrations per hour (api/AccountApi), WebSocket upgrades per
// minute (server/ClientLimits). IPv6 addresses count per /64
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

#include "reactor/LruTable.h"
#include "reactor/TokenBucket.h"

namespace chatd::reactor {

class RatePerAddress {
 public:
  // perPeriod 0: no limit.
  RatePerAddress(uint32_t perPeriod, uint64_t periodMs, size_t maxAddresses = 100'000)
      : periodMs_(periodMs), buckets_(maxAddresses) {
    setPerPeriod(perPeriod);
  }

  // A new allowance (a reload): each address keeps what it has left, up to it.
  void setPerPeriod(uint32_t perPeriod) {
    perPeriod_ = perPeriod;
    perSecond_ = perPeriod * 1000.0 / static_cast<double>(periodMs_);
  }

  // Counts one action from `address` and answers nullopt, or, when the
  // address has used its allowance, counts nothing and answers the seconds
  // until the next one (at least 1), for a Retry-After header.
  std::optional<uint32_t> admit(std::string_view address, uint64_t nowMs);

  size_t trackedAddresses() const { return buckets_.size(); }

 private:
  uint64_t periodMs_;
  uint32_t perPeriod_ = 0;
  double perSecond_ = 0;
  LruTable<TokenBucket> buckets_;  // by addressKey()
};

}  // namespace chatd::reactor
