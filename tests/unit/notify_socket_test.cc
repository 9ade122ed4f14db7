// reactor/NotifySocket and NotifyReceiver: the service manager's notification
// datagrams, over real unix sockets (a path and the abstract namespace), and
// the watchdog settings read from the environment.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "reactor/NotifyReceiver.h"
#include "reactor/NotifySocket.h"

namespace chatd::reactor {
namespace {

// The next message on `receiver`, waiting up to a second.
std::optional<NotifyReceiver::Message> nextMessage(const NotifyReceiver& receiver) {
  pollfd ready{receiver.fd(), POLLIN, 0};
  if (::poll(&ready, 1, 1000) != 1) return std::nullopt;
  return receiver.receive();
}

TEST(NotifySocket, RefusesWhatIsNotASocketAddress) {
  EXPECT_FALSE(NotifySocket::forAddress(""));
  EXPECT_FALSE(NotifySocket::forAddress("@"));
  EXPECT_FALSE(NotifySocket::forAddress("run/notify"));  // relative
  EXPECT_FALSE(NotifySocket::forAddress("/" + std::string(200, 'x')));  // longer than sun_path
  EXPECT_TRUE(NotifySocket::forAddress("/run/systemd/notify"));
  EXPECT_TRUE(NotifySocket::forAddress("@abstract"));
}

TEST(NotifySocket, WithoutNotifySocketThereIsNothingToNotify) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(NotifySocket::fromEnvironment());
}

TEST(NotifySocket, ReachesAnAbstractReceiverWhichSeesTheSendersPid) {
  std::string error;
  std::optional<NotifyReceiver> receiver = NotifyReceiver::bind(error);
  ASSERT_TRUE(receiver) << error;
  ASSERT_EQ(receiver->address()[0], '@');
  const std::optional<NotifySocket> socket = NotifySocket::forAddress(receiver->address());
  ASSERT_TRUE(socket);
  ASSERT_TRUE(socket->send("READY=1\nSTATUS=serving"));
  const auto message = nextMessage(*receiver);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text, "READY=1\nSTATUS=serving");
  EXPECT_EQ(message->sender, ::getpid());
  EXPECT_FALSE(receiver->receive()) << "one datagram per send";
}

TEST(NotifySocket, ASendToNobodyFailsWithoutWaiting) {
  const std::optional<NotifySocket> socket = NotifySocket::forAddress("@chatd-test-nobody-listens-here");
  ASSERT_TRUE(socket);
  EXPECT_FALSE(socket->send("WATCHDOG=1"));
}

class WatchdogEnvironment : public ::testing::Test {
 protected:
  void TearDown() override {
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }
};

TEST_F(WatchdogEnvironment, IntervalInMillisecondsWhenMeantForUs) {
  EXPECT_EQ(NotifySocket::watchdogIntervalMs(), 0u);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  EXPECT_EQ(NotifySocket::watchdogIntervalMs(), 30'000u);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(NotifySocket::watchdogIntervalMs(), 30'000u);
  ::setenv("WATCHDOG_PID", "1", 1);
  EXPECT_EQ(NotifySocket::watchdogIntervalMs(), 0u) << "another process's watchdog";
}

TEST_F(WatchdogEnvironment, JunkIsNoWatchdog) {
  for (const char* junk : {"", "abc", "12s", "-"}) {
    ::setenv("WATCHDOG_USEC", junk, 1);
    EXPECT_EQ(NotifySocket::watchdogIntervalMs(), 0u) << "'" << junk << "'";
  }
}

}  // namespace
}  // namespace chatd::reactor
