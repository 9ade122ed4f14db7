// TrustedProxies as a request from the network drives it: any
// X-Forwarded-For / X-Real-IP lines from any peer, against a fixed set of
// trusted networks. Never more than what the headers and the peer say: the
// answer is the peer itself, or an address in canonical form (as inet_ntop
// writes it); from a peer that is not trusted, always the peer.
//
// Input: byte 0 picks the peer, the rest is header lines ("name: value\n";
// names other than the two are kept too, and ignored by the code).
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/HttpRequest.h"
#include "server/TrustedProxies.h"

using chatd::proto::HttpRequest;
using chatd::server::TrustedProxies;

namespace {

const TrustedProxies& proxies() {
  static const TrustedProxies parsed = [] {
    std::string error;
    return *TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8", "192.0.2.128/25"}, error);
  }();
  return parsed;
}

const char* const kPeers[] = {"127.0.0.1", "10.9.8.7", "fd00::1", "192.0.2.200", "203.0.113.5", "2001:db8::1"};

bool isCanonicalAddress(const std::string& text) {
  unsigned char bytes[16];
  char back[INET6_ADDRSTRLEN];
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), bytes) == 1) {
      return inet_ntop(family, bytes, back, sizeof back) != nullptr && text == back;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string peer = kPeers[data[0] % (sizeof kPeers / sizeof kPeers[0])];
  HttpRequest request;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    request.headers.emplace_back(std::move(name), std::string(line.substr(colon + 1)));
  }
  const std::string client = proxies().clientAddress(peer, request);
  if (!proxies().trusts(peer) && client != peer) __builtin_trap();
  if (client != peer && !isCanonicalAddress(client)) __builtin_trap();
  return 0;
}
