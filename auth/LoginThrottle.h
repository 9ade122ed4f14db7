// Slows down password guessing with three AttemptTables, each stopping a
// different attack without locking out users who are not under attack:
//   - per (address, username): one client guessing one account;
//   - per username: a botnet guessing one account from many addresses (such
//     an account is under attack: even its right password waits);
//   - per address, a ceiling far above one user's typing errors: a client
//     spraying guesses across many accounts. Past it, the address may no
//     longer try accounts that have failed logins, but a login for an
//     account with none still goes ahead: behind a proxy every user shares
//     one address, and one attacker there must not lock them all out.
// Every login counts from the moment it begins (begin() before the hash,
// finish() when the answer is known), so parallel guesses cannot all slip in
// before the first failure is recorded.
//
// Addresses are keyed by addressKey() (IPv6 by its /64). Pure bookkeeping:
// no I/O, no clock (the caller passes a monotonic nowMs), not thread-safe:
// use it on the loop thread. Owns its tables; their memory is bounded (see
// AttemptTable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/AttemptTable.h"

namespace chatd::auth {

struct LoginThrottleLimits {
  uint32_t freeFailuresPerPair = 5;
  uint32_t freeFailuresPerUsername = 20;
  uint32_t freeFailuresPerAddress = 100;  // far above typing errors: NAT, proxies, offices
  uint64_t firstDelayMs = 1'000;
  uint64_t maxDelayMs = 15 * 60 * 1'000;
  uint64_t forgetAfterMs = 60 * 60 * 1'000;  // see BackoffPolicy
  size_t maxKeysPerKind = 100'000;
};

class LoginThrottle {
 public:
  enum class Outcome {
    kWrongPassword,  // counts as a failure
    kLoggedIn,       // clears the username's counters, not the address's
    kNotChecked,     // the password was never judged (store or queue trouble)
  };

  explicit LoginThrottle(const LoginThrottleLimits& limits = {});

  // `address` is the client's address text; `usernameKey` the username as the
  // caller compares them (case-folded). An empty key is not tracked.
  //
  // nullopt: the login may go ahead and counts as in flight until finish().
  // Otherwise the seconds to wait (at least 1), for a Retry-After header, and
  // nothing is recorded.
  std::optional<uint32_t> begin(std::string_view address, std::string_view usernameKey, uint64_t nowMs);
  // Ends a login that begin() let through. A success clears the username's
  // counters only: if it also cleared the address, an attacker holding one
  // real account could log into it between guesses at others.
  void finish(std::string_view address, std::string_view usernameKey, Outcome outcome);

  size_t trackedKeys() const { return addresses_.size() + usernames_.size() + pairs_.size(); }

 private:
  static std::string pairKey(std::string_view addressKey, std::string_view usernameKey);

  AttemptTable addresses_;
  AttemptTable usernames_;
  AttemptTable pairs_;
};

}  // namespace chatd::auth
