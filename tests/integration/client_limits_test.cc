// Per-address limits over real sockets: one client address past
// --max-connections-per-ip gets 503 with Retry-After while others are
// served, and WebSocket upgrades past --upgrades-per-ip-per-minute get 429;
// /metrics counts both. Other loopback addresses (127.0.0.2, ...) stand for
// other clients. Behind a proxy: tests/integration/reverse_proxy_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

TEST(ClientLimitsTest, AnAddressPastItsConnectionsGets503WhileOthersAreServed) {
  ChatdProcess chatd({"--max-connections-per-ip", "3"});
  std::vector<std::unique_ptr<WsTestClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<WsTestClient>());
    ASSERT_TRUE(held.back()->connect(chatd.port(), "127.0.0.1", "127.0.0.2"));
  }
  // The three are open (each answers), so the fourth is past the limit.
  for (auto& client : held) {
    ASSERT_TRUE(client->sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(client->readHttpReply().status, 200);
  }
  const HttpReply refused = httpCallFrom("127.0.0.2", chatd.port(), "GET", "/healthz");
  EXPECT_EQ(refused.status, 503) << refused.head;
  EXPECT_EQ(refused.header("Retry-After"), "10");
  EXPECT_NE(refused.body.find("\"overloaded\""), std::string::npos) << refused.body;

  EXPECT_EQ(httpCallFrom("127.0.0.3", chatd.port(), "GET", "/healthz").status, 200) << "another client";
  held.front()->close();
  EXPECT_TRUE(eventually([&] { return httpCallFrom("127.0.0.2", chatd.port(), "GET", "/healthz").status == 200; }))
      << "a closed connection gives its place back";
  EXPECT_GE(metricValue(chatd.port(), "chatd_connections_refused_per_ip_total"), 1);
}

TEST(ClientLimitsTest, UpgradesPastTheRateGet429WithRetryAfter) {
  ChatdProcess chatd({"--upgrades-per-ip-per-minute", "2"});
  auto upgradeFrom = [&](const char* from) {
    WsTestClient client;
    EXPECT_TRUE(client.connect(chatd.port(), "127.0.0.1", from));
    return client.upgrade(chatd.port(), "/ws");
  };
  EXPECT_EQ(upgradeFrom("127.0.0.2").status, 101);
  EXPECT_EQ(upgradeFrom("127.0.0.2").status, 101);
  const HttpReply limited = upgradeFrom("127.0.0.2");
  EXPECT_EQ(limited.status, 429) << limited.head;
  const int retry = std::stoi(limited.header("Retry-After").value_or("0"));
  EXPECT_TRUE(retry >= 1 && retry <= 30) << "two a minute: the next within 30 s, not " << retry;
  EXPECT_NE(limited.body.find("\"rate_limited\""), std::string::npos) << limited.body;
  EXPECT_EQ(upgradeFrom("127.0.0.3").status, 101) << "another client";
  // Plain HTTP from the limited address is not an upgrade.
  EXPECT_EQ(httpCallFrom("127.0.0.2", chatd.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(metricValue(chatd.port(), "chatd_upgrades_rate_limited_total"), 1);
}

}  // namespace
}  // namespace chatd::testing
