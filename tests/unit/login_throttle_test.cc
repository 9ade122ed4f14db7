// LoginThrottle's policy, driven by synthetic time: which of its counters
// refuses what, and that a right password for an account nobody is guessing
// always gets through. (The counting itself: attempt_table_test.cc.)
#include "auth/LoginThrottle.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "reactor/AddressKey.h"

namespace chatd::auth {
namespace {

using Outcome = LoginThrottle::Outcome;
constexpr uint64_t kStart = 1'000'000;

// One wrong password for (address, user), which must be let through.
void fail(LoginThrottle& throttle, std::string_view address, std::string_view user, uint64_t nowMs) {
  ASSERT_EQ(throttle.begin(address, user, nowMs), std::nullopt) << address << " " << user;
  throttle.finish(address, user, Outcome::kWrongPassword);
}

TEST(LoginThrottle, ParallelGuessesCountWhileInFlight) {
  LoginThrottle throttle;
  int admitted = 0;
  for (int i = 0; i < 60; ++i) {
    if (!throttle.begin("10.0.0.1", "alice", kStart)) ++admitted;
  }
  EXPECT_EQ(admitted, 5);  // the other 55 were refused before any hashing
  for (int i = 0; i < admitted; ++i) throttle.finish("10.0.0.1", "alice", Outcome::kWrongPassword);
  EXPECT_EQ(throttle.begin("10.0.0.1", "alice", kStart), 1u);  // even the right password waits
}

TEST(LoginThrottle, APairsLimitLeavesOtherAddressesAndAccountsAlone) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) fail(throttle, "10.0.0.1", "alice", kStart);
  EXPECT_EQ(throttle.begin("10.0.0.1", "alice", kStart), 1u);
  EXPECT_EQ(throttle.begin("10.0.0.1", "bob", kStart), std::nullopt);
  EXPECT_EQ(throttle.begin("10.0.0.2", "alice", kStart), std::nullopt);
}

TEST(LoginThrottle, AUsernameLimitHoldsAcrossAddresses) {
  LoginThrottle throttle;
  for (int i = 0; i < 20; ++i) fail(throttle, "10.0.0." + std::to_string(i), "alice", kStart);
  EXPECT_EQ(throttle.begin("192.168.1.1", "alice", kStart), 1u);
  EXPECT_EQ(throttle.begin("10.0.0.1", "bob", kStart), std::nullopt);
}

TEST(LoginThrottle, FailuresFromOneAddressDoNotLockOutAccountsNotUnderAttack) {
  LoginThrottle throttle;
  for (int i = 0; i < 500; ++i) fail(throttle, "10.0.0.1", "user" + std::to_string(i), kStart);
  // Past the address ceiling: an account with no failures still gets its login...
  const std::optional<uint32_t> fresh = throttle.begin("10.0.0.1", "carol", kStart);
  EXPECT_EQ(fresh, std::nullopt);
  throttle.finish("10.0.0.1", "carol", Outcome::kLoggedIn);
  // ...but the address may not guess again at accounts it has failed on.
  EXPECT_TRUE(throttle.begin("10.0.0.1", "user3", kStart).has_value());
  EXPECT_EQ(throttle.begin("10.0.0.2", "user3", kStart), std::nullopt);
}

TEST(LoginThrottle, BelowTheCeilingAnAddressMayRetryAccountsItFailedOn) {
  LoginThrottle throttle;
  for (int i = 0; i < 99; ++i) fail(throttle, "10.0.0.1", "user" + std::to_string(i), kStart);
  EXPECT_EQ(throttle.begin("10.0.0.1", "user3", kStart), std::nullopt);
}

TEST(LoginThrottle, SuccessClearsTheUsernameButNotTheAddress) {
  LoginThrottle throttle;
  for (int i = 0; i < 100; ++i) fail(throttle, "10.0.0.1", "user" + std::to_string(i), kStart);
  for (int i = 0; i < 4; ++i) fail(throttle, "10.0.0.9", "alice", kStart);
  ASSERT_EQ(throttle.begin("10.0.0.1", "alice", kStart), 1u);  // alice has failures: the ceiling applies
  ASSERT_EQ(throttle.begin("10.0.0.9", "alice", kStart), std::nullopt);
  throttle.finish("10.0.0.9", "alice", Outcome::kLoggedIn);
  EXPECT_EQ(throttle.begin("10.0.0.1", "alice", kStart), std::nullopt);
  throttle.finish("10.0.0.1", "alice", Outcome::kLoggedIn);
  EXPECT_TRUE(throttle.begin("10.0.0.1", "user7", kStart).has_value());
}

TEST(LoginThrottle, ALoginNeverCheckedDoesNotCount) {
  LoginThrottle throttle;
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(throttle.begin("10.0.0.1", "alice", kStart), std::nullopt) << i;
    throttle.finish("10.0.0.1", "alice", Outcome::kNotChecked);
  }
  EXPECT_EQ(throttle.trackedKeys(), 0u);
}

TEST(LoginThrottle, IPv6AddressesCountByTheirSlash64) {
  LoginThrottle throttle;
  for (int i = 0; i < 5; ++i) fail(throttle, "2001:db8:1:2::" + std::to_string(i + 1), "alice", kStart);
  EXPECT_EQ(throttle.begin("2001:db8:1:2:ffff:1:2:3", "alice", kStart), 1u);
  EXPECT_EQ(throttle.begin("2001:db8:1:3::1", "alice", kStart), std::nullopt);
}

TEST(AddressKey, IPv4AsIsIPv6ByItsSlash64) {
  EXPECT_EQ(reactor::addressKey("10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(reactor::addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(reactor::addressKey("::1"), "::/64");
  EXPECT_EQ(reactor::addressKey("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(reactor::addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  EXPECT_NE(reactor::addressKey("2001:db8:1:3::1"), reactor::addressKey("2001:db8:1:2::1"));
  EXPECT_NE(reactor::addressKey("10.1.2.4"), reactor::addressKey("10.1.2.3"));
  EXPECT_EQ(reactor::addressKey("not an address"), "not an address");
}

}  // namespace
}  // namespace chatd::auth
