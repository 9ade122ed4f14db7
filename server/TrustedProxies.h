// Who a request really comes from. Behind a reverse proxy every connection's
// peer is the proxy, and the client's address travels in a header the proxy
// sets (X-Forwarded-For, X-Real-IP). Anyone can send those headers, so they
// are believed only from the proxies the operator names (--trusted-proxy
// CIDR); from any other peer, the peer's own address is the client's.
//
// X-Forwarded-For is read from the right, since each proxy appends the
// address it saw: the entries that are trusted proxies themselves are
// skipped, and the first that is not is the client (whatever stands left
// of it came from that client and proves nothing); where the list runs out
// or holds something that is not an address, the nearest trusted hop is.
// Several X-Forwarded-For lines count as one list, in order. Without
// X-Forwarded-For, X-Real-IP is read.
//
// Owns the parsed networks; pure (no I/O), so unit-tested alone.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/HttpRequest.h"

namespace chatd::server {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // none: every request comes from its peer
  // Each entry an address or a network, IPv4 or IPv6 ("10.0.0.0/8",
  // "127.0.0.1", "fd00::/8"); nullopt with `error` naming the bad entry.
  static std::optional<TrustedProxies> parse(const std::vector<std::string>& entries, std::string& error);

  bool trusts(std::string_view address) const;
  // The client's address (as the peer's is written: "192.0.2.7", "2001:db8::1")
  // for `request` from the connection's `peer`.
  std::string clientAddress(const std::string& peer, const proto::HttpRequest& request) const;
  // The scheme the client used: "https" over our own TLS (`secure`); from a
  // trusted proxy, the X-Forwarded-Proto it sets ("http" or "https", the
  // nearest hop's when a chain of proxies left several); "http" otherwise.
  std::string_view clientScheme(const std::string& peer, const proto::HttpRequest& request, bool secure) const;

 private:
  // An address in network byte order: IPv4 in the first 4 bytes. An
  // IPv4-mapped IPv6 address ("::ffff:192.0.2.7") is its IPv4 one.
  struct Address {
    int family = 0;  // AF_INET or AF_INET6
    std::array<uint8_t, 16> bytes{};
  };
  struct Network {
    Address base;
    unsigned prefixBits = 0;
  };

  // `maybeWithPort`: as a header writes one ("[2001:db8::1]:80", "192.0.2.7:80", spaces around).
  static std::optional<Address> parseAddress(std::string_view text, bool maybeWithPort = true);
  static std::string format(const Address& address);  // as inet_ntop writes it
  bool trusts(const Address& address) const;

  std::vector<Network> networks_;
};

}  // namespace chatd::server
