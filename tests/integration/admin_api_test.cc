// The admin API against a real chatd: every call refused without the key (and
// with a wrong one), throttled past a few failures, and each call's effect as
// a user notices it: a system message arriving live and stored once, a ban
// closing a session and refusing login and the old token, a deletion
// tombstoning messages, registration closed or by invite, who is online, a
// disconnect closing every session of a user.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/admin_fixture.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr uint16_t kCloseUnauthorized = 4001;
constexpr uint16_t kCloseDisconnected = 4002;

struct AdminCall {
  std::string method;
  std::string path;
  std::string body;
};

const std::vector<AdminCall> kEveryCall = {
    {"POST", "/api/v1/admin/rooms/1/messages", R"({"content":"hi","idempotency_key":"k"})"},
    {"POST", "/api/v1/admin/users/1/disconnect", ""},
    {"POST", "/api/v1/admin/users/1/ban", ""},
    {"POST", "/api/v1/admin/users/1/unban", ""},
    {"DELETE", "/api/v1/admin/users/1", ""},
    {"GET", "/api/v1/admin/users/1", ""},
    {"GET", "/api/v1/admin/registration", ""},
    {"PUT", "/api/v1/admin/registration", R"({"mode":"open"})"},
    {"DELETE", "/api/v1/admin/registration", ""},
    {"POST", "/api/v1/admin/invites", ""},
    {"GET", "/api/v1/admin/online", ""},
};

using AdminApiTest = AdminFixture;

TEST_F(AdminApiTest, EveryCallIsRefusedWithoutTheKeyAndWorksWithIt) {
  signUp("ann");
  int address = 2;
  for (const AdminCall& call : kEveryCall) {
    // Each refusal from its own address: the failures stay under the throttle.
    const std::string from = "127.0.0." + std::to_string(address++);
    for (const std::string& headers : {std::string(), bearer("not-the-key-0123456789"), bearer("")}) {
      const HttpReply refused = httpCallFrom(from.c_str(), port(), call.method, call.path, call.body, headers);
      EXPECT_EQ(refused.status, 401) << call.method << " " << call.path << " with '" << headers << "'";
      EXPECT_EQ(Json(refused.body).string("error.code"), "unauthorized") << refused.body;
    }
  }
  for (const AdminCall& call : kEveryCall) {
    const HttpReply reply = admin(call.method, call.path, call.body);
    EXPECT_GE(reply.status, 200) << call.method << " " << call.path << ": " << reply.body;
    EXPECT_LT(reply.status, 300) << call.method << " " << call.path << ": " << reply.body;
  }
  EXPECT_EQ(chatd_.log().find(kAdminKey), std::string::npos) << "the key is in the log";
  EXPECT_NE(chatd_.log().find("admin API: ban user 1 from 127.0.0.1"), std::string::npos) << chatd_.log();
}

TEST_F(AdminApiTest, FailedKeysAreThrottledPerAddressEvenForTheRightKey) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(httpCallFrom("127.0.0.9", port(), "GET", "/api/v1/admin/online", {}, bearer("guess-0123456789-" +
                                                                                           std::to_string(i)))
                  .status,
              401);
  }
  const HttpReply throttled = httpCallFrom("127.0.0.9", port(), "GET", "/api/v1/admin/online", {}, bearer(kAdminKey));
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_EQ(Json(throttled.body).string("error.code"), "rate_limited");
  EXPECT_EQ(admin("GET", "/api/v1/admin/online").status, 200) << "another address is not held back";
}

TEST(AdminApiOffTest, WithoutAKeyFileTheAdminPathsDoNotExist) {
  ChatdProcess chatd({"--argon2-memory", "1024"});
  const HttpReply reply = httpCall(chatd.port(), "GET", "/api/v1/admin/online", {}, bearer(kAdminKey));
  EXPECT_EQ(reply.status, 404) << reply.body;
}

TEST_F(AdminApiTest, PublishedMessageReachesALiveMemberAndIsStoredOnceOnRetry) {
  const Account ann = signUp("ann");
  ChatClient a(port(), "ann");
  a.connect(ann.token);
  a.join(1);
  a.drain(200);

  const std::string body = R"({"content":"maintenance at noon","idempotency_key":"notice-1"})";
  const HttpReply first = admin("POST", "/api/v1/admin/rooms/1/messages", body);
  ASSERT_EQ(first.status, 201) << first.body;
  const Json live = a.expect("message");
  EXPECT_EQ(live.string("data.content"), "maintenance at noon");
  EXPECT_EQ(live.string("data.user.username").value_or("").rfind("system#", 0), 0u) << live;

  const HttpReply retry = admin("POST", "/api/v1/admin/rooms/1/messages", body);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(Json(retry.body).integer("message.id"), Json(first.body).integer("message.id"));
  EXPECT_FALSE(a.tryNext(300).has_value()) << "the retry was delivered again";

  const Json history(as(ann, "GET", "/api/v1/rooms/1/messages").body);
  size_t copies = 0;
  for (const Json& m : history.items("messages")) copies += m.string("content") == "maintenance at noon";
  EXPECT_EQ(copies, 1u) << history.text();

  EXPECT_EQ(admin("POST", "/api/v1/admin/rooms/999/messages", R"({"content":"x"})").status, 404);
  EXPECT_EQ(admin("POST", "/api/v1/admin/rooms/1/messages", R"({"content":""})").status, 400);
  // The system user cannot sign in.
  EXPECT_EQ(login("system").status, 401);
}

TEST_F(AdminApiTest, BanClosesTheSessionRefusesLoginAndTheOldTokenUntilUnban) {
  const Account ann = signUp("ann");
  ChatClient a(port(), "ann");
  a.connect(ann.token);

  const HttpReply banned = admin("POST", "/api/v1/admin/users/" + ann.id + "/ban");
  ASSERT_EQ(banned.status, 200) << banned.body;
  EXPECT_EQ(Json(banned.body).string("user.state"), "banned");
  const auto close = a.expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, kCloseUnauthorized);
  EXPECT_EQ(close->reason, "banned");

  EXPECT_EQ(login("ann").status, 403);
  EXPECT_EQ(scrape(port())["chatd_logins_total{result=\"banned\"}"], 1);
  EXPECT_EQ(as(ann, "GET", "/api/v1/me").status, 401);
  // The token's signature is good: the WebSocket opens, and closes once its user is looked up.
  ChatClient again(port(), "ann/again");
  again.upgrade(ann.token);
  const auto refused = again.expectClose();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, kCloseUnauthorized);
  EXPECT_EQ(refused->reason, "the account is banned");

  ASSERT_EQ(admin("POST", "/api/v1/admin/users/" + ann.id + "/unban").status, 200);
  EXPECT_EQ(login("ann").status, 200);
  EXPECT_EQ(as(ann, "GET", "/api/v1/me").status, 200) << "the old token works again";
  EXPECT_EQ(admin("POST", "/api/v1/admin/users/999/ban").status, 404);
}

TEST_F(AdminApiTest, DeleteTombstonesMessagesAndClosesSessionsForGood) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient a(port(), "ann");
  a.connect(ann.token);
  a.join(1);
  ASSERT_EQ(a.sendMessage(1, "mine", "m1").type(), "ack");

  ASSERT_EQ(admin("DELETE", "/api/v1/admin/users/" + ann.id).status, 204);
  const auto close = a.expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, kCloseUnauthorized);

  const Json history(as(bob, "GET", "/api/v1/rooms/1/messages").body);
  ASSERT_EQ(history.size("messages"), 1u) << history.text();
  const Json message = history.items("messages")[0];
  EXPECT_EQ(message.boolean("deleted"), true) << message;
  EXPECT_EQ(message.string("content"), "") << message;

  EXPECT_EQ(login("ann").status, 401);
  EXPECT_EQ(as(ann, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Json(admin("GET", "/api/v1/admin/users/" + ann.id).body).string("user.state"), "deleted");
  EXPECT_EQ(admin("POST", "/api/v1/admin/users/" + ann.id + "/unban").status, 409);
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/register", signUpBody("ann")).status, 409) << "the name is not reused";
}

TEST_F(AdminApiTest, ClosedRegistrationRefusesAndInviteModeNeedsASingleUseCode) {
  ASSERT_EQ(admin("PUT", "/api/v1/admin/registration", R"({"mode":"closed"})").status, 200);
  const HttpReply closed = httpCall(port(), "POST", "/api/v1/register", signUpBody("ann"));
  EXPECT_EQ(closed.status, 403);
  EXPECT_EQ(Json(closed.body).string("error.code"), "registration_closed");

  ASSERT_EQ(admin("PUT", "/api/v1/admin/registration", R"({"mode":"invite"})").status, 200);
  EXPECT_EQ(Json(admin("GET", "/api/v1/admin/registration").body).string("mode"), "invite");
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/register", signUpBody("ann")).status, 403);
  const HttpReply minted = admin("POST", "/api/v1/admin/invites", R"({"expires_in":600})");
  ASSERT_EQ(minted.status, 201) << minted.body;
  const std::string code = Json(minted.body).string("code").value_or("");
  EXPECT_EQ(registerWithInvite(port(), "ann", code).status, 201);
  const HttpReply again = registerWithInvite(port(), "bob", code);
  EXPECT_EQ(again.status, 403) << "an invite is single-use";
  EXPECT_EQ(Json(again.body).string("error.code"), "invalid_invite");

  EXPECT_EQ(admin("PUT", "/api/v1/admin/registration", R"({"mode":"sometimes"})").status, 400);
  EXPECT_EQ(admin("POST", "/api/v1/admin/invites", R"({"expires_in":0})").status, 400);
}

// ann online in two tabs, bob in one.
class AdminOnlineTest : public AdminFixture {
 protected:
  void SetUp() override {
    ann = signUp("ann");
    bob = signUp("bob");
    a1.connect(ann.token);
    a2.connect(ann.token);
    b.connect(bob.token);
  }

  Account ann, bob;
  ChatClient a1{port(), "ann/1"}, a2{port(), "ann/2"}, b{port(), "bob"};
};

TEST_F(AdminOnlineTest, OnlineListsTheConnectedUsersOnceEachInPages) {
  const Account carl = signUp("carl");

  const Json all(admin("GET", "/api/v1/admin/online").body);
  EXPECT_EQ(all.integer("count"), 2) << all.text();
  ASSERT_EQ(all.size("users"), 2u) << all.text();
  EXPECT_TRUE(all.isNull("next_cursor"));

  const Json first(admin("GET", "/api/v1/admin/online?limit=1").body);
  ASSERT_EQ(first.size("users"), 1u) << first.text();
  EXPECT_EQ(first.string("users.0.username"), "ann") << first.text();
  const std::string cursor = first.string("next_cursor").value_or("");
  const Json second(admin("GET", "/api/v1/admin/online?limit=1&cursor=" + cursor).body);
  ASSERT_EQ(second.size("users"), 1u) << second.text();
  EXPECT_EQ(second.string("users.0.username"), "bob");
  EXPECT_TRUE(second.isNull("next_cursor"));

  EXPECT_EQ(Json(admin("GET", "/api/v1/admin/users/" + ann.id).body).boolean("user.online"), true);
  const Json carlNow(admin("GET", "/api/v1/admin/users/" + carl.id).body);
  EXPECT_EQ(carlNow.boolean("user.online"), false);
  EXPECT_TRUE(carlNow.isNull("user.last_seen_at")) << carlNow.text();

  ASSERT_TRUE(b.hangUp());
  Json bobNow;
  for (int tries = 0; tries < 50; ++tries) {
    bobNow = Json(admin("GET", "/api/v1/admin/users/" + bob.id).body);
    if (bobNow.integer("user.last_seen_at").value_or(0) > 0) break;
    ::usleep(20'000);
  }
  EXPECT_EQ(bobNow.boolean("user.online"), false) << bobNow.text();
  EXPECT_GT(bobNow.integer("user.last_seen_at").value_or(0), 0) << bobNow.text();
  // A user who shares a room sees it too: in the room's member list.
  const std::string direct =
      std::to_string(Json(as(ann, "POST", "/api/v1/direct/" + bob.id).body).integer("room.id").value_or(0));
  const Json members(as(ann, "GET", "/api/v1/rooms/" + direct + "/members").body);
  for (const Json& member : members.items("members")) {
    if (member.string("user.username") == "bob") {
      EXPECT_EQ(member.integer("last_seen_at"), bobNow.integer("user.last_seen_at")) << member;
    } else {
      EXPECT_TRUE(member.isNull("last_seen_at")) << "ann never left: " << member;
    }
  }
  EXPECT_EQ(members.size("members"), 2u) << members.text();
  EXPECT_EQ(Json(admin("GET", "/api/v1/admin/online").body).integer("count"), 1);
}

TEST_F(AdminOnlineTest, DisconnectClosesEverySessionOfTheUserAndTheyMayReturn) {
  ASSERT_EQ(admin("POST", "/api/v1/admin/users/" + ann.id + "/disconnect").status, 204);
  for (ChatClient* tab : {&a1, &a2}) {
    const auto close = tab->expectClose();
    ASSERT_TRUE(close) << tab->name();
    EXPECT_EQ(close->code, kCloseDisconnected) << tab->name();
  }
  EXPECT_EQ(b.call("ping").type(), "pong") << "another user's session stays";
  ChatClient back(port(), "ann/back");
  EXPECT_EQ(back.connect(ann.token).type(), "welcome");
  EXPECT_EQ(admin("POST", "/api/v1/admin/users/999/disconnect").status, 404);
}

}  // namespace
}  // namespace chatd::testing
