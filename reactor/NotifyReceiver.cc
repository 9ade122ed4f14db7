#include "reactor/NotifyReceiver.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

namespace chatd::reactor {

std::optional<NotifyReceiver> NotifyReceiver::bind(std::string& error) {
  static std::atomic<unsigned> serial{0};
  const std::string name = "chatd-notify-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("notify relay socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  const int on = 1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
    error = "notify relay socket @" + name + ": " + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  return NotifyReceiver(fd, "@" + name);
}

NotifyReceiver::NotifyReceiver(NotifyReceiver&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), address_(std::move(other.address_)) {}

NotifyReceiver& NotifyReceiver::operator=(NotifyReceiver&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    address_ = std::move(other.address_);
  }
  return *this;
}

NotifyReceiver::~NotifyReceiver() { close(); }

void NotifyReceiver::close() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

std::optional<NotifyReceiver::Message> NotifyReceiver::receive() const {
  char text[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  iovec data{text, sizeof text};
  msghdr header{};
  header.msg_iov = &data;
  header.msg_iovlen = 1;
  header.msg_control = control;
  header.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd_, &header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0) return std::nullopt;
  Message message{0, std::string(text, static_cast<size_t>(n))};
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred credentials;
      std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
      message.sender = credentials.pid;
    }
  }
  return message;
}

}  // namespace chatd::reactor
