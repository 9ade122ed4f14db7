// The service manager's notification protocol (systemd Type=notify): chatd,
// started with $NOTIFY_SOCKET naming a datagram socket the test holds, says
// READY=1 once it accepts connections, keeps a STATUS= line current, pings
// WATCHDOG=1 at half of $WATCHDOG_USEC and says STOPPING=1 when SIGTERM
// starts the drain. With --workers the supervisor speaks for its workers.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestUtil.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {

namespace {

// A bound unix datagram socket standing in for systemd's notify socket;
// `abstract` puts it in the abstract namespace ('@' in $NOTIFY_SOCKET).
class NotifyListener {
 public:
  explicit NotifyListener(bool abstract) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string name = "/tmp/chatd-notify-" + std::to_string(::getpid()) + (abstract ? "-abstract" : ".sock");
    std::memcpy(address.sun_path, name.c_str(), name.size());
    socklen_t length = offsetof(sockaddr_un, sun_path) + name.size() + 1;
    if (abstract) {
      address.sun_path[0] = '\0';
      length -= 1;
      envValue_ = "@" + name.substr(1);
    } else {
      ::unlink(name.c_str());
      path_ = envValue_ = name;
    }
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~NotifyListener() {
    ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  const std::string& envValue() const { return envValue_; }

  // The next datagram within `timeoutMs`.
  std::optional<std::string> next(int timeoutMs) {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, timeoutMs) != 1) return std::nullopt;
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(n));
  }
  // Datagrams until one holds `line` (returned) or `timeoutMs` passes.
  std::optional<std::string> until(const std::string& line, int timeoutMs) {
    const Stopwatch watch;
    while (watch.elapsedMs() < timeoutMs) {
      const auto message = next(static_cast<int>(timeoutMs - watch.elapsedMs()));
      if (!message) break;
      seen_.push_back(*message);
      if (hasLine(*message, line)) return message;
    }
    return std::nullopt;
  }
  const std::vector<std::string>& seen() const { return seen_; }

  static bool hasLine(const std::string& message, const std::string& prefix) {
    for (size_t start = 0; start < message.size();) {
      size_t end = message.find('\n', start);
      if (end == std::string::npos) end = message.size();
      if (message.compare(start, prefix.size(), prefix) == 0) return true;
      start = end + 1;
    }
    return false;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
  std::string path_;
  std::string envValue_;
  std::vector<std::string> seen_;
};

// Sets the notify environment for the chatd started while it lives.
class NotifyEnvironment {
 public:
  NotifyEnvironment(const std::string& socket, const char* watchdogUsec) {
    ::setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    if (watchdogUsec) ::setenv("WATCHDOG_USEC", watchdogUsec, 1);
  }
  ~NotifyEnvironment() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
};

std::string joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const std::string& m : messages) out += "[" + m + "] ";
  return out;
}

}  // namespace

TEST(Notify, ReadyStatusWatchdogAndStoppingReachTheNotifySocket) {
  NotifyListener systemd(false);
  ASSERT_TRUE(systemd.bound());
  const NotifyEnvironment env(systemd.envValue(), "400000");  // 400 ms: a ping every 200 ms
  ChatdProcess chatd({"--argon2-memory", "1024", "--drain-timeout", "2"});

  const auto ready = systemd.until("READY=1", 5000);
  ASSERT_TRUE(ready) << "no READY=1; got " << joined(systemd.seen());
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/healthz").status, 200) << "READY=1 before the port accepts";
  EXPECT_TRUE(NotifyListener::hasLine(*ready, "STATUS=serving, connections: 0, chat sessions: 0")) << *ready;

  // Pings repeat at about half the interval.
  const Stopwatch watch;
  for (int ping = 0; ping < 3; ++ping) ASSERT_TRUE(systemd.until("WATCHDOG=1", 1000)) << joined(systemd.seen());
  EXPECT_LT(watch.elapsedMs(), 1000);

  // A chat session shows in the status within its period.
  const Account ann = signUp(chatd.port(), "ann");
  ChatClient client(chatd.port(), "ann");
  ASSERT_TRUE(client.connect(ann.token).ok());
  ASSERT_TRUE(systemd.until("STATUS=serving, connections: 1, chat sessions: 1", 5000)) << joined(systemd.seen());

  ASSERT_EQ(::kill(chatd.pid(), SIGTERM), 0);
  ASSERT_TRUE(systemd.until("STOPPING=1", 3000)) << joined(systemd.seen());
  EXPECT_TRUE(systemd.until("STATUS=draining, connections left: 1", 3000)) << joined(systemd.seen());
  ASSERT_TRUE(client.expectClose());
  client.close();
  const int status = chatd.waitForExit(3000);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
}

// An abstract socket ('@name'), and no watchdog unless WATCHDOG_USEC is set.
TEST(Notify, AbstractSocketWithoutWatchdog) {
  NotifyListener systemd(true);
  ASSERT_TRUE(systemd.bound());
  const NotifyEnvironment env(systemd.envValue(), nullptr);
  ChatdProcess chatd({"--argon2-memory", "1024"});
  ASSERT_TRUE(systemd.until("READY=1", 5000)) << joined(systemd.seen());
  EXPECT_FALSE(systemd.until("WATCHDOG=1", 700)) << joined(systemd.seen());
}

// WATCHDOG_PID naming another process: the watchdog is not ours to feed.
TEST(Notify, WatchdogForAnotherPidIsNotFed) {
  NotifyListener systemd(false);
  ASSERT_TRUE(systemd.bound());
  const NotifyEnvironment env(systemd.envValue(), "200000");
  ::setenv("WATCHDOG_PID", "1", 1);
  ChatdProcess chatd({"--argon2-memory", "1024"});
  ::unsetenv("WATCHDOG_PID");
  ASSERT_TRUE(systemd.until("READY=1", 5000)) << joined(systemd.seen());
  EXPECT_FALSE(systemd.until("WATCHDOG=1", 700)) << joined(systemd.seen());
}

// --workers: READY=1 only once every worker listens, and the watchdog is fed
// only while every worker's loop turns.
TEST(Notify, SupervisorIsReadyWithAllWorkersAndStopsPingingForAStuckOne) {
  store::test::RedisServer redis;
  ASSERT_TRUE(redis.ready()) << "redis-server did not start";
  const int port = store::test::freePort();
  NotifyListener systemd(false);
  ASSERT_TRUE(systemd.bound());
  const NotifyEnvironment env(systemd.envValue(), "600000");  // supervisor pings every 300 ms
  ChatdProcess supervisor({"--workers", "2", "--redis", redis.url(), "--listen", "127.0.0.1:" + std::to_string(port),
                           "--argon2-memory", "1024", "--drain-timeout", "2"});
  const auto ready = systemd.until("READY=1", 10000);
  ASSERT_TRUE(ready) << joined(systemd.seen()) << supervisor.log();
  EXPECT_TRUE(NotifyListener::hasLine(*ready, "STATUS=workers serving: 2 of 2")) << *ready;
  const std::string log = supervisor.log();
  size_t listening = 0;
  for (size_t at = log.find("listening on"); at != std::string::npos; at = log.find("listening on", at + 1)) ++listening;
  EXPECT_EQ(listening, 2u) << "READY=1 before every worker listened:\n" << log;
  for (int ping = 0; ping < 3; ++ping) ASSERT_TRUE(systemd.until("WATCHDOG=1", 1000)) << joined(systemd.seen());

  // A worker whose loop stands still: the supervisor stops feeding the watchdog.
  const std::string workerTag = "worker 1 started (pid ";
  const size_t at = log.find(workerTag);
  ASSERT_NE(at, std::string::npos) << log;
  const pid_t worker = std::atoi(log.c_str() + at + workerTag.size());
  ASSERT_EQ(::kill(worker, SIGSTOP), 0);
  systemd.until("never", 500);  // pings already on their way
  EXPECT_FALSE(systemd.until("WATCHDOG=1", 800)) << "fed the watchdog with a stuck worker";
  ASSERT_EQ(::kill(worker, SIGCONT), 0);
  EXPECT_TRUE(systemd.until("WATCHDOG=1", 1500)) << joined(systemd.seen());

  ASSERT_EQ(::kill(supervisor.pid(), SIGTERM), 0);
  EXPECT_TRUE(systemd.until("STOPPING=1", 3000)) << joined(systemd.seen());
  const int status = supervisor.waitForExit(5000);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
}

}  // namespace chatd::testing
