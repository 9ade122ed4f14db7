// The HTTP side of chatd: routes, methods, keep-alive and pipelining, bad
// requests, and the WebSocket handshake's failures and its hand-over.
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/ChatdProcess.h"
#include "tests/support/ClientChecks.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

std::string get(std::string_view path, std::string_view extraHeaders = {}) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extraHeaders) + "\r\n";
}

std::string upgradeRequest(std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==", std::string_view version = "13") {
  return get("/echo", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + std::string(key) +
                          "\r\nSec-WebSocket-Version: " + std::string(version) + "\r\n");
}

bool isJsonError(const HttpReply& reply) {
  return reply.header("Content-Type").value_or("").starts_with("application/json") &&
         reply.body.starts_with("{\"error\":{") && reply.body.ends_with("}}");
}

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { chatd_ = std::make_unique<ChatdProcess>(std::vector<std::string>{"--echo", "/echo"}); }
  static void TearDownTestSuite() { chatd_.reset(); }
  void SetUp() override { ASSERT_TRUE(client_.connect(chatd_->port())); }

  int port() const { return chatd_->port(); }

  static std::unique_ptr<ChatdProcess> chatd_;
  WsTestClient client_;
};

std::unique_ptr<ChatdProcess> HttpTest::chatd_;

}  // namespace

TEST_F(HttpTest, HealthzIs200Json) {
  ASSERT_TRUE(client_.sendRaw(get("/healthz")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  EXPECT_EQ(reply.body, "{\"status\":\"ok\"}");
}

TEST_F(HttpTest, UnknownPathIs404JsonError) {
  ASSERT_TRUE(client_.sendRaw(get("/no/such/thing")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 404);
  EXPECT_TRUE(isJsonError(reply)) << reply.head << reply.body;
}

TEST_F(HttpTest, PostHealthzIs405WithAllow) {
  ASSERT_TRUE(client_.sendRaw("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 405);
  EXPECT_TRUE(isJsonError(reply)) << reply.body;
  EXPECT_TRUE(reply.header("Allow").value_or("").find("GET") != std::string::npos);
}

// HEAD and GET pipelined: if HEAD leaked its body, the GET's reply would not
// start where the client expects it.
TEST_F(HttpTest, HeadHealthzHasHeadersButNoBody) {
  ASSERT_TRUE(client_.sendRaw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + get("/healthz")));
  const HttpReply head = client_.readHttpHead();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Type"), "application/json");
  const HttpReply after = client_.readHttpReply();
  EXPECT_EQ(after.status, 200) << "HEAD reply carried a body; next bytes: " << after.head;
  EXPECT_EQ(after.body, "{\"status\":\"ok\"}");
}

TEST_F(HttpTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_.sendRaw(kHealthzRequest));
    const HttpReply reply = client_.readHttpReply();
    ASSERT_EQ(reply.status, 200) << "request " << i;
    EXPECT_EQ(reply.header("Connection"), "keep-alive");
  }
}

TEST_F(HttpTest, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(client_.sendRaw(get("/healthz") + get("/missing") +
                              "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" + get("/healthz")));
  EXPECT_EQ(client_.readHttpReply().status, 200);
  EXPECT_EQ(client_.readHttpReply().status, 404);
  EXPECT_EQ(client_.readHttpReply().status, 405);
  EXPECT_EQ(client_.readHttpReply().status, 200);
}

TEST_F(HttpTest, ConnectionCloseRequestIsAnsweredThenClosed) {
  ASSERT_TRUE(client_.sendRaw(get("/healthz", "Connection: close\r\n")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_TRUE(client_.waitForEof());
}

TEST_F(HttpTest, GarbageIs400JsonAndClose) {
  ASSERT_TRUE(client_.sendRaw("\x01\x02 this is not HTTP\r\n\r\n"));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(isJsonError(reply)) << reply.body;
  EXPECT_TRUE(client_.waitForEof());
}

TEST_F(HttpTest, HeaderOverTheLimitIs431) {
  ASSERT_TRUE(client_.sendRaw(get("/healthz", "X-Big: " + std::string(20 * 1024, 'b') + "\r\n")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 431);
  EXPECT_TRUE(isJsonError(reply)) << reply.body;
  EXPECT_TRUE(client_.waitForEof());
}

TEST_F(HttpTest, EchoWithoutUpgradeIs426) {
  ASSERT_TRUE(client_.sendRaw(get("/echo")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 426);
  EXPECT_EQ(reply.header("Sec-WebSocket-Version"), "13");
  EXPECT_TRUE(isJsonError(reply)) << reply.body;
}

TEST_F(HttpTest, WrongWebSocketVersionIs426) {
  ASSERT_TRUE(client_.sendRaw(upgradeRequest("dGhlIHNhbXBsZSBub25jZQ==", "8")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 426);
  EXPECT_EQ(reply.header("Sec-WebSocket-Version"), "13");
}

TEST_F(HttpTest, MalformedWebSocketKeyIs400) {
  ASSERT_TRUE(client_.sendRaw(upgradeRequest("short")));
  const HttpReply reply = client_.readHttpReply();
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(isJsonError(reply)) << reply.body;
}

TEST_F(HttpTest, UpgradeOnUnknownPathIs404) {
  const HttpReply reply = client_.upgrade(port(), "/nowhere");
  EXPECT_EQ(reply.status, 404);
  EXPECT_TRUE(isJsonError(reply)) << reply.body;
}

// The frames ride in the same segment as the handshake: none may be lost.
TEST_F(HttpTest, FramesSentWithTheUpgradeRequestAreEchoed) {
  ASSERT_TRUE(client_.sendRaw(upgradeRequest() + WsTestClient::frame(0x1, "first") + WsTestClient::frame(0x2, "second") +
                              WsTestClient::frame(0x9, "ping")));
  const HttpReply reply = client_.readHttpReply();
  ASSERT_EQ(reply.status, 101);
  EXPECT_EQ(reply.header("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_TRUE(receivesFrame(client_, 0x1, "first"));
  EXPECT_TRUE(receivesFrame(client_, 0x2, "second"));
  EXPECT_TRUE(receivesFrame(client_, 0xA, "ping"));
}

}  // namespace chatd::testing
