#include "reactor/TokenBucket.h"

#include <gtest/gtest.h>

namespace chatd::reactor {
namespace {

constexpr uint64_t kStart = 1'000'000;  // a monotonic clock in ms, well past 0

int takeAll(TokenBucket& bucket, double rate, double burst, uint64_t nowMs) {
  int taken = 0;
  while (taken < 10000 && bucket.take(rate, burst, nowMs)) ++taken;
  return taken;
}

TEST(TokenBucket, StartsFullThenRefuses) {
  TokenBucket bucket;
  EXPECT_EQ(takeAll(bucket, 20, 40, kStart), 40);
  EXPECT_FALSE(bucket.take(20, 40, kStart));
}

TEST(TokenBucket, RefillsAtTheRate) {
  TokenBucket bucket;
  EXPECT_EQ(takeAll(bucket, 10, 5, kStart), 5);
  EXPECT_FALSE(bucket.take(10, 5, kStart + 50));   // half a token
  EXPECT_TRUE(bucket.take(10, 5, kStart + 100));   // the other half: one token
  EXPECT_FALSE(bucket.take(10, 5, kStart + 100));
  EXPECT_EQ(takeAll(bucket, 10, 5, kStart + 400), 3);  // 300 ms at 10/s
}

TEST(TokenBucket, RefillStopsAtTheBurst) {
  TokenBucket bucket;
  EXPECT_EQ(takeAll(bucket, 10, 5, kStart), 5);
  EXPECT_EQ(takeAll(bucket, 10, 5, kStart + 60'000), 5);
}

TEST(TokenBucket, SustainedRateIsAllowed) {
  TokenBucket bucket;
  EXPECT_EQ(takeAll(bucket, 2, 2, kStart), 2);
  for (uint64_t t = kStart + 500; t < kStart + 10'000; t += 500) EXPECT_TRUE(bucket.take(2, 2, t)) << t;
}

TEST(TokenBucket, RateZeroIsUnlimited) {
  TokenBucket bucket;
  EXPECT_EQ(takeAll(bucket, 0, 0, kStart), 10000);
  EXPECT_EQ(takeAll(bucket, 0, 40, kStart), 10000);
}

TEST(TokenBucket, IsFullOnceItHasRefilledToTheBurst) {
  TokenBucket bucket;
  EXPECT_TRUE(bucket.fullAt(2, 4, kStart));  // never used
  ASSERT_TRUE(bucket.take(2, 4, kStart));
  ASSERT_TRUE(bucket.take(2, 4, kStart));
  EXPECT_FALSE(bucket.fullAt(2, 4, kStart + 500));  // two taken, one back
  EXPECT_TRUE(bucket.fullAt(2, 4, kStart + 1000));
}

}  // namespace
}  // namespace chatd::reactor
