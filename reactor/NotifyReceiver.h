// The receiving end of the service manager's notification protocol, for a
// process that relays its children's notifications (chatd's --workers
// supervisor): a non-blocking unix datagram socket bound to a fresh abstract
// address, with SO_PASSCRED so each message arrives with its sender's pid.
// Owns the socket.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace chatd::reactor {

class NotifyReceiver {
 public:
  // Binds "@chatd-notify-PID-N"; nullopt (with `error`) when it cannot.
  static std::optional<NotifyReceiver> bind(std::string& error);

  NotifyReceiver(NotifyReceiver&& other) noexcept;
  NotifyReceiver& operator=(NotifyReceiver&& other) noexcept;
  NotifyReceiver(const NotifyReceiver&) = delete;
  NotifyReceiver& operator=(const NotifyReceiver&) = delete;
  ~NotifyReceiver();

  int fd() const { return fd_; }
  // What a child puts in $NOTIFY_SOCKET to reach this socket.
  const std::string& address() const { return address_; }

  struct Message {
    pid_t sender = 0;
    std::string text;
  };
  // The next waiting message; nullopt when none is (never waits).
  std::optional<Message> receive() const;
  // Closes the socket (in a forked child, which must not hold it).
  void close();

 private:
  NotifyReceiver(int fd, std::string address) : fd_(fd), address_(std::move(address)) {}

  int fd_ = -1;
  std::string address_;
};

}  // namespace chatd::reactor
