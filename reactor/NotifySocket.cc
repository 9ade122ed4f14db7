#include "reactor/NotifySocket.h"

#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace chatd::reactor {

std::optional<NotifySocket> NotifySocket::fromEnvironment() {
  const char* address = std::getenv("NOTIFY_SOCKET");
  if (!address) return std::nullopt;
  return forAddress(address);
}

std::optional<NotifySocket> NotifySocket::forAddress(std::string_view address) {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  if (address.size() < 2 || address.size() >= sizeof un.sun_path || (address[0] != '/' && address[0] != '@')) {
    return std::nullopt;
  }
  std::memcpy(un.sun_path, address.data(), address.size());
  if (address[0] == '@') un.sun_path[0] = '\0';  // abstract: the length, not a NUL, ends the name
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + (address[0] == '/'));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  return NotifySocket(fd, un, length);
}

NotifySocket::NotifySocket(NotifySocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), address_(other.address_), length_(other.length_) {}

NotifySocket& NotifySocket::operator=(NotifySocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    address_ = other.address_;
    length_ = other.length_;
  }
  return *this;
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool NotifySocket::send(std::string_view message) const {
  const ssize_t sent = ::sendto(fd_, message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address_), length_);
  return sent == static_cast<ssize_t>(message.size());
}

uint64_t NotifySocket::watchdogIntervalMs() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec) return 0;
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && std::strtoll(pid, nullptr, 10) != ::getpid()) return 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(usec, &end, 10);
  if (end == usec || *end != '\0') return 0;
  return value / 1000;
}

}  // namespace chatd::reactor
