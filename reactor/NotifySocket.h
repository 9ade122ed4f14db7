// The sending end of the service manager's notification protocol
// (sd_notify(3), written here without libsystemd): each message is one
// datagram of newline-separated VAR=VALUE lines to the unix socket named by
// $NOTIFY_SOCKET, a path or, starting with '@', an abstract address. Owns one
// non-blocking datagram socket; a send never waits: a message the socket
// cannot take at once is dropped (the next status or ping supersedes it).
// Knows no meaning of the messages.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::reactor {

class NotifySocket {
 public:
  // The socket $NOTIFY_SOCKET names; nullopt when it is unset or unusable
  // (not run by a service manager: notifying is then a no-op for the caller).
  static std::optional<NotifySocket> fromEnvironment();
  // For `address` ("/run/x.sock" or "@abstract"); nullopt when it is not one.
  static std::optional<NotifySocket> forAddress(std::string_view address);

  NotifySocket(NotifySocket&& other) noexcept;
  NotifySocket& operator=(NotifySocket&& other) noexcept;
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();

  // Sends `message` ("READY=1", "STATUS=...\nWATCHDOG=1"); false when it was not taken.
  bool send(std::string_view message) const;

  // $WATCHDOG_USEC in milliseconds when the watchdog is meant for this
  // process ($WATCHDOG_PID unset or ours), else 0.
  static uint64_t watchdogIntervalMs();

 private:
  NotifySocket(int fd, const sockaddr_un& address, socklen_t length) : fd_(fd), address_(address), length_(length) {}

  int fd_ = -1;
  sockaddr_un address_{};
  socklen_t length_ = 0;
};

}  // namespace chatd::reactor
