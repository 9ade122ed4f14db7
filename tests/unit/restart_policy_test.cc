// RestartPolicy: the backoff before a dead worker starts again, and when a
// slot that keeps dying is a crash loop.
#include "app/RestartPolicy.h"

#include <gtest/gtest.h>

namespace chatd::app {
namespace {

using Policy = RestartPolicy;

TEST(RestartPolicy, BackoffDoublesForQuickDeathsUpToTheCap) {
  Policy policy;
  // A death after 14 s of run time each: quick deaths, never more than 5 within 60 s.
  int64_t now = 0;
  const int64_t expected[] = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
  for (int64_t delay : expected) {
    const Policy::Decision decision = policy.onDeath(now, now + 14'000);
    now += 14'000 + decision.delayMs;
    ASSERT_FALSE(decision.crashLoop);
    EXPECT_EQ(decision.delayMs, delay);
  }
}

TEST(RestartPolicy, AWorkerThatRanThirtySecondsResetsTheBackoff) {
  Policy policy;
  EXPECT_EQ(policy.onDeath(0, 1'000).delayMs, 100);
  EXPECT_EQ(policy.onDeath(1'100, 2'000).delayMs, 200);
  EXPECT_EQ(policy.onDeath(2'200, 3'000).delayMs, 400);
  EXPECT_EQ(policy.onDeath(3'400, 3'400 + Policy::kStableRunMs).delayMs, 100);
}

TEST(RestartPolicy, MoreThanFiveDeathsWithinAMinuteIsACrashLoop) {
  Policy policy;
  int64_t now = 0;
  for (size_t death = 1; death <= Policy::kCrashLoopDeaths; ++death) {
    const Policy::Decision decision = policy.onDeath(now, now + 10);
    ASSERT_FALSE(decision.crashLoop) << "death " << death;
    now += 10 + decision.delayMs;
  }
  EXPECT_TRUE(policy.onDeath(now, now + 10).crashLoop);
}

TEST(RestartPolicy, DeathsOlderThanTheWindowDoNotCount) {
  Policy policy;
  // A worker that dies every 20 s: three deaths a minute, forever restarted.
  for (int64_t died = 20'000; died <= 600'000; died += 20'000) {
    ASSERT_FALSE(policy.onDeath(died - 20'000, died).crashLoop) << "at " << died;
  }
}

}  // namespace
}  // namespace chatd::app
