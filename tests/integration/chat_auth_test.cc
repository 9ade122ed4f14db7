// Signing in to the chat protocol: a token on the upgrade (query or Bearer
// header) or in the first message; what a bad or missing one gets; the
// Origin check for browsers.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr uint16_t kCloseUnauthorized = 4001;

class ChatAuthTest : public ::testing::Test {
 protected:
  ChatdProcess chatd_{{"--argon2-memory", "1024", "--handshake-timeout", "1"}};
  int port() const { return chatd_.port(); }
};

void expectWelcome(const Json& welcome, const std::string& username) {
  ASSERT_EQ(welcome.type(), "welcome") << welcome;
  EXPECT_EQ(welcome.string("user.username"), username);
  EXPECT_GT(welcome.integer("user.id").value_or(0), 0);
  EXPECT_TRUE(welcome.has("user.nickname"));
  EXPECT_GT(welcome.integer("user.created_at").value_or(0), 0);
  EXPECT_FALSE(welcome.string("session_id").value_or("").empty()) << welcome;
  EXPECT_GT(welcome.integer("server_time").value_or(0), 0);
  EXPECT_GT(welcome.integer("expires_at").value_or(0), 0);
}

TEST_F(ChatAuthTest, TokenInTheQuery) {
  const Account ann = signUp(port(), "ann");
  ChatClient a(port(), "ann");
  expectWelcome(a.connect(ann.token, TokenIn::kQuery), "ann");
  EXPECT_EQ(a.join(1).type(), "joined");
}

TEST_F(ChatAuthTest, TokenInTheAuthorizationHeader) {
  const Account ann = signUp(port(), "ann");
  ChatClient a(port(), "ann");
  expectWelcome(a.connect(ann.token, TokenIn::kBearer), "ann");
  EXPECT_EQ(a.join(1).type(), "joined");
}

TEST_F(ChatAuthTest, TokenInTheFirstMessage) {
  const Account ann = signUp(port(), "ann");
  ChatClient a(port(), "ann");
  ASSERT_EQ(a.upgrade().status, 101);
  ASSERT_TRUE(a.send(R"({"type":"auth","token":)" + jsonQuote(ann.token) + R"(,"ref":"hello"})"));
  const Json welcome = a.expectNext("welcome");
  expectWelcome(welcome, "ann");
  EXPECT_EQ(welcome.string("ref"), "hello");
  EXPECT_EQ(a.join(1).type(), "joined");

  // Two sessions of one user are two sessions.
  ChatClient tab(port(), "ann/tab2");
  EXPECT_NE(tab.connectWithAuthMessage(ann.token).string("session_id"), welcome.string("session_id"));
}

TEST_F(ChatAuthTest, BadTokenOnTheUpgradeIs401BeforeTheHandshake) {
  const Account ann = signUp(port(), "ann");
  std::string forged = ann.token;
  char& signatureChar = forged[forged.size() - 5];  // not the last: its low bits may be padding
  signatureChar = signatureChar == 'A' ? 'B' : 'A';
  for (const std::string& token : {std::string("not-a-jwt"), forged}) {
    for (const TokenIn in : {TokenIn::kQuery, TokenIn::kBearer}) {
      ChatClient a(port(), "ann");
      const HttpReply reply = a.upgrade(token, in);
      EXPECT_EQ(reply.status, 401) << reply.head;
      EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer");
      EXPECT_EQ(Json(reply.body).string("error.code"), "unauthorized") << reply.body;
      EXPECT_FALSE(reply.header("Sec-WebSocket-Accept"));
    }
  }
}

TEST_F(ChatAuthTest, BadAuthMessageClosesWith4001) {
  ChatClient a(port(), "anon");
  ASSERT_EQ(a.upgrade().status, 101);
  ASSERT_TRUE(a.send(R"({"type":"auth","token":"not-a-jwt","ref":1})"));
  const Json error = a.expectNext("error");
  EXPECT_EQ(error.string("code"), "unauthorized");
  EXPECT_EQ(error.integer("ref"), 1);
  const auto close = a.expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, kCloseUnauthorized);
}

TEST_F(ChatAuthTest, NoAuthWithinTheHandshakeTimeoutClosesWith4001) {
  ChatClient a(port(), "anon");
  ASSERT_EQ(a.upgrade().status, 101);
  const auto close = a.expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, kCloseUnauthorized);
  EXPECT_EQ(close->reason, "authentication timeout");

  // An authenticated session is not touched by that deadline.
  const Account ann = signUp(port(), "ann");
  ChatClient b(port(), "ann");
  b.connect(ann.token);
  ChatClient late(port(), "anon2");
  ASSERT_EQ(late.upgrade().status, 101);
  ASSERT_TRUE(late.expectClose());  // the sweep has run past b's first second
  EXPECT_TRUE(b.drain().empty());
  EXPECT_FALSE(b.closeFrame());
}

TEST(ChatOriginTest, ForeignOriginIsRefusedWhenOriginsAreListed) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--allow-origin", "https://app.example"});
  const Account ann = signUp(chatd.port(), "ann");

  ChatClient foreign(chatd.port(), "foreign");
  const HttpReply refused = foreign.upgrade(ann.token, TokenIn::kQuery, "Origin: https://evil.example\r\n");
  EXPECT_EQ(refused.status, 403) << refused.head;
  EXPECT_EQ(Json(refused.body).string("error.code"), "forbidden") << refused.body;

  ChatClient listed(chatd.port(), "listed");
  EXPECT_EQ(listed.upgrade(ann.token, TokenIn::kQuery, "Origin: https://app.example\r\n").status, 101);
  expectWelcome(listed.expectNext("welcome"), "ann");

  // Not a browser (no Origin): let through.
  ChatClient plain(chatd.port(), "plain");
  expectWelcome(plain.connect(ann.token), "ann");

  // chatd's own web client: same scheme and host as the request (plain HTTP here).
  const std::string self = "127.0.0.1:" + std::to_string(chatd.port());
  ChatClient own(chatd.port(), "own");
  EXPECT_EQ(own.upgrade(ann.token, TokenIn::kQuery, "Origin: http://" + self + "\r\n").status, 101);
  ChatClient otherScheme(chatd.port(), "other-scheme");
  EXPECT_EQ(otherScheme.upgrade(ann.token, TokenIn::kQuery, "Origin: https://" + self + "\r\n").status, 403)
      << "an https page is another origin than this http server";
}

}  // namespace
}  // namespace chatd::testing
