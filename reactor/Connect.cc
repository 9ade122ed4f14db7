#include "reactor/Connect.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace chatd::reactor {

int connectNonBlocking(const SocketAddress& to, const SocketAddress* from) {
  const int fd = ::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (from) {
    // Let connect() pick the port per destination, not bind() per source.
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    if (::bind(fd, from->raw(), from->length) < 0) {
      const int err = errno;
      ::close(fd);
      return -err;
    }
  }
  if (::connect(fd, to.raw(), to.length) < 0 && errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

}  // namespace chatd::reactor
