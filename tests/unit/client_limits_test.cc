// ClientLimits: what one client address may hold of the server.
#include "server/ClientLimits.h"

#include <gtest/gtest.h>


namespace chatd::server {
namespace {

// Stand-ins for connections: only their addresses are used.
int a, b, c, d;

TEST(ClientLimits, AnAddressHoldsAtMostItsConnectionsAndGetsThemBackOnRelease) {
  ClientLimits limits({.connectionsPerAddress = 2, .upgradesPerMinute = 0});
  ASSERT_TRUE(limits.admitConnection("192.0.2.1", &a));
  ASSERT_TRUE(limits.admitConnection("192.0.2.1", &b));
  EXPECT_TRUE(limits.admitConnection("192.0.2.1", &b)) << "counted once";
  EXPECT_FALSE(limits.admitConnection("192.0.2.1", &c));
  EXPECT_FALSE(limits.counts(&c));
  EXPECT_FALSE(limits.admitConnection("::ffff:192.0.2.1", &c)) << "the same address, IPv4-mapped";
  EXPECT_TRUE(limits.admitConnection("192.0.2.2", &c)) << "another address is another client";
  EXPECT_EQ(limits.connectionsRefused(), 2u);
  limits.release(&a);
  limits.release(&a);  // twice: nothing more
  EXPECT_TRUE(limits.admitConnection("192.0.2.1", &d));
  EXPECT_FALSE(limits.admitConnection("192.0.2.1", &a));
  for (const int* connection : {&b, &c, &d}) limits.release(connection);
  EXPECT_EQ(limits.countedAddresses(), 0u) << "an address with nothing open is forgotten";
}

TEST(ClientLimits, IPv6CountsByItsSlash64) {
  ClientLimits limits({.connectionsPerAddress = 1, .upgradesPerMinute = 0});
  ASSERT_TRUE(limits.admitConnection("2001:db8:1:2::1", &a));
  EXPECT_FALSE(limits.admitConnection("2001:db8:1:2::ffff", &b));
  EXPECT_TRUE(limits.admitConnection("2001:db8:1:3::1", &b));
}

TEST(ClientLimits, UpgradesFollowARatePerMinuteWithThatManyAtOnce) {
  ClientLimits limits({.connectionsPerAddress = 0, .upgradesPerMinute = 3});
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limits.admitUpgrade("192.0.2.1", 1000)) << i;
  const auto retry = limits.admitUpgrade("192.0.2.1", 1000);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(*retry, 20u) << "one upgrade comes back every 20 s";
  EXPECT_FALSE(limits.admitUpgrade("192.0.2.2", 1000));
  EXPECT_FALSE(limits.admitUpgrade("192.0.2.1", 21'000));
  EXPECT_EQ(limits.upgradesRefused(), 1u);
}

TEST(ClientLimits, NoLimitCountsNothing) {
  ClientLimits limits({});
  EXPECT_FALSE(limits.active());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(limits.admitConnection("192.0.2.1", &a + i));
    EXPECT_FALSE(limits.admitUpgrade("192.0.2.1", 0));
  }
  EXPECT_FALSE(limits.counts(&a));
  EXPECT_EQ(limits.countedAddresses(), 0u);
}

}  // namespace
}  // namespace chatd::server
