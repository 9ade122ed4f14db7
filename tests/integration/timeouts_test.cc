// The HTTP phase deadline (--handshake-timeout): a client that sends half a
// request (slowloris) neither blocks others nor stays forever, and an idle
// keep-alive connection is closed.
#include <gtest/gtest.h>

#include "tests/support/ChatdProcess.h"
#include "tests/support/ClientChecks.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

constexpr int kTimeoutMs = 500;
// Timers tick every 10 ms; the rest is scheduling slack on a shared machine
// (tight enough that twice the deadline fails).
constexpr int kEarlyMs = kTimeoutMs - 100;
constexpr int kLateMs = kTimeoutMs + 400;

constexpr std::string_view kHalfRequest = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webso";

}  // namespace

TEST(Timeouts, HalfSentHandshakeDoesNotStopOtherClients) {
  ChatdProcess chatd({"--echo", "/echo"});
  WsTestClient slow;
  ASSERT_TRUE(slow.connect(chatd.port()));
  ASSERT_TRUE(slow.sendRaw(kHalfRequest));

  const Stopwatch watch;
  WsTestClient http;
  EXPECT_TRUE(keptAliveAfterHealthz(http, chatd.port()));
  WsTestClient ws;
  ASSERT_TRUE(ws.open(chatd.port()));
  ASSERT_TRUE(ws.sendText("served"));
  EXPECT_TRUE(receivesFrame(ws, 0x1, "served", 1000));
  EXPECT_LT(watch.elapsedMs(), 1000);
  EXPECT_FALSE(slow.waitForEof(50)) << "the slow client is still within its deadline";
}

TEST(Timeouts, HalfSentHandshakeGets408AndIsClosedAfterTheDeadline) {
  ChatdProcess chatd({"--echo", "/echo", "--handshake-timeout", "0.5"});
  WsTestClient slow;
  ASSERT_TRUE(slow.connect(chatd.port()));
  const Stopwatch watch;
  ASSERT_TRUE(slow.sendRaw(kHalfRequest));
  const HttpReply reply = slow.readHttpReply(kLateMs);
  EXPECT_EQ(reply.status, 408);
  EXPECT_TRUE(slow.waitForEof(kLateMs));
  EXPECT_GE(watch.elapsedMs(), kEarlyMs) << "closed before the deadline";
  EXPECT_LE(watch.elapsedMs(), kLateMs) << "not closed near the deadline";
}

// Trickling bytes does not extend the deadline: it covers the whole request.
TEST(Timeouts, TricklingHandshakeIsStillCutOffAtTheDeadline) {
  ChatdProcess chatd({"--echo", "/echo", "--handshake-timeout", "0.5"});
  WsTestClient slow;
  ASSERT_TRUE(slow.connect(chatd.port()));
  const Stopwatch watch;
  bool closed = false;
  for (char c : std::string(kHalfRequest) + "cket\r\nConnection: Upgrade\r\n") {
    if (!slow.sendRaw(std::string_view(&c, 1)) || slow.waitForEof(50)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed || slow.waitForEof(kLateMs));
  EXPECT_GE(watch.elapsedMs(), kEarlyMs);
  EXPECT_LE(watch.elapsedMs(), kLateMs);
}

TEST(Timeouts, IdleKeepAliveConnectionIsClosedAfterTheDeadline) {
  ChatdProcess chatd({"--handshake-timeout", "0.5"});
  WsTestClient client;
  ASSERT_TRUE(keptAliveAfterHealthz(client, chatd.port()));
  const Stopwatch watch;
  EXPECT_TRUE(client.waitForEof(kLateMs)) << "idle keep-alive connection left open";
  EXPECT_GE(watch.elapsedMs(), kEarlyMs) << "closed before the idle deadline";
  EXPECT_TRUE(client.buffered().empty()) << "an idle close needs no reply";
}

// A connection that never sends a byte is closed too.
TEST(Timeouts, SilentConnectionIsClosedAfterTheDeadline) {
  ChatdProcess chatd({"--handshake-timeout", "0.5"});
  WsTestClient client;
  const Stopwatch watch;
  ASSERT_TRUE(client.connect(chatd.port()));
  EXPECT_TRUE(client.waitForEof(kLateMs));
  EXPECT_GE(watch.elapsedMs(), kEarlyMs);
}

// Once upgraded, the HTTP deadline no longer applies.
TEST(Timeouts, WebSocketOutlivesTheHandshakeDeadline) {
  ChatdProcess chatd({"--echo", "/echo", "--handshake-timeout", "0.3"});
  WsTestClient ws;
  ASSERT_TRUE(ws.open(chatd.port()));
  EXPECT_FALSE(ws.waitForEof(800));
  ASSERT_TRUE(ws.sendText("still here"));
  EXPECT_TRUE(receivesFrame(ws, 0x1, "still here"));
}

}  // namespace chatd::testing
