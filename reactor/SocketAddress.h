// IPv4/IPv6 socket addresses parsed from "host:port" ("127.0.0.1:8080",
// "[::1]:8080", "localhost:0").
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::reactor {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  static std::optional<SocketAddress> parse(std::string_view hostPort);
  // The first address getaddrinfo() finds for a host name or literal; nullopt
  // with `error` saying why. Blocks on DNS: at startup, never on the loop.
  static std::optional<SocketAddress> resolve(const std::string& host, uint16_t port, std::string& error);
  static SocketAddress ofSocket(int fd);  // getsockname()
  static SocketAddress ofPeer(int fd);    // getpeername()

  const sockaddr* raw() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  int port() const;
  std::string toString() const;  // "127.0.0.1:8080" or "[::1]:8080"
  std::string host() const;      // "127.0.0.1" or "::1"
};

}  // namespace chatd::reactor
