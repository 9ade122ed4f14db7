#include "reactor/Acceptor.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>

namespace chatd::reactor {

namespace {
int openSpare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
}  // namespace

Acceptor::Acceptor(EventLoop& loop, AcceptCallback onAccept)
    : loop_(loop), onAccept_(std::move(onAccept)), spareFd_(openSpare()) {}

Acceptor::~Acceptor() {
  close();
  if (spareFd_ >= 0) ::close(spareFd_);
}

int Acceptor::listen(const SocketAddress& address, bool reusePort) {
  fd_ = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return -errno;
  const int on = 1;
  setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (reusePort) setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  if (::bind(fd_, address.raw(), address.length) < 0 || ::listen(fd_, SOMAXCONN) < 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    return -err;
  }
  return loop_.add(fd_, this, EPOLLIN);
}

void Acceptor::close() {
  TimerWheel::cancel(backoff_);
  if (fd_ < 0) return;
  loop_.remove(fd_, this);
  ::close(fd_);
  fd_ = -1;
}

void Acceptor::handleReadable(uint32_t) {
  for (int i = 0; i < kAcceptsPerWakeup && fd_ >= 0; ++i) {
    const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn >= 0) {
      const int on = 1;
      setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      onAccept_(conn);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE) onDescriptorsExhausted();
    return;  // EAGAIN or a real error: wait for the next readiness
  }
}

void Acceptor::onDescriptorsExhausted() {
  ++descriptorDrops_;
  if (spareFd_ >= 0) {
    // Free one descriptor, take the waiting connection and close it: the peer
    // sees a reset instead of hanging, and the listener stops being readable.
    ::close(spareFd_);
    const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn >= 0) ::close(conn);
    spareFd_ = openSpare();
    if (spareFd_ >= 0) return;
  }
  loop_.modify(fd_, this, 0);
  loop_.scheduleTimer(backoff_, kBackoffMs);
}

void Acceptor::handleTimer(Timer&) {
  if (spareFd_ < 0) spareFd_ = openSpare();
  if (fd_ >= 0) loop_.modify(fd_, this, EPOLLIN);
}

}  // namespace chatd::reactor
