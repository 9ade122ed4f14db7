// The admin API in a cluster (two chatd nodes on one real redis-server): a
// call made on one node acts on the sessions on the other, and registration
// settings made on one hold on the other. Skipped where redis-server is not
// installed.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/admin_fixture.h"
#include "tests/integration/cluster_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestUtil.h"

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

// As with SQLite (AdminApiTest): the user's messages tombstoned in every
// room, direct rooms included, and the memberships gone; here through Redis,
// seen from the other node. A repeated DELETE (how a failed one is finished)
// answers 204 again.
TEST_F(ClusterAdminTest, DeleteOnOneNodeErasesTheUsersMessagesAndMembershipsForTheOther) {
  TwoNodes two = annOnAAndBobOnB(true);
  ASSERT_EQ(two.bobOnB->sendMessage(kLobby, "bob in the lobby", "b1").type(), "ack");
  const HttpReply opened = httpCallAs(two.bob.token, port(1), "POST", "/api/v1/direct/" + two.ann.id);
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string direct = std::to_string(Json(opened.body).integer("room.id").value_or(0));
  ASSERT_EQ(httpCallAs(two.bob.token, port(1), "POST", "/api/v1/rooms/" + direct + "/messages",
                       R"({"content":"hi ann"})").status, 201);

  ASSERT_EQ(admin(0, "DELETE", "/api/v1/admin/users/" + two.bob.id).status, 204);
  const auto close = two.bobOnB->expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, 4001);

  for (const std::string& room : {std::to_string(kLobby), direct}) {
    const Json history(httpCallAs(two.ann.token, port(1), "GET", "/api/v1/rooms/" + room + "/messages").body);
    ASSERT_EQ(history.size("messages"), 1u) << history;
    EXPECT_EQ(history.items("messages")[0].boolean("deleted"), true) << history;
    EXPECT_EQ(history.items("messages")[0].string("content"), "") << history;
    const Json members(httpCallAs(two.ann.token, port(1), "GET", "/api/v1/rooms/" + room + "/members").body);
    ASSERT_EQ(members.size("members"), 1u) << "room " << room << ": " << members;
    EXPECT_EQ(members.items("members")[0].string("user.username"), "ann") << members;
  }
  EXPECT_EQ(admin(1, "DELETE", "/api/v1/admin/users/" + two.bob.id).status, 204);
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

// The mode and the invites live in Redis: what one node's admin API sets,
// the other node's registrations obey at once.
TEST_F(ClusterAdminTest, RegistrationSettingsMadeOnOneNodeHoldOnTheOther) {
  const std::string path = "/api/v1/admin/registration";
  ASSERT_EQ(registrationSetting(admin(0, "PUT", path, R"({"mode":"invite"})")), "invite from admin_api");
  EXPECT_EQ(registrationSetting(admin(1, "GET", path)), "invite from admin_api");
  auto mint = [&](size_t node) {
    const HttpReply minted = admin(node, "POST", "/api/v1/admin/invites", R"({"expires_in":600})");
    EXPECT_EQ(minted.status, 201) << minted.body;
    return Json(minted.body).string("code").value_or("");
  };
  const std::string code = mint(0);
  EXPECT_EQ(registerWithInvite(port(1), "ann", code).status, 201) << "minted on A, used on B";
  EXPECT_EQ(registerWithInvite(port(0), "bob", code).status, 403) << "once across both";
  EXPECT_EQ(registerWithInvite(port(1), "bob", code).status, 403);

  // Both nodes at once with one code: one account.
  const std::string contested = mint(1);
  auto onA = std::async(std::launch::async, [&] { return registerWithInvite(port(0), "carl", contested).status; });
  auto onB = std::async(std::launch::async, [&] { return registerWithInvite(port(1), "dora", contested).status; });
  const int a = onA.get();
  const int b = onB.get();
  EXPECT_TRUE((a == 201 && b == 403) || (a == 403 && b == 201)) << a << " on A, " << b << " on B";

  ASSERT_EQ(admin(0, "PUT", path, R"({"mode":"closed"})").status, 200);
  const HttpReply closed = httpCall(port(1), "POST", "/api/v1/register", signUpBody("erin"));
  EXPECT_EQ(closed.status, 403);
  EXPECT_EQ(Json(closed.body).string("error.code"), "registration_closed");

  EXPECT_EQ(registrationSetting(admin(1, "DELETE", path)), "open from config");
  EXPECT_EQ(registrationSetting(admin(0, "GET", path)), "open from config");
  EXPECT_EQ(httpCall(port(0), "POST", "/api/v1/register", signUpBody("erin")).status, 201);
}

// Who is online is the server's, whichever node answers: ann on A, bob on B
// (in two tabs there), listed once each by either node, a page at a time.
TEST_F(ClusterAdminTest, OnlineListsEveryNodesUsersWhicheverNodeAnswers) {
  TwoNodes two = annOnAAndBobOnB(false);
  ChatClient bobOnA(port(0), "bob@a");
  bobOnA.connect(two.bob.token);
  const std::vector<std::string> both{"ann", "bob"};
  auto listed = [&](size_t node) {
    const Json page(admin(node, "GET", "/api/v1/admin/online").body);
    std::vector<std::string> names;
    for (const Json& user : page.items("users")) names.push_back(user.string("username").value_or(""));
    return std::make_pair(page.integer("count").value_or(-1), names);
  };
  for (size_t node : {0, 1}) {
    ASSERT_TRUE(eventually([&] { return listed(node) == std::make_pair(int64_t{2}, both); })) << "node " << node;
  }
  const Json first(admin(1, "GET", "/api/v1/admin/online?limit=1").body);
  ASSERT_EQ(first.size("users"), 1u) << first;
  EXPECT_EQ(first.items("users")[0].string("username"), "ann") << first;
  const std::string cursor = first.string("next_cursor").value_or("");
  const Json second(admin(1, "GET", "/api/v1/admin/online?limit=1&cursor=" + cursor).body);
  EXPECT_EQ(second.items("users")[0].string("username"), "bob") << second;
  EXPECT_TRUE(second.isNull("next_cursor")) << second;

  // ann's presence, asked of the node she has no session on.
  const std::string annPath = "/api/v1/admin/users/" + two.ann.id;
  EXPECT_EQ(Json(admin(1, "GET", annPath).body).boolean("user.online"), true);
  ASSERT_TRUE(two.annOnA->hangUp());
  EXPECT_TRUE(eventually([&] { return Json(admin(1, "GET", annPath).body).boolean("user.online") == false; }));
  EXPECT_EQ(listed(1), std::make_pair(int64_t{1}, std::vector<std::string>{"bob"}));
}

}  // namespace
}  // namespace chatd::testing
