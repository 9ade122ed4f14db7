// TrustedProxies: whose address a request carries, believed only from the
// proxies an operator names.
#include "server/TrustedProxies.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace chatd::server {
namespace {

TrustedProxies proxies(const std::vector<std::string>& entries) {
  std::string error;
  auto parsed = TrustedProxies::parse(entries, error);
  EXPECT_TRUE(parsed) << error;
  return parsed ? std::move(*parsed) : TrustedProxies{};
}

proto::HttpRequest requestWith(std::vector<std::pair<std::string, std::string>> headers) {
  proto::HttpRequest request;
  request.headers = std::move(headers);
  return request;
}

TEST(TrustedProxies, ParsesAddressesAndNetworksOfBothFamilies) {
  const TrustedProxies p = proxies({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1", "172.16.0.0/12"});
  EXPECT_TRUE(p.trusts("10.255.1.2"));
  EXPECT_FALSE(p.trusts("11.0.0.1"));
  EXPECT_TRUE(p.trusts("192.0.2.7"));
  EXPECT_FALSE(p.trusts("192.0.2.8"));
  EXPECT_TRUE(p.trusts("2001:db8:ffff::1"));
  EXPECT_FALSE(p.trusts("2001:db9::1"));
  EXPECT_TRUE(p.trusts("::1"));
  EXPECT_TRUE(p.trusts("172.31.255.255"));  // a prefix that is not a whole byte
  EXPECT_FALSE(p.trusts("172.32.0.0"));
  EXPECT_TRUE(p.trusts("::ffff:10.1.2.3"));  // IPv4-mapped is IPv4
  EXPECT_FALSE(p.trusts("not an address"));
}

TEST(TrustedProxies, RefusesWhatIsNotAnAddressOrANetwork) {
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com", "10.0.0.1 ",
                          "10.0.0.0/8/8", "[::1]"}) {
    std::string error;
    EXPECT_FALSE(TrustedProxies::parse({bad}, error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << "the error names the entry: " << error;
  }
}

TEST(TrustedProxies, HeadersFromAnUntrustedPeerAreIgnored) {
  const TrustedProxies p = proxies({"127.0.0.1"});
  const auto forged = requestWith({{"x-forwarded-for", "203.0.113.9"}, {"x-real-ip", "203.0.113.9"}});
  EXPECT_EQ(p.clientAddress("198.51.100.4", forged), "198.51.100.4");
  EXPECT_EQ(TrustedProxies{}.clientAddress("127.0.0.1", forged), "127.0.0.1") << "none trusted: none believed";
}

TEST(TrustedProxies, TheClientIsTheNearestHopThatIsNotATrustedProxy) {
  const TrustedProxies p = proxies({"127.0.0.1", "10.0.0.0/8"});
  // What the client wrote itself (left) proves nothing; nginx appended what it saw.
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "1.1.1.1, 203.0.113.9"}})),
            "203.0.113.9");
  // Two proxies: the inner one (10.1.1.1) appended the outer one's peer.
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "203.0.113.9, 10.1.1.1"}})),
            "203.0.113.9");
  // Several header lines are one list.
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "203.0.113.9"},
                                                      {"x-forwarded-for", "10.1.1.1"}})),
            "203.0.113.9");
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "[2001:db8::5]:4711"}})), "2001:db8::5");
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "::ffff:203.0.113.9"}})), "203.0.113.9");
}

TEST(TrustedProxies, WhereTheChainEndsTheNearestTrustedHopStands) {
  const TrustedProxies p = proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "10.2.2.2, 10.1.1.1"}})), "10.2.2.2");
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "203.0.113.9, junk, 10.1.1.1"}})),
            "10.1.1.1");
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-forwarded-for", "junk"}})), "127.0.0.1");
}

TEST(TrustedProxies, XRealIpOnlyWithoutXForwardedFor) {
  const TrustedProxies p = proxies({"127.0.0.1"});
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-real-ip", "203.0.113.9"}})), "203.0.113.9");
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-real-ip", "junk"}})), "127.0.0.1");
  EXPECT_EQ(p.clientAddress("127.0.0.1", requestWith({{"x-real-ip", "203.0.113.9"}, {"x-forwarded-for", "198.51.100.1"}})),
            "198.51.100.1");
}

TEST(TrustedProxies, TheClientsSchemeIsOurTlsOrWhatATrustedProxySays) {
  const TrustedProxies trusted = proxies({"10.0.0.0/8"});
  const auto https = requestWith({{"x-forwarded-proto", "https"}});
  EXPECT_EQ(trusted.clientScheme("10.0.0.1", requestWith({}), true), "https");
  EXPECT_EQ(trusted.clientScheme("10.0.0.1", requestWith({}), false), "http");
  EXPECT_EQ(trusted.clientScheme("10.0.0.1", https, false), "https");
  EXPECT_EQ(trusted.clientScheme("10.0.0.1", requestWith({{"x-forwarded-proto", "HTTPS"}}), false), "https");
  // The nearest proxy's word stands (each appends what it saw).
  EXPECT_EQ(trusted.clientScheme("10.0.0.1", requestWith({{"x-forwarded-proto", "https, http"}}), false), "http");
  EXPECT_EQ(trusted.clientScheme("10.0.0.1", requestWith({{"x-forwarded-proto", "gopher"}}), false), "http");
  // From anyone else the header proves nothing.
  EXPECT_EQ(trusted.clientScheme("192.0.2.1", https, false), "http");
  EXPECT_EQ(TrustedProxies().clientScheme("10.0.0.1", https, false), "http");
}

}  // namespace
}  // namespace chatd::server
