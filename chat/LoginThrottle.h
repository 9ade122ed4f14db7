// Slows down password guessing: counts failed logins per client address and
// per username, and once either has used its free failures, refuses further
// attempts for a delay that doubles with every failure after that (1 s, 2 s,
// 4 s ... up to 15 min). Two counters because they stop different attacks:
// the username one a botnet guessing one account from many addresses, the
// address one a single client spraying passwords across many accounts.
//
// Pure bookkeeping: no I/O, no clock (the caller passes a monotonic nowMs),
// not thread-safe. Use it on the loop thread: ask retryAfterSeconds before
// handing a login to the worker pool, record the outcome in the completion.
// Logins already in flight when the limit is reached still count when they
// finish, so the caller should allow one login in flight per connection.
//
// Memory is bounded: each kind keeps at most maxKeysPerKind keys, evicting
// the one whose last failure is oldest, and keys are cut to kMaxKeyBytes, so
// a flood of made-up usernames costs a fixed amount. The price is that such a
// flood can push out a real account's counter; the flooder's own address
// counter still holds it back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chatd::chat {

struct LoginThrottleLimits {
  uint32_t freeFailuresPerUsername = 5;
  uint32_t freeFailuresPerIp = 20;  // higher: NAT and shared offices
  uint64_t firstDelayMs = 1'000;
  uint64_t maxDelayMs = 15 * 60 * 1'000;
  // A key with no failure for this long is forgotten. Raised to at least
  // twice maxDelayMs: a client failing as often as the cap allows is never
  // forgotten between failures (which would hand it free failures again).
  uint64_t forgetAfterMs = 60 * 60 * 1'000;
  size_t maxKeysPerKind = 100'000;
};

class LoginThrottle {
 public:
  // Longer keys are cut: no valid username or address comes near it.
  static constexpr size_t kMaxKeyBytes = 128;

  explicit LoginThrottle(const LoginThrottleLimits& limits = {});

  // `ip` is the client's address as a key: for IPv6 pass its /64 prefix, since
  // one host commonly holds the whole /64. `usernameKey` is the username as
  // the caller compares them (case-folded). An empty key is not tracked.
  //
  // nullopt: the login may be tried. Otherwise the seconds to wait (at least
  // 1), for a Retry-After header.
  std::optional<uint32_t> retryAfterSeconds(std::string_view ip, std::string_view usernameKey,
                                            uint64_t nowMs) const;
  void recordFailure(std::string_view ip, std::string_view usernameKey, uint64_t nowMs);
  // Clears the username's counter only: if a success also cleared the
  // address, an attacker holding one real account could log into it between
  // guesses at others and never be slowed down.
  void recordSuccess(std::string_view usernameKey);

  size_t trackedKeys() const { return ips_.size() + usernames_.size(); }

 private:
  // One kind's counters, most recent failure first.
  class FailureTable {
   public:
    FailureTable(uint32_t freeFailures, const LoginThrottleLimits& limits);
    // index_ views strings inside order_'s nodes: a copy would view the original's.
    FailureTable(const FailureTable&) = delete;
    FailureTable& operator=(const FailureTable&) = delete;

    // When the key's next attempt may be made: 0 while it is unknown or has
    // free failures left.
    uint64_t refusedUntilMs(std::string_view key) const;
    void recordFailure(std::string_view key, uint64_t nowMs);
    void forget(std::string_view key);
    size_t size() const { return index_.size(); }

   private:
    struct Entry {
      std::string key;
      uint32_t failures = 0;
      uint64_t lastFailureMs = 0;
    };
    using Order = std::list<Entry>;

    bool isForgotten(const Entry& entry, uint64_t nowMs) const;
    void forgetIdle(uint64_t nowMs);

    uint32_t freeFailures_;
    LoginThrottleLimits limits_;
    // Front: the most recent failure; as nowMs never goes back, the back is
    // the oldest. List nodes never move.
    Order order_;
    // Keys view the strings inside order_'s nodes.
    std::unordered_map<std::string_view, Order::iterator> index_;
  };

  FailureTable ips_;
  FailureTable usernames_;
};

}  // namespace chatd::chat
