#include "server/TrustedProxies.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace chatd::server {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// "[2001:db8::1]" and "192.0.2.7:41000" as some proxies write them: the address alone.
std::string_view withoutPortOrBrackets(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    return close == std::string_view::npos ? std::string_view{} : text.substr(1, close - 1);
  }
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    return text.substr(0, colon);  // one colon: IPv4 with a port (IPv6 has at least two)
  }
  return text;
}

}  // namespace

std::optional<TrustedProxies::Address> TrustedProxies::parseAddress(std::string_view text, bool maybeWithPort) {
  const std::string address(maybeWithPort ? withoutPortOrBrackets(proto::trimWhitespace(text)) : text);
  Address parsed;
  if (inet_pton(AF_INET, address.c_str(), parsed.bytes.data()) == 1) {
    parsed.family = AF_INET;
    return parsed;
  }
  if (inet_pton(AF_INET6, address.c_str(), parsed.bytes.data()) != 1) return std::nullopt;
  parsed.family = AF_INET6;
  if (std::memcmp(parsed.bytes.data(), kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memmove(parsed.bytes.data(), parsed.bytes.data() + 12, 4);
    std::fill(parsed.bytes.begin() + 4, parsed.bytes.end(), 0);
    parsed.family = AF_INET;
  }
  return parsed;
}

std::optional<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries, std::string& error) {
  TrustedProxies proxies;
  for (const std::string& entry : entries) {
    const size_t slash = entry.find('/');
    const auto base = parseAddress(std::string_view(entry).substr(0, slash), false);
    const unsigned maxBits = base && base->family == AF_INET ? 32 : 128;
    unsigned bits = maxBits;
    bool ok = base.has_value();
    if (ok && slash != std::string::npos) {
      const std::string digits = entry.substr(slash + 1);
      ok = !digits.empty() && digits.size() <= 3 && std::all_of(digits.begin(), digits.end(), ::isdigit);
      if (ok) bits = static_cast<unsigned>(std::stoul(digits));
      ok = ok && bits <= maxBits;
    }
    if (!ok) {
      error = "\"" + entry + "\" is not an address or a network (192.0.2.0/24, 2001:db8::/32)";
      return std::nullopt;
    }
    proxies.networks_.push_back(Network{*base, bits});
  }
  return proxies;
}

bool TrustedProxies::trusts(const Address& address) const {
  return std::any_of(networks_.begin(), networks_.end(), [&address](const Network& network) {
    if (network.base.family != address.family) return false;
    const unsigned whole = network.prefixBits / 8;
    const unsigned rest = network.prefixBits % 8;
    if (std::memcmp(network.base.bytes.data(), address.bytes.data(), whole) != 0) return false;
    if (rest == 0) return true;
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (network.base.bytes[whole] & mask) == (address.bytes[whole] & mask);
  });
}

bool TrustedProxies::trusts(std::string_view address) const {
  const auto parsed = parseAddress(address);
  return parsed && trusts(*parsed);
}

std::string TrustedProxies::format(const Address& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.family, address.bytes.data(), text, sizeof text);
  return text;
}

std::string TrustedProxies::clientAddress(const std::string& peer, const proto::HttpRequest& request) const {
  if (networks_.empty() || !trusts(peer)) return peer;
  std::vector<std::string_view> hops;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    for (const std::string_view hop : proto::splitHeaderList(value)) hops.push_back(hop);
  }
  if (hops.empty()) {
    const auto realIp = request.header("x-real-ip");
    const auto address = realIp ? parseAddress(*realIp) : std::nullopt;
    return address ? format(*address) : peer;
  }
  // The nearest trusted hop so far: where the chain stops being usable, it is the client we know.
  std::string nearestTrusted = peer;
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = parseAddress(*hop);
    if (!address) break;
    if (!trusts(*address)) return format(*address);
    nearestTrusted = format(*address);
  }
  return nearestTrusted;
}

std::string_view TrustedProxies::clientScheme(const std::string& peer, const proto::HttpRequest& request,
                                             bool secure) const {
  if (secure) return "https";
  if (networks_.empty() || !trusts(peer)) return "http";
  const auto forwarded = request.header("x-forwarded-proto");
  if (!forwarded) return "http";
  const std::vector<std::string_view> schemes = proto::splitHeaderList(*forwarded);
  return !schemes.empty() && proto::equalsIgnoreCase(schemes.back(), "https") ? "https" : "http";
}

}  // namespace chatd::server
