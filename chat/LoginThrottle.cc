#include "chat/LoginThrottle.h"

#include <algorithm>
#include <limits>

namespace chatd::chat {
namespace {

std::string_view cut(std::string_view key) { return key.substr(0, LoginThrottle::kMaxKeyBytes); }

// firstDelayMs doubled once per failure past the free ones, capped.
uint64_t delayMs(uint32_t failuresPastFree, const LoginThrottleLimits& limits) {
  uint64_t delay = limits.firstDelayMs;
  for (uint32_t i = 0; i < failuresPastFree && delay != 0 && delay < limits.maxDelayMs; ++i) {
    delay *= 2;
  }
  return std::min(delay, limits.maxDelayMs);
}

// See LoginThrottleLimits::forgetAfterMs.
LoginThrottleLimits sane(LoginThrottleLimits limits) {
  limits.forgetAfterMs = std::max(limits.forgetAfterMs, 2 * limits.maxDelayMs);
  return limits;
}

}  // namespace

LoginThrottle::LoginThrottle(const LoginThrottleLimits& limits)
    : ips_(limits.freeFailuresPerIp, sane(limits)),
      usernames_(limits.freeFailuresPerUsername, sane(limits)) {}

std::optional<uint32_t> LoginThrottle::retryAfterSeconds(std::string_view ip,
                                                         std::string_view usernameKey,
                                                         uint64_t nowMs) const {
  const uint64_t until =
      std::max(ips_.refusedUntilMs(ip), usernames_.refusedUntilMs(usernameKey));
  if (until <= nowMs) return std::nullopt;
  const uint64_t seconds = (until - nowMs + 999) / 1000;
  return static_cast<uint32_t>(std::min<uint64_t>(seconds, std::numeric_limits<uint32_t>::max()));
}

void LoginThrottle::recordFailure(std::string_view ip, std::string_view usernameKey,
                                  uint64_t nowMs) {
  ips_.recordFailure(ip, nowMs);
  usernames_.recordFailure(usernameKey, nowMs);
}

void LoginThrottle::recordSuccess(std::string_view usernameKey) { usernames_.forget(usernameKey); }

LoginThrottle::FailureTable::FailureTable(uint32_t freeFailures, const LoginThrottleLimits& limits)
    : freeFailures_(freeFailures), limits_(limits) {}

uint64_t LoginThrottle::FailureTable::refusedUntilMs(std::string_view key) const {
  const auto found = index_.find(cut(key));
  if (found == index_.end()) return 0;
  // An idle entry the sweep has not reached yet needs no check: its refusal
  // ended before it went idle (forgetAfterMs >= 2 * maxDelayMs).
  const Entry& entry = *found->second;
  if (entry.failures < freeFailures_) return 0;
  return entry.lastFailureMs + delayMs(entry.failures - freeFailures_, limits_);
}

void LoginThrottle::FailureTable::recordFailure(std::string_view key, uint64_t nowMs) {
  key = cut(key);
  if (key.empty() || limits_.maxKeysPerKind == 0) return;
  forgetIdle(nowMs);
  const auto found = index_.find(key);
  if (found != index_.end()) {
    Entry& entry = *found->second;
    if (entry.failures < std::numeric_limits<uint32_t>::max()) ++entry.failures;
    entry.lastFailureMs = nowMs;
    order_.splice(order_.begin(), order_, found->second);
    return;
  }
  if (index_.size() >= limits_.maxKeysPerKind) {
    index_.erase(order_.back().key);
    order_.pop_back();
  }
  order_.push_front(Entry{std::string(key), 1, nowMs});
  index_.emplace(order_.front().key, order_.begin());
}

void LoginThrottle::FailureTable::forget(std::string_view key) {
  const auto found = index_.find(cut(key));
  if (found == index_.end()) return;
  const Order::iterator node = found->second;
  index_.erase(found);  // before the node: the map's key views its string
  order_.erase(node);
}

bool LoginThrottle::FailureTable::isForgotten(const Entry& entry, uint64_t nowMs) const {
  return nowMs >= entry.lastFailureMs && nowMs - entry.lastFailureMs >= limits_.forgetAfterMs;
}

void LoginThrottle::FailureTable::forgetIdle(uint64_t nowMs) {
  while (!order_.empty() && isForgotten(order_.back(), nowMs)) {
    index_.erase(order_.back().key);
    order_.pop_back();
  }
}

}  // namespace chatd::chat
