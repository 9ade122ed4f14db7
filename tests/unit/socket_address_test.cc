#include "reactor/SocketAddress.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace chatd::reactor {
namespace {

TEST(SocketAddress, ParsesIpv4AndIpv6) {
  struct Case {
    const char* text;
    int family;
    int port;
    const char* canonical;
  };
  for (const Case& c : {Case{"127.0.0.1:8080", AF_INET, 8080, "127.0.0.1:8080"}, Case{"0.0.0.0:0", AF_INET, 0, "0.0.0.0:0"},
                        Case{"[::1]:443", AF_INET6, 443, "[::1]:443"}, Case{"[::]:65535", AF_INET6, 65535, "[::]:65535"},
                        Case{"10.1.2.3:080", AF_INET, 80, "10.1.2.3:80"}}) {
    const auto a = SocketAddress::parse(c.text);
    ASSERT_TRUE(a) << c.text;
    EXPECT_EQ(a->family(), c.family) << c.text;
    EXPECT_EQ(a->port(), c.port) << c.text;
    EXPECT_EQ(a->length, c.family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6)) << c.text;
    EXPECT_EQ(a->toString(), c.canonical);
  }
}

TEST(SocketAddress, LocalhostMeansIpv4Loopback) {
  auto a = SocketAddress::parse("localhost:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->toString(), "127.0.0.1:0");
}

TEST(SocketAddress, RejectsMalformedInput) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
                          "127.0.0.1: 80", "example.com:80", "256.0.0.1:80", "[::1]", "[::1]80", "[::1:80", "[]:80",
                          "[127.0.0.1]:x"}) {
    EXPECT_FALSE(SocketAddress::parse(bad)) << '"' << bad << '"';
  }
}

TEST(SocketAddress, OfSocketAndOfPeerReportTheBoundAddresses) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  const auto address = SocketAddress::parse("127.0.0.1:0");
  ASSERT_EQ(bind(listener, address->raw(), address->length), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  const SocketAddress bound = SocketAddress::ofSocket(listener);
  EXPECT_EQ(bound.family(), AF_INET);
  EXPECT_GT(bound.port(), 0);

  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(connect(client, bound.raw(), bound.length), 0);
  EXPECT_EQ(SocketAddress::ofPeer(client).toString(), bound.toString());
  close(client);
  close(listener);
}

}  // namespace
}  // namespace chatd::reactor
