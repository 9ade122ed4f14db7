// chatd behind a real nginx running the shipped site (dist/nginx-chatd.conf)
// with --trusted-proxy 127.0.0.1: login, WebSocket chat and long-poll go
// through it, and each client is known by its own address (the login
// throttle of one does not lock out another), while a peer that is not a
// trusted proxy cannot choose its address with X-Forwarded-For.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/integration/nginx_proxy.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestCertificates.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;
constexpr int kMostGuesses = 20;

std::string credentials(const std::string& password) {
  return R"({"username":"ann","password":")" + password + R"("})";
}

class ReverseProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (nginxBinary().empty()) GTEST_SKIP() << "nginx is not installed (make deps installs nginx-light)";
    ASSERT_TRUE(nginx_.ready()) << nginx_.failure();
  }
  // A login as ann to `port` from the local address `from`, with `headers`.
  int login(const char* from, int port, const std::string& password, const std::string& headers = {}) {
    return httpCallFrom(from, port, "POST", "/api/v1/login", credentials(password), headers).status;
  }
  // Wrong passwords from `from` until the throttle answers 429; false if it never does.
  bool guessUntilRefused(const char* from, int port, const std::function<std::string(int)>& headers) {
    for (int i = 0; i < kMostGuesses; ++i) {
      const int status = login(from, port, "wrong-password", headers(i));
      if (status == 429) return true;
      EXPECT_EQ(status, 401) << "guess " << i;
    }
    return false;
  }

  ChatdProcess chatd_{{"--argon2-memory", "1024", "--trusted-proxy", "127.0.0.1"}};
  NginxProxy nginx_{chatd_.port()};
};

TEST_F(ReverseProxyTest, LoginWebSocketChatAndLongPollGoThroughIt) {
  const Account ann = signUp(nginx_.port(), "ann");
  const Account bob = signUp(nginx_.port(), "bob");
  ASSERT_EQ(httpCall(nginx_.port(), "POST", "/api/v1/login", credentials("correct-horse")).status, 200);

  ChatClient a(nginx_.port(), "ann");
  ChatClient b(nginx_.port(), "bob");
  ASSERT_EQ(a.connect(ann.token).type(), "welcome");
  ASSERT_EQ(b.connect(bob.token).type(), "welcome");
  a.join(kLobby);
  b.join(kLobby);
  b.drain();

  WsTestClient poll;
  ASSERT_TRUE(poll.connect(nginx_.port()));
  ASSERT_TRUE(poll.sendRaw("GET /api/v1/rooms/1/messages?after=0&wait=10 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Authorization: Bearer " + bob.token + "\r\n\r\n"));
  EXPECT_FALSE(poll.fill(1, 300)) << "answered before the message was sent: " << poll.buffered();

  const Json ack = a.sendMessage(kLobby, "through nginx");
  ASSERT_EQ(ack.type(), "ack") << ack;
  const Json heard = b.expectNext("message");
  EXPECT_EQ(heard.string("data.content"), "through nginx");
  const HttpReply reply = poll.readHttpReply(5000);
  ASSERT_EQ(reply.status, 200) << reply.head;
  EXPECT_EQ(Json(reply.body).string("messages.0.content"), "through nginx") << reply.body;
}

TEST_F(ReverseProxyTest, FailedLoginsFromOneClientDoNotLockOutAnother) {
  signUp(nginx_.port(), "ann");
  // 127.0.0.2 guesses ann's password through nginx until it is refused ...
  ASSERT_TRUE(guessUntilRefused("127.0.0.2", nginx_.port(), [](int) { return std::string(); }));
  EXPECT_EQ(login("127.0.0.2", nginx_.port(), "correct-horse"), 429) << "the guesser is throttled";
  // ... while ann, from 127.0.0.3 through the same nginx, signs in.
  EXPECT_EQ(login("127.0.0.3", nginx_.port(), "correct-horse"), 200);
}

TEST_F(ReverseProxyTest, AForgedForwardedForFromAnUntrustedPeerIsIgnored) {
  signUp(chatd_.port(), "ann");
  // Straight to chatd from 127.0.0.4, claiming another address at every guess:
  // were it believed, no address would ever collect enough failures.
  auto forged = [](int i) { return "X-Forwarded-For: 203.0.113." + std::to_string(i + 1) + "\r\n"; };
  ASSERT_TRUE(guessUntilRefused("127.0.0.4", chatd_.port(), forged));
  EXPECT_EQ(login("127.0.0.4", chatd_.port(), "correct-horse", "X-Real-IP: 198.51.100.7\r\n"), 429);
  EXPECT_EQ(login("127.0.0.5", chatd_.port(), "correct-horse"), 200) << "another peer is another client";
}

// The proxy's own connections are not limited; the clients it names are,
// once their WebSockets are open.
TEST(ReverseProxyLimitsTest, EachClientBehindTheProxyHasItsOwnConnections) {
  if (nginxBinary().empty()) GTEST_SKIP() << "nginx is not installed (make deps installs nginx-light)";
  ChatdProcess chatd({"--trusted-proxy", "127.0.0.1", "--max-connections-per-ip", "2"});
  NginxProxy nginx(chatd.port());
  ASSERT_TRUE(nginx.ready()) << nginx.failure();
  WsTestClient first;
  WsTestClient second;
  WsTestClient third;
  WsTestClient other;
  for (WsTestClient* client : {&first, &second, &third}) ASSERT_TRUE(client->connect(nginx.port(), "127.0.0.1", "127.0.0.2"));
  ASSERT_TRUE(other.connect(nginx.port(), "127.0.0.1", "127.0.0.3"));
  EXPECT_EQ(first.upgrade(nginx.port(), "/ws").status, 101);
  EXPECT_EQ(second.upgrade(nginx.port(), "/ws").status, 101);
  const HttpReply refused = third.upgrade(nginx.port(), "/ws");
  EXPECT_EQ(refused.status, 503) << refused.head;
  EXPECT_NE(refused.body.find("from your address"), std::string::npos) << refused.body;
  EXPECT_EQ(other.upgrade(nginx.port(), "/ws").status, 101) << "another client behind the same proxy";
}

// TLS at nginx: the browser's wss:// ends there, chatd behind it speaks plain HTTP.
TEST(ReverseProxyTlsTest, WssChatEndsAtNginxInFrontOfAPlainChatd) {
  if (nginxBinary().empty()) GTEST_SKIP() << "nginx is not installed (make deps installs nginx-light)";
  TestCertificates certificates;
  ASSERT_TRUE(certificates.ok()) << certificates.error();
  const CertificatePair pair = certificates.issue("nginx", 9);
  ChatdProcess chatd({"--argon2-memory", "1024", "--trusted-proxy", "127.0.0.1"});
  NginxProxy nginx(chatd.port(), &pair);
  ASSERT_TRUE(nginx.ready()) << nginx.failure();
  ChatClient ann(nginx.port(), "ann");
  ChatClient bob(nginx.port(), "bob");
  for (ChatClient* client : {&ann, &bob}) {
    client->useTls(certificates.caFile());
    ASSERT_EQ(client->connect(signUpOverTls(nginx.port(), certificates.caFile(), client->name()).token).type(),
              "welcome");
    client->join(kLobby);
  }
  bob.drain();
  const Json ack = ann.sendMessage(kLobby, "through nginx over TLS");
  EXPECT_EQ(ack.type(), "ack") << ack;
  EXPECT_EQ(bob.expect("message").string("data.content"), "through nginx over TLS");
}

}  // namespace
}  // namespace chatd::testing
