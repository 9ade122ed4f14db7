#include "reactor/RatePerAddress.h"

#include <gtest/gtest.h>

namespace chatd::reactor {
namespace {

constexpr uint64_t kHourMs = 3'600'000;

TEST(RatePerAddress, AnAddressGetsItsHourlyAllowanceThenWaits) {
  RatePerAddress throttle(3, kHourMs);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(throttle.admit("2001:db8::1", 1000 + i)) << i;
  const auto retry = throttle.admit("2001:db8::2", 1010);  // the same /64
  ASSERT_TRUE(retry.has_value());
  EXPECT_GE(*retry, 1190u);  // one registration refills in 20 minutes
  EXPECT_LE(*retry, 1200u);
  EXPECT_FALSE(throttle.admit("2001:db8:0:1::1", 1010));  // another /64
  EXPECT_FALSE(throttle.admit("192.0.2.1", 1010));
  EXPECT_FALSE(throttle.admit("2001:db8::1", 1000 + kHourMs / 3));  // refilled by one
  EXPECT_TRUE(throttle.admit("2001:db8::1", 1001 + kHourMs / 3));
}

TEST(RatePerAddress, NoLimitAtZero) {
  RatePerAddress throttle(0, kHourMs);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(throttle.admit("192.0.2.1", i));
  EXPECT_EQ(throttle.trackedAddresses(), 0u);
}

TEST(RatePerAddress, TheTableIsBoundedAndForgetsTheLeastRecentlyUsed) {
  RatePerAddress throttle(1, kHourMs, 2);
  EXPECT_FALSE(throttle.admit("192.0.2.1", 0));
  EXPECT_FALSE(throttle.admit("192.0.2.2", 0));
  EXPECT_TRUE(throttle.admit("192.0.2.1", 1));   // used again: the most recent
  EXPECT_FALSE(throttle.admit("192.0.2.3", 2));  // pushes out .2, not .1
  EXPECT_EQ(throttle.trackedAddresses(), 2u);
  EXPECT_TRUE(throttle.admit("192.0.2.1", 3));
  EXPECT_FALSE(throttle.admit("192.0.2.2", 3));  // forgotten: a full bucket again
}

}  // namespace
}  // namespace chatd::reactor
