// A session's token over time: warned before it expires, closed (4001) when
// it does, kept open by a fresh token sent in time; and logout, which ends
// the token's sessions and refuses the token from then on, across restarts.
//
// The expiry tests use --token-ttl 4, not 3: token_expiring goes out half the
// remaining life before expiry, in whole seconds (3 / 2 = 1), and the sweep
// that sends it runs every 1000 ms plus a few. A 3 s token leaves a window of
// exactly one second, which a sweep can step over, and then the session is
// closed without the warning; a 4 s token leaves two seconds.
//
// The checks read the clock chatd reads (system_clock), not time(): glibc's
// time() reads the kernel's tick-granular copy, which can still show the
// previous second a few milliseconds after chatd saw the expiry.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <string>

#include "reactor/WallClock.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr uint16_t kCloseUnauthorized = 4001;
constexpr int kExpiryTimeoutMs = 8000;

// POST /api/v1/login: a fresh token for `username` ({} when refused).
Json login(int port, const std::string& username) {
  const HttpReply reply =
      httpCall(port, "POST", "/api/v1/login", R"({"username":")" + username + R"(","password":"correct-horse"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  return Json(reply.body);
}

TEST(ChatTokensTest, SessionIsWarnedThenClosedWhenItsTokenExpires) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--token-ttl", "4"});
  const Account ann = signUp(chatd.port(), "ann");
  ChatClient a(chatd.port(), "ann");
  const int64_t expiresAt = a.connect(ann.token).integer("expires_at").value_or(0);
  ASSERT_GT(expiresAt, 0);

  const Json warning = a.expect("token_expiring", kExpiryTimeoutMs);
  EXPECT_EQ(warning.integer("expires_at"), expiresAt);
  EXPECT_LT(reactor::unixSeconds(), expiresAt) << "warned only after the expiry";

  const auto close = a.expectClose(kExpiryTimeoutMs);
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, kCloseUnauthorized);
  EXPECT_EQ(close->reason, "token expired");
  EXPECT_GE(reactor::unixSeconds(), expiresAt) << "closed before the expiry";
}

TEST(ChatTokensTest, FreshTokenKeepsTheSessionOpenPastTheFirstOnesExpiry) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--token-ttl", "4"});
  const Account ann = signUp(chatd.port(), "ann");
  const Account bob = signUp(chatd.port(), "bob");
  ChatClient refreshed(chatd.port(), "ann/refreshed");
  ChatClient control(chatd.port(), "ann/control");  // same token, never refreshed
  const int64_t firstExpiry = refreshed.connect(ann.token).integer("expires_at").value_or(0);
  control.connect(ann.token);
  refreshed.join(1);
  refreshed.drain();

  // Tokens that cannot refresh it leave the session as it was.
  const Json otherUser = refreshed.call("auth", R"("token":)" + jsonQuote(bob.token));
  EXPECT_EQ(otherUser.string("code"), "forbidden") << otherUser;
  const Json garbage = refreshed.call("auth", R"("token":"not-a-jwt")");
  EXPECT_EQ(garbage.string("code"), "unauthorized") << garbage;

  ASSERT_EQ(refreshed.expect("token_expiring", kExpiryTimeoutMs).integer("expires_at"), firstExpiry);
  const Json fresh = login(chatd.port(), "ann");
  const int64_t freshExpiry = fresh.integer("expires_at").value_or(0);
  ASSERT_GT(freshExpiry, firstExpiry);
  const Json reply = refreshed.call("auth", R"("token":)" + jsonQuote(fresh.string("token").value_or("")));
  ASSERT_EQ(reply.type(), "token_refreshed") << reply;
  EXPECT_EQ(reply.integer("expires_at"), freshExpiry);

  // The first token's expiry passes: the control session goes, this one stays.
  const auto closed = control.expectClose(kExpiryTimeoutMs);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, kCloseUnauthorized);
  for (const Json& frame : refreshed.drain()) EXPECT_NE(frame.type(), "error") << frame;
  EXPECT_FALSE(refreshed.closeFrame());
  EXPECT_GE(reactor::unixSeconds(), firstExpiry);
  EXPECT_EQ(refreshed.sendMessage(1, "still here").type(), "ack");
}

class ChatLogoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/chatd-logout-XXXXXX";
    ASSERT_TRUE(mkdtemp(dir));
    dataDir_ = dir;
    start();
  }
  void TearDown() override {
    chatd_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dataDir_, ignored);
  }
  void start() { chatd_ = std::make_unique<ChatdProcess>(std::vector<std::string>{"--argon2-memory", "1024", "--data", dataDir_}); }
  int port() const { return chatd_->port(); }
  int meStatus(const std::string& token) { return httpCallAs(token, port(), "GET", "/api/v1/me").status; }
  int upgradeStatus(const std::string& token) {
    ChatClient client(port(), "probe");
    return client.upgrade(token).status;
  }

  std::string dataDir_;
  std::unique_ptr<ChatdProcess> chatd_;
};

TEST_F(ChatLogoutTest, LogoutClosesTheTokensSessionsAndRefusesItAfterARestart) {
  const Account ann = signUp(port(), "ann");
  const std::string loggedOut = ann.token;
  const std::string other = login(port(), "ann").string("token").value_or("");
  ASSERT_FALSE(other.empty());
  ChatClient doomed(port(), "ann/logged-out");
  ChatClient kept(port(), "ann/other-token");
  doomed.connect(loggedOut);
  kept.connect(other);
  doomed.join(1);
  kept.join(1);
  doomed.drain();
  kept.drain();

  const HttpReply logout = httpCallAs(loggedOut, port(), "POST", "/api/v1/logout");
  EXPECT_EQ(logout.status, 204) << logout.body;
  const auto close = doomed.expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, kCloseUnauthorized);
  EXPECT_EQ(close->reason, "logged out");

  EXPECT_EQ(meStatus(loggedOut), 401);
  EXPECT_EQ(upgradeStatus(loggedOut), 401);
  ChatClient byMessage(port(), "ann/auth-message");
  ASSERT_EQ(byMessage.upgrade().status, 101);
  byMessage.send(R"({"type":"auth","token":)" + jsonQuote(loggedOut) + "}");
  EXPECT_EQ(byMessage.expectNext("error").string("code"), "unauthorized");
  EXPECT_EQ(byMessage.expectClose()->code, kCloseUnauthorized);
  EXPECT_EQ(httpCallAs(loggedOut, port(), "POST", "/api/v1/logout").status, 401);

  // The user's other token, and its session, are untouched.
  EXPECT_EQ(meStatus(other), 200);
  EXPECT_EQ(kept.sendMessage(1, "still signed in").type(), "ack");
  EXPECT_FALSE(kept.closeFrame());

  // A restart remembers the logout.
  for (ChatClient* client : {&doomed, &kept, &byMessage}) client->close();
  ASSERT_NE(chatd_->stop(SIGTERM), -1);
  start();
  EXPECT_EQ(meStatus(loggedOut), 401);
  EXPECT_EQ(upgradeStatus(loggedOut), 401);
  EXPECT_EQ(meStatus(other), 200);
  ChatClient again(port(), "ann/after-restart");
  EXPECT_EQ(again.connect(other).string("user.username"), "ann");
}

}  // namespace
}  // namespace chatd::testing
