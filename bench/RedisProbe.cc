#include "bench/RedisProbe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace chatd::bench {

namespace {

// The number after "field:" on its own INFO line.
std::optional<uint64_t> infoField(const std::string& info, const std::string& field) {
  const size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(info.c_str() + at + field.size() + 3, nullptr, 10);
}

// Sends INFO and reads its bulk reply ($LENGTH\r\nBODY\r\n) whole.
std::optional<std::string> askInfo(int fd) {
  static constexpr char kRequest[] = "INFO\r\n";  // the inline form: no RESP framing needed
  if (::send(fd, kRequest, sizeof kRequest - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof kRequest - 1)) {
    return std::nullopt;
  }
  std::string reply;
  char buf[16384];
  for (;;) {
    const size_t header = reply.find("\r\n");
    if (header != std::string::npos) {
      if (reply[0] != '$') return std::nullopt;
      const size_t length = std::strtoull(reply.c_str() + 1, nullptr, 10);
      if (reply.size() >= header + 2 + length) return "\r\n" + reply.substr(header + 2, length);
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    reply.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::optional<RedisInfo> queryRedisInfo(const reactor::SocketAddress& redis) {
  const int fd = ::socket(redis.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::optional<std::string> info;
  if (::connect(fd, redis.raw(), redis.length) == 0) info = askInfo(fd);
  ::close(fd);
  if (!info) return std::nullopt;
  const auto pid = infoField(*info, "process_id");
  const auto commands = infoField(*info, "total_commands_processed");
  const auto memory = infoField(*info, "used_memory");
  if (!pid || !commands || !memory) return std::nullopt;
  return RedisInfo{static_cast<long>(*pid), *commands, *memory};
}

}  // namespace chatd::bench
