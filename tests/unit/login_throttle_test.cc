// LoginThrottle driven by synthetic time: every call passes its own nowMs.
#include "chat/LoginThrottle.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chatd::chat {
namespace {

constexpr uint64_t kStart = 1'000'000;
constexpr uint64_t kHourMs = 60 * 60 * 1'000;

// Fails `count` logins for (ip, user), each one as soon as it is allowed;
// returns the time of the last failure.
uint64_t failWhenAllowed(LoginThrottle& throttle, std::string_view ip, std::string_view user,
                         int count, uint64_t nowMs) {
  for (int i = 0; i < count; ++i) {
    if (const std::optional<uint32_t> wait = throttle.retryAfterSeconds(ip, user, nowMs)) {
      nowMs += *wait * 1'000ull;
    }
    EXPECT_EQ(throttle.retryAfterSeconds(ip, user, nowMs), std::nullopt);
    throttle.recordFailure(ip, user, nowMs);
  }
  return nowMs;
}

TEST(LoginThrottle, FreeFailuresThenDoublingRetryAfter) {
  LoginThrottle throttle;
  for (int i = 0; i < 4; ++i) {
    throttle.recordFailure("10.0.0.1", "alice", kStart);
    EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", kStart), std::nullopt) << i;
  }
  throttle.recordFailure("10.0.0.1", "alice", kStart);  // the fifth
  std::vector<uint32_t> waits;
  uint64_t now = kStart;
  for (int i = 0; i < 12; ++i) {
    const std::optional<uint32_t> wait = throttle.retryAfterSeconds("10.0.0.1", "alice", now);
    ASSERT_TRUE(wait.has_value()) << i;
    waits.push_back(*wait);
    now += *wait * 1'000ull;
    EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", now), std::nullopt);
    throttle.recordFailure("10.0.0.1", "alice", now);
  }
  const std::vector<uint32_t> expected = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900};
  EXPECT_EQ(waits, expected);
}

TEST(LoginThrottle, RetryAfterCountsDownAndRoundsUp) {
  LoginThrottle throttle;
  const uint64_t last = failWhenAllowed(throttle, "10.0.0.1", "alice", 7, kStart);
  // Seven failures: the next attempt waits 4 s after the last one.
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", last), 4u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", last + 1), 4u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", last + 3'000), 1u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", last + 3'999), 1u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", last + 4'000), std::nullopt);
}

TEST(LoginThrottle, UsernameLimitHoldsAcrossAddresses) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) {
    throttle.recordFailure("10.0.0." + std::to_string(i), "alice", kStart);
  }
  EXPECT_EQ(throttle.retryAfterSeconds("192.168.1.1", "alice", kStart), 1u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "bob", kStart), std::nullopt);
}

TEST(LoginThrottle, AddressLimitHoldsAcrossUsernames) {
  LoginThrottle throttle;
  for (int i = 0; i < 19; ++i) throttle.recordFailure("10.0.0.1", "user" + std::to_string(i), kStart);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "fresh", kStart), std::nullopt);
  throttle.recordFailure("10.0.0.1", "user19", kStart);  // the twentieth
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "fresh", kStart), 1u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", "fresh", kStart), std::nullopt);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", "user3", kStart), std::nullopt);
}

TEST(LoginThrottle, SuccessClearsTheUsernameButNotTheAddress) {
  LoginThrottle throttle;
  const uint64_t last = failWhenAllowed(throttle, "10.0.0.1", "alice", 20, kStart);
  ASSERT_TRUE(throttle.retryAfterSeconds("10.0.0.2", "alice", last).has_value());
  ASSERT_TRUE(throttle.retryAfterSeconds("10.0.0.1", "bob", last).has_value());
  throttle.recordSuccess("alice");
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", "alice", last), std::nullopt);
  EXPECT_TRUE(throttle.retryAfterSeconds("10.0.0.1", "bob", last).has_value());
  // The cleared username has all its free failures again.
  for (int i = 0; i < 4; ++i) throttle.recordFailure("10.0.0.2", "alice", last);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", "alice", last), std::nullopt);
}

TEST(LoginThrottle, IdleCountersAreForgotten) {
  LoginThrottle throttle;
  const uint64_t last = failWhenAllowed(throttle, "10.0.0.1", "alice", 4, kStart);
  ASSERT_EQ(throttle.trackedKeys(), 2u);
  // Forgotten after an hour, counted again from zero: four more are free.
  const uint64_t later = last + kHourMs;
  for (int i = 0; i < 4; ++i) throttle.recordFailure("10.0.0.1", "alice", later);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", later), std::nullopt);
  // Just short of an hour they are remembered.
  LoginThrottle other;
  const uint64_t otherLast = failWhenAllowed(other, "10.0.0.1", "alice", 4, kStart);
  const uint64_t notYet = otherLast + kHourMs - 1;
  other.recordFailure("10.0.0.1", "alice", notYet);
  EXPECT_EQ(other.retryAfterSeconds("10.0.0.1", "alice", notYet), 1u);
}

TEST(LoginThrottle, AClientFailingAtTheCappedRateIsNeverForgotten) {
  LoginThrottleLimits limits;
  limits.freeFailuresPerUsername = 1;
  limits.forgetAfterMs = 1'000;  // below the 15 min cap: raised to twice it
  LoginThrottle throttle(limits);
  uint64_t last = failWhenAllowed(throttle, "10.0.0.1", "alice", 12, kStart);
  ASSERT_EQ(throttle.retryAfterSeconds("10.0.0.1", "alice", last), 900u);
  throttle.recordFailure("10.0.0.2", "bob", last + 5'000);  // sweeps what is idle
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.3", "alice", last + 5'000), 895u);
  last = failWhenAllowed(throttle, "10.0.0.1", "alice", 3, last);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.3", "alice", last), 900u);
  // Idle for twice the cap: forgotten.
  throttle.recordFailure("10.0.0.2", "bob", last + 1'800'000);
  EXPECT_EQ(throttle.trackedKeys(), 2u);
}

TEST(LoginThrottle, IdleKeysLeaveMemoryOnTheNextFailure) {
  LoginThrottle throttle;
  for (int i = 0; i < 50; ++i) throttle.recordFailure("10.0.0.1", "user" + std::to_string(i), kStart);
  ASSERT_EQ(throttle.trackedKeys(), 51u);
  throttle.recordFailure("10.0.0.9", "late", kStart + kHourMs);
  EXPECT_EQ(throttle.trackedKeys(), 2u);
}

TEST(LoginThrottle, AFloodOfUsernamesStaysWithinTheCap) {
  LoginThrottle throttle;  // the production cap: 100,000 keys per kind
  for (int i = 0; i < 150'000; ++i) {
    throttle.recordFailure("10.0.0.1", "random" + std::to_string(i), kStart + i / 100);
  }
  EXPECT_EQ(throttle.trackedKeys(), 100'000u + 1);
}

TEST(LoginThrottle, TheCapEvictsTheOldestFailure) {
  LoginThrottleLimits limits;
  limits.maxKeysPerKind = 3;
  limits.freeFailuresPerUsername = 1;
  limits.freeFailuresPerIp = 1'000;
  LoginThrottle throttle(limits);
  throttle.recordFailure("10.0.0.1", "a", kStart);
  throttle.recordFailure("10.0.0.1", "b", kStart + 1);
  throttle.recordFailure("10.0.0.1", "c", kStart + 2);
  throttle.recordFailure("10.0.0.1", "a", kStart + 3);  // a is now the newest
  throttle.recordFailure("10.0.0.1", "d", kStart + 4);  // evicts b
  EXPECT_EQ(throttle.trackedKeys(), 4u);
  const uint64_t now = kStart + 5;
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", "b", now), std::nullopt);
  EXPECT_TRUE(throttle.retryAfterSeconds("10.0.0.2", "a", now).has_value());
  EXPECT_TRUE(throttle.retryAfterSeconds("10.0.0.2", "c", now).has_value());
  EXPECT_TRUE(throttle.retryAfterSeconds("10.0.0.2", "d", now).has_value());
}

TEST(LoginThrottle, LongKeysAreCutSoTheyCostAFixedAmount) {
  LoginThrottleLimits limits;
  limits.freeFailuresPerUsername = 1;
  LoginThrottle throttle(limits);
  const std::string prefix(LoginThrottle::kMaxKeyBytes, 'x');
  throttle.recordFailure("10.0.0.1", prefix + "first", kStart);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", prefix + "second", kStart), 1u);
  EXPECT_EQ(throttle.retryAfterSeconds("10.0.0.2", prefix.substr(1), kStart), std::nullopt);
}

TEST(LoginThrottle, EmptyKeysAreNotTracked) {
  LoginThrottle throttle;
  for (int i = 0; i < 30; ++i) throttle.recordFailure("", "", kStart);
  EXPECT_EQ(throttle.trackedKeys(), 0u);
  EXPECT_EQ(throttle.retryAfterSeconds("", "", kStart), std::nullopt);
}

}  // namespace
}  // namespace chatd::chat
