// HttpUrl: what a webhook URL is split into, and the URLs refused with a reason.
#include "proto/HttpUrl.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::proto {
namespace {

HttpUrl parsed(const std::string& text) {
  std::string error;
  const auto url = HttpUrl::parse(text, error);
  EXPECT_TRUE(url) << text << ": " << error;
  return url.value_or(HttpUrl{});
}

std::string refusal(const std::string& text) {
  std::string error;
  EXPECT_FALSE(HttpUrl::parse(text, error)) << text;
  return error;
}

TEST(HttpUrl, SplitsSchemeHostPortAndTarget) {
  const HttpUrl a = parsed("http://hooks.example/chatd/events?k=1#frag");
  EXPECT_FALSE(a.tls);
  EXPECT_EQ(a.host, "hooks.example");
  EXPECT_EQ(a.port, 80);
  EXPECT_EQ(a.target, "/chatd/events?k=1");
  EXPECT_EQ(a.hostField(), "hooks.example");

  const HttpUrl b = parsed("https://127.0.0.1:8443");
  EXPECT_TRUE(b.tls);
  EXPECT_EQ(b.port, 8443);
  EXPECT_EQ(b.target, "/");
  EXPECT_EQ(b.hostField(), "127.0.0.1:8443");

  const HttpUrl c = parsed("https://[::1]/x");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 443);
  EXPECT_EQ(c.hostField(), "[::1]");
  EXPECT_EQ(parsed("http://h?q").target, "/?q");
}

TEST(HttpUrl, RefusesWhatItCannotSend) {
  EXPECT_NE(refusal("ftp://x/").find("http:// or https://"), std::string::npos);
  EXPECT_NE(refusal("hooks.example/x").find("http:// or https://"), std::string::npos);
  EXPECT_NE(refusal("http:///path").find("no host"), std::string::npos);
  EXPECT_NE(refusal("http://user:pw@host/").find("user name"), std::string::npos);
  EXPECT_NE(refusal("http://host:0/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://host:65536/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://host:8a/").find("port"), std::string::npos);
  EXPECT_NE(refusal("http://[::1/").find("unclosed"), std::string::npos);
}

}  // namespace
}  // namespace chatd::proto
