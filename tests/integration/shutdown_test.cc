// Graceful shutdown: on SIGTERM or SIGINT every open WebSocket hears Close
// 1001, and chatd exits 0 within --drain-timeout.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <memory>

#include "tests/support/ChatdProcess.h"
#include "tests/support/ClientChecks.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

constexpr int kClients = 5;
constexpr int kDrainMs = 1500;
constexpr int kSlackMs = 1500;

class ShutdownTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    for (int i = 0; i < kClients; ++i) {
      clients_.push_back(std::make_unique<WsTestClient>());
      ASSERT_TRUE(clients_.back()->open(chatd_.port()));
    }
  }

  ChatdProcess chatd_{{"--echo", "/echo", "--drain-timeout", "1.5"}};
  std::vector<std::unique_ptr<WsTestClient>> clients_;
};

std::string signalName(const ::testing::TestParamInfo<int>& info) { return info.param == SIGTERM ? "SIGTERM" : "SIGINT"; }

}  // namespace

// Clients that answer the Close let chatd finish well before the drain deadline.
TEST_P(ShutdownTest, OpenWebSocketsGet1001AndChatdExitsZero) {
  const Stopwatch watch;
  ASSERT_EQ(kill(chatd_.pid(), GetParam()), 0);
  for (auto& client : clients_) {
    EXPECT_EQ(client->readCloseCode(kDrainMs), proto::close_code::kGoingAway);
    client->sendClose(proto::close_code::kGoingAway);
  }
  for (auto& client : clients_) {
    EXPECT_TRUE(client->waitForEof(kDrainMs)) << "server did not close its side";
    client->close();
  }
  const int status = chatd_.waitForExit(kDrainMs + kSlackMs);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
  EXPECT_LT(watch.elapsedMs(), kDrainMs) << "a clean drain should not wait for the deadline";
}

// Clients that never answer cannot hold chatd past the drain deadline.
TEST_P(ShutdownTest, UnresponsiveClientsDoNotDelayExitPastTheDrainTimeout) {
  const Stopwatch watch;
  ASSERT_EQ(kill(chatd_.pid(), GetParam()), 0);
  EXPECT_EQ(clients_.front()->readCloseCode(kDrainMs), proto::close_code::kGoingAway);
  const int status = chatd_.waitForExit(kDrainMs + kSlackMs);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
  EXPECT_GE(watch.elapsedMs(), kDrainMs - 200) << "exited before the clients could answer";
  for (auto& client : clients_) EXPECT_TRUE(client->waitForEof(1000)) << "socket outlived the process";
}

// Nobody can connect once shutdown has begun (the listener is closed).
TEST_P(ShutdownTest, NewConnectionsAreRefusedWhileDraining) {
  ASSERT_EQ(kill(chatd_.pid(), GetParam()), 0);
  ASSERT_EQ(clients_.front()->readCloseCode(kDrainMs), proto::close_code::kGoingAway);
  WsTestClient late;
  EXPECT_FALSE(late.open(chatd_.port())) << "a WebSocket was accepted during shutdown";
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownTest, ::testing::Values(SIGTERM, SIGINT), signalName);

TEST(Shutdown, WithoutClientsExitsZeroPromptly) {
  for (int signo : {SIGTERM, SIGINT}) {
    ChatdProcess chatd({"--echo", "/echo"});
    const Stopwatch watch;
    const int status = chatd.stop(signo, 3000);
    EXPECT_TRUE(exitedWith(status, 0)) << strsignal(signo) << ": " << describeWaitStatus(status);
    EXPECT_LT(watch.elapsedMs(), 500) << strsignal(signo);
  }
}

// HTTP keep-alive connections are simply closed; they do not hold the drain.
TEST(Shutdown, IdleHttpConnectionsAreClosedAndDoNotDelayExit) {
  ChatdProcess chatd({"--drain-timeout", "3"});
  WsTestClient http;
  ASSERT_TRUE(keptAliveAfterHealthz(http, chatd.port()));
  const Stopwatch watch;
  ASSERT_EQ(kill(chatd.pid(), SIGTERM), 0);
  EXPECT_TRUE(http.waitForEof(1000));
  http.close();
  const int status = chatd.waitForExit(3000);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
  EXPECT_LT(watch.elapsedMs(), 1000);
}

}  // namespace chatd::testing
