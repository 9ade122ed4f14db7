#include "auth/LoginThrottle.h"

#include <algorithm>
#include <limits>

#include "reactor/AddressKey.h"

namespace chatd::auth {
namespace {

BackoffPolicy policy(uint32_t freeFailures, const LoginThrottleLimits& limits) {
  return BackoffPolicy{freeFailures, limits.firstDelayMs, limits.maxDelayMs, limits.forgetAfterMs,
                       limits.maxKeysPerKind};
}

}  // namespace

LoginThrottle::LoginThrottle(const LoginThrottleLimits& limits)
    : addresses_(policy(limits.freeFailuresPerAddress, limits)),
      usernames_(policy(limits.freeFailuresPerUsername, limits)),
      pairs_(policy(limits.freeFailuresPerPair, limits)) {}

std::string LoginThrottle::pairKey(std::string_view addressKey, std::string_view usernameKey) {
  // Both halves cut, so the pair stays within AttemptTable::kMaxKeyBytes; an
  // empty half leaves the pair untracked, like the key itself.
  constexpr size_t kHalf = AttemptTable::kMaxKeyBytes / 2 - 1;
  if (addressKey.empty() || usernameKey.empty()) return {};
  std::string key(addressKey.substr(0, kHalf));
  key += '\n';  // in neither an address nor a username
  key += usernameKey.substr(0, kHalf);
  return key;
}

std::optional<uint32_t> LoginThrottle::begin(std::string_view address, std::string_view usernameKey,
                                             uint64_t nowMs) {
  const std::string ip = reactor::addressKey(address);
  const std::string pair = pairKey(ip, usernameKey);
  uint64_t until = std::max(pairs_.refusedUntilMs(pair), usernames_.refusedUntilMs(usernameKey));
  // The address ceiling guards only accounts already failing: a right
  // password for an account nobody is guessing always gets through.
  if (usernames_.failures(usernameKey) > 0) until = std::max(until, addresses_.refusedUntilMs(ip));
  if (until > nowMs) {
    const uint64_t seconds = (until - nowMs + 999) / 1000;
    return static_cast<uint32_t>(std::min<uint64_t>(seconds, std::numeric_limits<uint32_t>::max()));
  }
  addresses_.begin(ip, nowMs);
  usernames_.begin(usernameKey, nowMs);
  pairs_.begin(pair, nowMs);
  return std::nullopt;
}

void LoginThrottle::finish(std::string_view address, std::string_view usernameKey, Outcome outcome) {
  const std::string ip = reactor::addressKey(address);
  const std::string pair = pairKey(ip, usernameKey);
  const bool failed = outcome == Outcome::kWrongPassword;
  addresses_.end(ip, failed);
  usernames_.end(usernameKey, failed);
  pairs_.end(pair, failed);
  if (outcome == Outcome::kLoggedIn) {
    usernames_.forget(usernameKey);
    pairs_.forget(pair);
  }
}

}  // namespace chatd::auth
