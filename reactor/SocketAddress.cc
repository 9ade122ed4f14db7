#include "reactor/SocketAddress.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <charconv>
#include <cstring>

namespace chatd::reactor {

std::optional<SocketAddress> SocketAddress::parse(std::string_view hostPort) {
  std::string_view host, portText;
  if (!hostPort.empty() && hostPort.front() == '[') {
    const size_t close = hostPort.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = hostPort.substr(1, close - 1);
    portText = hostPort.substr(close + 2);
  } else {
    const size_t colon = hostPort.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = hostPort.substr(0, colon);
    portText = hostPort.substr(colon + 1);
  }
  int port = -1;
  auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc() || end != portText.data() + portText.size() || port < 0 || port > 65535) return std::nullopt;
  if (host == "localhost") host = "127.0.0.1";

  SocketAddress addr;
  const std::string hostString(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr.storage);
  if (inet_pton(AF_INET, hostString.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    addr.length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, hostString.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    addr.length = sizeof(sockaddr_in6);
  } else {
    return std::nullopt;
  }
  return addr;
}

std::optional<SocketAddress> SocketAddress::resolve(const std::string& host, uint16_t port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return std::nullopt;
  }
  SocketAddress addr;
  std::memcpy(&addr.storage, found->ai_addr, found->ai_addrlen);
  addr.length = found->ai_addrlen;
  freeaddrinfo(found);
  return addr;
}

SocketAddress SocketAddress::ofSocket(int fd) {
  SocketAddress addr;
  addr.length = sizeof addr.storage;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr.storage), &addr.length);
  return addr;
}

SocketAddress SocketAddress::ofPeer(int fd) {
  SocketAddress addr;
  addr.length = sizeof addr.storage;
  getpeername(fd, reinterpret_cast<sockaddr*>(&addr.storage), &addr.length);
  return addr;
}

int SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::host() const {
  char text[INET6_ADDRSTRLEN] = "?";
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text, sizeof text);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, text, sizeof text);
  }
  return text;
}

std::string SocketAddress::toString() const {
  if (family() == AF_INET6) return "[" + host() + "]:" + std::to_string(port());
  return host() + ":" + std::to_string(port());
}

}  // namespace chatd::reactor
