// app/WorkerNotifications: the --workers supervisor speaking to systemd for
// its workers. Real sockets: the test holds the "systemd" end, and plays the
// workers by sending to the relay itself (so every worker has the test's pid).
#include "app/WorkerNotifications.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chatd::app {
namespace {

class WorkerNotificationsTest : public ::testing::Test {
 protected:
  // `watchdogUsec`: systemd's WATCHDOG_USEC for the supervisor (nullptr: none).
  void start(size_t workers, const char* watchdogUsec) {
    std::string error;
    systemd_ = reactor::NotifyReceiver::bind(error);
    ASSERT_TRUE(systemd_) << error;
    if (watchdogUsec) ::setenv("WATCHDOG_USEC", watchdogUsec, 1);
    auto relay = reactor::NotifyReceiver::bind(error);
    ASSERT_TRUE(relay) << error;
    relayAddress_ = relay->address();
    supervisor_ = std::make_unique<WorkerNotifications>(
        workers, std::move(*reactor::NotifySocket::forAddress(systemd_->address())), std::move(*relay));
    ::unsetenv("WATCHDOG_USEC");
  }
  // A worker's message to the supervisor, handled at `nowMs`.
  void fromWorker(const std::string& text, int64_t nowMs) {
    ASSERT_TRUE(reactor::NotifySocket::forAddress(relayAddress_)->send(text));
    pollfd ready{supervisor_->fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&ready, 1, 1000), 1);
    supervisor_->handleReadable(nowMs);
  }
  // What systemd has received so far.
  std::vector<std::string> toSystemd() {
    std::vector<std::string> messages;
    while (auto message = systemd_->receive()) messages.push_back(message->text);
    return messages;
  }

  std::optional<reactor::NotifyReceiver> systemd_;
  std::string relayAddress_;
  std::unique_ptr<WorkerNotifications> supervisor_;
};

TEST_F(WorkerNotificationsTest, ReadyOnlyOnceEveryWorkerIsReady) {
  start(2, nullptr);
  const pid_t me = ::getpid();
  supervisor_->workerStarted(me, 0);
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"STATUS=workers serving: 0 of 2"});
  fromWorker("READY=1\nSTATUS=serving, connections: 0", 10);
  // One worker of two: no READY=1 yet.
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"STATUS=workers serving: 1 of 2"});
  supervisor_->workerStarted(me + 100000, 20);  // a second worker that never speaks here
  EXPECT_TRUE(toSystemd().empty()) << "status unchanged: not sent again";
  supervisor_->workerExited(me + 100000);
  supervisor_->workerStarted(me + 100001, 30);
  EXPECT_TRUE(toSystemd().empty());
  EXPECT_EQ(supervisor_->tick(40), -1) << "no watchdog without WATCHDOG_USEC";
  supervisor_->stopping();
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"STOPPING=1\nSTATUS=draining the workers"});
}

TEST_F(WorkerNotificationsTest, ReadyWithTheLastWorker) {
  start(1, nullptr);
  supervisor_->workerStarted(::getpid(), 0);
  toSystemd();
  fromWorker("READY=1", 10);
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"READY=1\nSTATUS=workers serving: 1 of 1"});
}

TEST_F(WorkerNotificationsTest, WatchdogFedOnlyWhileEveryReadyWorkerPings) {
  start(1, "400000");  // 400 ms: the supervisor checks every 200 ms
  supervisor_->workerStarted(::getpid(), 0);
  fromWorker("READY=1", 0);
  toSystemd();
  EXPECT_EQ(supervisor_->tick(100), 200) << "the first check is due at once; the next in half the interval";
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"WATCHDOG=1"});
  EXPECT_EQ(supervisor_->tick(200), 100);
  fromWorker("WATCHDOG=1", 250);
  EXPECT_EQ(supervisor_->tick(300), 200);
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"WATCHDOG=1"});
  // The worker goes quiet: past half the interval since its last ping, no more pings.
  EXPECT_EQ(supervisor_->tick(500), 200);
  EXPECT_TRUE(toSystemd().empty());
  fromWorker("WATCHDOG=1", 600);
  supervisor_->tick(700);
  EXPECT_EQ(toSystemd(), std::vector<std::string>{"WATCHDOG=1"});
}

}  // namespace
}  // namespace chatd::app
