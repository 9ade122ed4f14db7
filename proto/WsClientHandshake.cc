#include "proto/WsClientHandshake.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "proto/HttpRequest.h"
#include "proto/WsHandshake.h"

namespace chatd::proto {

namespace {

WsUpgradeResponse rejected(int httpStatus, std::string error, size_t consumed) {
  WsUpgradeResponse response;
  response.status = WsUpgradeResponse::Status::kRejected;
  response.httpStatus = httpStatus;
  response.error = std::move(error);
  response.consumed = consumed;
  return response;
}

// The value of header `name` (case-insensitive) in a response head, trimmed.
std::string_view headerValue(std::string_view head, std::string_view name) {
  size_t lineStart = head.find("\r\n");
  while (lineStart != std::string_view::npos && lineStart + 2 < head.size()) {
    lineStart += 2;
    const size_t lineEnd = head.find("\r\n", lineStart);
    const std::string_view line = head.substr(lineStart, lineEnd - lineStart);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && equalsIgnoreCase(trimWhitespace(line.substr(0, colon)), name)) {
      return trimWhitespace(line.substr(colon + 1));
    }
    lineStart = lineEnd;
  }
  return {};
}

bool listHasToken(std::string_view value, std::string_view token) {
  for (std::string_view item : splitHeaderList(value)) {
    if (equalsIgnoreCase(item, token)) return true;
  }
  return false;
}

}  // namespace

std::string makeWsClientKey() {
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof nonce) != 1) {
    for (unsigned char& b : nonce) b = static_cast<unsigned char>(rand());
  }
  unsigned char encoded[25];
  EVP_EncodeBlock(encoded, nonce, sizeof nonce);
  return std::string(reinterpret_cast<char*>(encoded), 24);
}

std::string buildWsUpgradeRequest(std::string_view host, std::string_view target, std::string_view key,
                                  std::string_view extraHeaders) {
  std::string request;
  request.reserve(192 + target.size() + extraHeaders.size());
  request.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
  request.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
  request.append(key).append("\r\n").append(extraHeaders).append("\r\n");
  return request;
}

WsUpgradeResponse parseWsUpgradeResponse(std::string_view bytes, std::string_view key, size_t maxHead) {
  const size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (bytes.size() > maxHead) return rejected(0, "response head too large", 0);
    return {};
  }
  const size_t consumed = end + 4;
  const std::string_view head = bytes.substr(0, end + 2);
  // "HTTP/1.1 101 ..."
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return rejected(0, "not an HTTP response", consumed);
  const size_t space = head.find(' ');
  const int status = std::atoi(std::string(head.substr(space + 1, 3)).c_str());
  if (status != 101) return rejected(status, "server answered " + std::to_string(status), consumed);
  if (!listHasToken(headerValue(head, "upgrade"), "websocket")) return rejected(status, "no Upgrade: websocket", consumed);
  if (!listHasToken(headerValue(head, "connection"), "upgrade")) return rejected(status, "no Connection: Upgrade", consumed);
  if (headerValue(head, "sec-websocket-accept") != wsAcceptKey(key)) {
    return rejected(status, "wrong Sec-WebSocket-Accept", consumed);
  }
  WsUpgradeResponse response;
  response.status = WsUpgradeResponse::Status::kAccepted;
  response.httpStatus = status;
  response.consumed = consumed;
  response.extensions = headerValue(head, "sec-websocket-extensions");
  return response;
}

}  // namespace chatd::proto
