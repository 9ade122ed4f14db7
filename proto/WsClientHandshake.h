// The client side of the RFC 6455 §4.1 opening handshake, for chat-bench and
// tests: a random key, the upgrade request, and the check of the server's
// answer (101, Upgrade/Connection tokens, Sec-WebSocket-Accept). No I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chatd::proto {

// 16 random bytes, base64-encoded (24 characters).
std::string makeWsClientKey();

std::string buildWsUpgradeRequest(std::string_view host, std::string_view target, std::string_view key,
                                  std::string_view extraHeaders = {});

struct WsUpgradeResponse {
  enum class Status { kIncomplete, kAccepted, kRejected };
  Status status = Status::kIncomplete;
  size_t consumed = 0;  // length of the response head; WebSocket bytes follow it
  int httpStatus = 0;
  std::string error;    // why it was rejected
  std::string extensions;  // the server's Sec-WebSocket-Extensions, when accepted
};

// Parses the server's answer from the bytes received so far. `maxHead` bounds
// how much is waited for before the answer counts as rejected.
WsUpgradeResponse parseWsUpgradeResponse(std::string_view bytes, std::string_view key, size_t maxHead = 8192);

}  // namespace chatd::proto
