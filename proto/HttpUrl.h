// An http:// or https:// URL split into what a client needs to send a
// request: the scheme, the host (for the Host field, TLS's SNI and the name
// lookup), the port (80 or 443 when absent) and the request target (the
// path and query; "/" when absent). No user info, no fragment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::proto {

struct HttpUrl {
  bool tls = false;
  std::string host;  // without the brackets of an IPv6 literal
  uint16_t port = 0;
  std::string target;

  // The Host field's value: the port only when it is not the scheme's default.
  std::string hostField() const;
  // Nullopt with `error` saying what is wrong.
  static std::optional<HttpUrl> parse(std::string_view url, std::string& error);
};

}  // namespace chatd::proto
