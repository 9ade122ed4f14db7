// AttemptTable driven by synthetic time: every call passes its own nowMs.
#include "auth/AttemptTable.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace chatd::auth {
namespace {

constexpr uint64_t kStart = 1'000'000;
constexpr uint64_t kHourMs = 60 * 60 * 1'000;

// Fails `count` attempts for `key`, each one as soon as it is allowed;
// returns the time of the last failure.
uint64_t failWhenAllowed(AttemptTable& table, std::string_view key, int count, uint64_t nowMs) {
  for (int i = 0; i < count; ++i) {
    nowMs = std::max(nowMs, table.refusedUntilMs(key));
    table.recordFailure(key, nowMs);
  }
  return nowMs;
}

TEST(AttemptTable, FreeFailuresThenDoublingDelays) {
  AttemptTable table(BackoffPolicy{});
  for (int i = 0; i < 4; ++i) {
    table.recordFailure("alice", kStart);
    EXPECT_EQ(table.refusedUntilMs("alice"), 0u) << i;
  }
  table.recordFailure("alice", kStart);  // the fifth
  std::vector<uint64_t> waits;
  uint64_t now = kStart;
  for (int i = 0; i < 12; ++i) {
    const uint64_t until = table.refusedUntilMs("alice");
    ASSERT_GT(until, now) << i;
    waits.push_back((until - now) / 1000);
    now = until;
    table.recordFailure("alice", now);
  }
  const std::vector<uint64_t> expected = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900};
  EXPECT_EQ(waits, expected);
}

TEST(AttemptTable, AttemptsInFlightCountUntilTheyEnd) {
  AttemptTable table(BackoffPolicy{});
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(table.refusedUntilMs("alice"), 0u) << i;
    table.begin("alice", kStart);
  }
  EXPECT_EQ(table.refusedUntilMs("alice"), kStart + 1'000);  // five in flight: no free failure left
  EXPECT_EQ(table.failures("alice"), 0u);
  table.end("alice", false);
  EXPECT_EQ(table.refusedUntilMs("alice"), 0u);  // one succeeded: four count
  for (int i = 0; i < 4; ++i) table.end("alice", true);
  EXPECT_EQ(table.failures("alice"), 4u);
  table.end("alice", true);  // nothing in flight: ignored
  EXPECT_EQ(table.failures("alice"), 4u);
}

TEST(AttemptTable, ASuccessWithNoFailuresLeavesNothingBehind) {
  AttemptTable table(BackoffPolicy{});
  table.begin("alice", kStart);
  table.end("alice", false);
  EXPECT_EQ(table.size(), 0u);
}

TEST(AttemptTable, IdleKeysAreForgotten) {
  AttemptTable table(BackoffPolicy{});
  const uint64_t last = failWhenAllowed(table, "alice", 4, kStart);
  for (int i = 0; i < 50; ++i) table.recordFailure("user" + std::to_string(i), kStart);
  ASSERT_EQ(table.size(), 51u);
  // Forgotten after an hour, counted again from zero.
  table.recordFailure("late", last + kHourMs);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.failures("alice"), 0u);
}

TEST(AttemptTable, AKeyFailingAtTheCappedRateIsNeverForgotten) {
  BackoffPolicy policy;
  policy.freeFailures = 1;
  policy.forgetAfterMs = 1'000;  // below the 15 min cap: raised to twice it
  AttemptTable table(policy);
  uint64_t last = failWhenAllowed(table, "alice", 12, kStart);
  ASSERT_EQ(table.refusedUntilMs("alice"), last + 900'000);
  table.recordFailure("bob", last + 5'000);  // sweeps what is idle
  EXPECT_EQ(table.refusedUntilMs("alice"), last + 900'000);
  table.recordFailure("bob", last + 1'800'000);  // idle for twice the cap: forgotten
  EXPECT_EQ(table.size(), 1u);
}

TEST(AttemptTable, AFloodOfKeysStaysWithinTheCapEvictingTheOldest) {
  BackoffPolicy policy;
  policy.maxKeys = 3;
  policy.freeFailures = 1;
  AttemptTable table(policy);
  table.recordFailure("a", kStart);
  table.recordFailure("b", kStart + 1);
  table.recordFailure("c", kStart + 2);
  table.recordFailure("a", kStart + 3);  // a is now the newest
  table.recordFailure("d", kStart + 4);  // evicts b
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.failures("b"), 0u);
  EXPECT_EQ(table.failures("a"), 2u);
  AttemptTable production(BackoffPolicy{});
  for (int i = 0; i < 150'000; ++i) production.recordFailure("random" + std::to_string(i), kStart + i / 100);
  EXPECT_EQ(production.size(), 100'000u);
}

TEST(AttemptTable, LongKeysAreCutAndEmptyOnesNotTracked) {
  BackoffPolicy policy;
  policy.freeFailures = 1;
  AttemptTable table(policy);
  const std::string prefix(AttemptTable::kMaxKeyBytes, 'x');
  table.recordFailure(prefix + "first", kStart);
  EXPECT_GT(table.refusedUntilMs(prefix + "second"), 0u);
  EXPECT_EQ(table.refusedUntilMs(prefix.substr(1)), 0u);
  table.recordFailure("", kStart);
  table.begin("", kStart);
  EXPECT_EQ(table.size(), 1u);
}

}  // namespace
}  // namespace chatd::auth
