// What one client address may take of the server, so that one client cannot
// crowd out the others: at most `connectionsPerAddress` open connections
// (--max-connections-per-ip; past it a new one gets 503 and is closed), and
// WebSocket upgrades at `upgradesPerMinute` sustained, as many at once (one
// token bucket per address, --upgrades-per-ip-per-minute; past it 429).
// Addresses count by reactor::addressKey() (IPv6 by its /64). 0: no limit.
//
// Which address: a connection counts against its peer from accept on; one
// from a trusted proxy (TrustedProxies) is the proxy's, which is not
// counted, and its WebSocket counts, once upgraded, against the client the
// proxy names (HttpServer and Connection do the asking).
//
// Pure bookkeeping: no I/O, no clock (the caller passes a monotonic nowMs),
// for the loop thread. Owns the counts (an entry per address and per
// connection counted: bounded by --max-connections; none without a
// connection limit, so a Connection carries nothing for it) and the
// buckets (reactor::RatePerAddress, bounded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "reactor/RatePerAddress.h"

namespace chatd::server {

struct ClientLimitOptions {
  uint32_t connectionsPerAddress = 0;
  uint32_t upgradesPerMinute = 0;
};

class ClientLimits {
 public:
  explicit ClientLimits(ClientLimitOptions options)
      : connectionsPerAddress_(options.connectionsPerAddress),
        upgradesPerMinute_(options.upgradesPerMinute),
        upgrades_(options.upgradesPerMinute, kMinuteMs) {}

  // New limits (a reload). Each address keeps the upgrades it has left, up to
  // the new allowance. A connection limit set where there was none counts the
  // connections accepted from now on, not those already open.
  void setLimits(ClientLimitOptions options);

  // Whether any limit is set: with none, the callers need not look up addresses.
  bool active() const { return connectionsPerAddress_ != 0 || upgradesPerMinute_ != 0; }

  // Counts `connection` against `address` until release(): false when the
  // address holds its maximum already (refused, and counted so). With no
  // connection limit nothing is counted. A connection counts once: a second
  // call for it changes nothing.
  bool admitConnection(std::string_view address, const void* connection);
  bool counts(const void* connection) const { return counted_.count(connection) != 0; }
  void release(const void* connection);
  // A WebSocket upgrade from `address`: nullopt, or the seconds (at least 1)
  // until the address may upgrade again, for a Retry-After (counted).
  std::optional<uint32_t> admitUpgrade(std::string_view address, uint64_t nowMs);

  uint64_t connectionsRefused() const { return connectionsRefused_; }
  uint64_t upgradesRefused() const { return upgradesRefused_; }
  size_t countedAddresses() const { return perAddress_.size(); }

 private:
  static constexpr uint64_t kMinuteMs = 60'000;
  using Count = std::unordered_map<std::string, uint32_t>::value_type;

  uint32_t connectionsPerAddress_;
  uint32_t upgradesPerMinute_;
  std::unordered_map<std::string, uint32_t> perAddress_;    // open connections by addressKey()
  std::unordered_map<const void*, Count*> counted_;          // each counted connection's address
  reactor::RatePerAddress upgrades_;
  uint64_t connectionsRefused_ = 0;
  uint64_t upgradesRefused_ = 0;
};

}  // namespace chatd::server
