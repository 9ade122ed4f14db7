// Helpers for the reactor tests that run a real EventLoop: callback-driven
// handlers, a watchdog so a broken test fails instead of hanging, connected
// socket pairs, and a look at the interest mask the kernel really holds.
#pragma once

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>

#include "reactor/EventLoop.h"

namespace chatd::reactor::test {

// An IoHandler whose behaviour each test supplies.
struct FnIoHandler final : IoHandler {
  std::function<void()> readable = [] {};
  std::function<void()> writable = [] {};
  void handleReadable(uint32_t) override { readable(); }
  void handleWritable() override { writable(); }
};

struct FnFlushable final : Flushable {
  std::function<void()> onFlush = [] {};
  bool queued = false;
  void flush() override { onFlush(); }
};

// Runs `loop` until something calls stop(); fails the test and stops the loop
// if that has not happened within `limitMs`.
inline void runWithin(EventLoop& loop, uint64_t limitMs) {
  struct Watchdog final : TimerHandler {
    explicit Watchdog(EventLoop& l) : loop(l) {}
    void handleTimer(Timer&) override {
      fired = true;
      loop.stop();
    }
    EventLoop& loop;
    bool fired = false;
    Timer timer{this};
  } watchdog(loop);
  loop.scheduleTimer(watchdog.timer, limitMs);
  loop.run();
  EXPECT_FALSE(watchdog.fired) << "the loop was still running after " << limitMs << " ms";
}

inline void setNonBlocking(int fd) { ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0); }

// fds[0] and fds[1] connected, both non-blocking: AF_UNIX, or TCP over loopback.
inline void connectedPair(bool tcp, int fds[2]) {
  if (!tcp) {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    return;
  }
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(connect(fds[1], reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  fds[0] = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  ASSERT_GE(fds[0], 0);
  close(listener);
  setNonBlocking(fds[1]);
}

// The epoll fd of the (only) live EventLoop, found through /proc.
inline int findEpollFd() {
  DIR* dir = opendir("/proc/self/fd");
  int found = -1;
  while (dirent* entry = dir ? readdir(dir) : nullptr) {
    char target[64] = {};
    const std::string link = std::string("/proc/self/fd/") + entry->d_name;
    if (readlink(link.c_str(), target, sizeof target - 1) > 0 && std::string(target) == "anon_inode:[eventpoll]") {
      found = std::atoi(entry->d_name);
    }
  }
  if (dir) closedir(dir);
  return found;
}

// The events mask epoll holds for `fd`, or -1 when it is not registered.
inline long registeredEvents(int epollFd, int fd) {
  std::ifstream info("/proc/self/fdinfo/" + std::to_string(epollFd));
  std::string line;
  while (std::getline(info, line)) {
    std::istringstream words(line);
    std::string key, eventsKey;
    int tfd = -1;
    std::string events;
    if (words >> key >> tfd >> eventsKey >> events && key == "tfd:" && tfd == fd) return std::stol(events, nullptr, 16);
  }
  return -1;
}

}  // namespace chatd::reactor::test
