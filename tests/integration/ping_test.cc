// Keep-alive on open WebSockets (--ping-interval, --ping-timeout): a silent
// peer is pinged, a peer that answers stays, a peer that does not is closed.
#include <gtest/gtest.h>

#include "tests/support/ChatdProcess.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

constexpr int kIntervalMs = 300;
constexpr int kTimeoutMs = 300;
constexpr int kSlackMs = 1000;

class PingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(ws_.open(chatd_.port())); }

  ChatdProcess chatd_{{"--echo", "/echo", "--ping-interval", "0.3", "--ping-timeout", "0.3"}};
  WsTestClient ws_;
};

}  // namespace

TEST_F(PingTest, IdleWebSocketReceivesPing) {
  const Stopwatch watch;
  auto frame = ws_.readFrame(kIntervalMs + kSlackMs);
  ASSERT_TRUE(frame) << "no ping within the interval";
  EXPECT_EQ(frame->opcode, 0x9);
  EXPECT_FALSE(frame->masked);
  EXPECT_GE(watch.elapsedMs(), kIntervalMs - 100) << "pinged before the peer was idle for the interval";
}

TEST_F(PingTest, ClientThatAnswersPongsStaysOpen) {
  const Stopwatch watch;
  int pings = 0;
  while (watch.elapsedMs() < 5 * kIntervalMs) {
    auto frame = ws_.readFrame(kIntervalMs + kSlackMs);
    ASSERT_TRUE(frame) << "connection ended after " << watch.elapsedMs() << " ms and " << pings << " pings";
    ASSERT_EQ(frame->opcode, 0x9) << "unexpected frame (close code " << frame->closeCode() << ")";
    ++pings;
    ASSERT_TRUE(ws_.sendFrame(0xA, frame->payload));
  }
  EXPECT_GE(pings, 3);
  ASSERT_TRUE(ws_.sendText("alive"));
  // A ping may cross the text on the wire; the echo must still come.
  for (;;) {
    auto frame = ws_.readFrame();
    ASSERT_TRUE(frame);
    if (frame->opcode == 0x9) continue;
    EXPECT_EQ(frame->payload, "alive");
    break;
  }
}

// Messages count as proof of life as well as pongs do.
TEST_F(PingTest, ClientThatKeepsSendingIsNotClosed) {
  const Stopwatch watch;
  while (watch.elapsedMs() < 3 * (kIntervalMs + kTimeoutMs)) {
    ASSERT_TRUE(ws_.sendText("tick"));
    auto frame = ws_.readFrame();
    ASSERT_TRUE(frame);
    while (frame && frame->opcode == 0x9) frame = ws_.readFrame();
    ASSERT_TRUE(frame) << "closed while the client was talking";
    ASSERT_EQ(frame->opcode, 0x1) << "close code " << frame->closeCode();
    EXPECT_FALSE(ws_.waitForEof(100));
  }
}

TEST_F(PingTest, ClientThatNeverAnswersIsClosed) {
  const Stopwatch watch;
  auto ping = ws_.readFrame(kIntervalMs + kSlackMs);
  ASSERT_TRUE(ping);
  ASSERT_EQ(ping->opcode, 0x9);
  EXPECT_TRUE(ws_.waitForEof(kTimeoutMs + kSlackMs)) << "silent client still open";
  EXPECT_GE(watch.elapsedMs(), kIntervalMs + kTimeoutMs - 100) << "closed before the pong deadline";
  // If the server said goodbye first, it was with a Close frame.
  if (!ws_.buffered().empty()) {
    auto frame = ws_.readFrame(0);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, 0x8);
  }
}

}  // namespace chatd::testing
