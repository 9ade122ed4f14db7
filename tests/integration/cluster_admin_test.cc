// The admin API in a cluster (two chatd nodes on one real redis-server): a
// call made on one node acts on the sessions on the other. Skipped where
// redis-server is not installed.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/admin_fixture.h"
#include "tests/integration/cluster_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

class ClusterAdminTest : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    if (IsSkipped()) return;
    startNode({"--api-key-file", keys_.path()});
    startNode({"--api-key-file", keys_.path()});
  }
  HttpReply admin(size_t node, std::string_view method, const std::string& path, std::string_view body = {}) {
    return httpCall(port(node), method, path, body, bearer(kAdminKey));
  }

  KeyFile keys_{std::string(kAdminKey) + "\n"};
};

TEST_F(ClusterAdminTest, PublishOnOneNodeReachesAMemberOnTheOtherOnce) {
  TwoNodes two = annOnAAndBobOnB(true);
  const std::string body = R"({"content":"from the operator","idempotency_key":"op-1"})";
  ASSERT_EQ(admin(0, "POST", "/api/v1/admin/rooms/1/messages", body).status, 201);
  EXPECT_EQ(two.bobOnB->expect("message").string("data.content"), "from the operator");
  ASSERT_EQ(admin(1, "POST", "/api/v1/admin/rooms/1/messages", body).status, 200) << "the key holds on every node";
  EXPECT_FALSE(two.bobOnB->tryNext(300).has_value());
}

TEST_F(ClusterAdminTest, BanOnOneNodeClosesTheSessionOnTheOtherAndHoldsThere) {
  TwoNodes two = annOnAAndBobOnB(false);
  ASSERT_EQ(admin(0, "POST", "/api/v1/admin/users/" + two.bob.id + "/ban").status, 200);
  const auto close = two.bobOnB->expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, 4001);
  EXPECT_EQ(httpCallAs(two.bob.token, port(1), "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Json(admin(1, "GET", "/api/v1/admin/users/" + two.bob.id).body).string("user.state"), "banned");
}

TEST_F(ClusterAdminTest, DisconnectOnOneNodeClosesTheUsersSessionsOnBoth) {
  TwoNodes two = annOnAAndBobOnB(false);
  ChatClient bobOnA(port(0), "bob@a");
  bobOnA.connect(two.bob.token);
  ASSERT_EQ(admin(0, "POST", "/api/v1/admin/users/" + two.bob.id + "/disconnect").status, 204);
  for (ChatClient* tab : {&bobOnA, two.bobOnB.get()}) {
    const auto close = tab->expectClose();
    ASSERT_TRUE(close) << tab->name();
    EXPECT_EQ(close->code, 4002) << tab->name();
  }
  EXPECT_EQ(two.annOnA->call("ping").type(), "pong");
}

}  // namespace
}  // namespace chatd::testing
