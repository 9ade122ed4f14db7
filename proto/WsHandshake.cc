#include "proto/WsHandshake.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <string>
#include <vector>

namespace chatd::proto {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// A Sec-WebSocket-Key must be the base64 of exactly 16 bytes: 22 base64
// characters and "==".
bool isValidClientKey(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22)) {
    const bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!b64) return false;
  }
  return true;
}

WsHandshakeResult reject(int status, std::string_view message) {
  WsHandshakeResult result;
  result.response = jsonError(status, status == 426 ? "upgrade_required" : "bad_handshake", message);
  if (status == 426) result.response.header("Sec-WebSocket-Version", "13");
  return result;
}

}  // namespace

std::string wsAcceptKey(std::string_view clientKey) {
  std::string input(clientKey);
  input += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(encoded), static_cast<size_t>(n));
}

WsHandshakeResult evaluateWsHandshake(const HttpRequest& request,
                                      std::span<const std::string> supportedProtocols, bool acceptDeflate) {
  if (request.method != "GET") return reject(400, "a WebSocket handshake must be a GET request");
  if (request.versionMajor < 1 || (request.versionMajor == 1 && request.versionMinor < 1)) {
    return reject(400, "a WebSocket handshake needs HTTP/1.1");
  }
  if (!request.header("host")) return reject(400, "missing Host header");
  // Fields that must appear once (RFC 6455 §11.3.1, §11.3.5; Origin: RFC 6454
  // §7.3; HttpParser refuses a second Host): with two, which one counts is
  // ambiguous, and a check of one could be slipped past with the other.
  for (const std::string_view name : {"sec-websocket-key", "sec-websocket-version", "origin"}) {
    if (request.headerCount(name) > 1) return reject(400, "the " + std::string(name) + " header field appears more than once");
  }
  if (!request.headerHasToken("upgrade", "websocket")) return reject(426, "this endpoint speaks WebSocket: send Upgrade: websocket");
  if (!request.headerHasToken("connection", "upgrade")) return reject(400, "missing Connection: Upgrade");
  const auto version = request.header("sec-websocket-version");
  if (!version || trimWhitespace(*version) != "13") return reject(426, "unsupported WebSocket version: use 13");
  const auto key = request.header("sec-websocket-key");
  if (!key || !isValidClientKey(trimWhitespace(*key))) return reject(400, "missing or malformed Sec-WebSocket-Key");

  WsHandshakeResult result;
  result.accepted = true;
  result.response.status = 101;
  result.response.header("Upgrade", "websocket");
  result.response.header("Connection", "Upgrade");
  result.response.header("Sec-WebSocket-Accept", wsAcceptKey(trimWhitespace(*key)));

  // The client's first offer that the server supports wins.
  for (const auto& [name, value] : request.headers) {
    if (name != "sec-websocket-protocol" || !result.protocol.empty()) continue;
    for (std::string_view offered : splitHeaderList(value)) {
      for (const std::string& supported : supportedProtocols) {
        if (offered == supported) {
          result.protocol = supported;
          break;
        }
      }
      if (!result.protocol.empty()) break;
    }
  }
  if (!result.protocol.empty()) result.response.header("Sec-WebSocket-Protocol", result.protocol);

  if (acceptDeflate) {
    std::vector<std::string_view> offers;
    for (const auto& [name, value] : request.headers) {
      if (name == "sec-websocket-extensions") offers.push_back(value);
    }
    result.deflate = acceptDeflateOffer(offers);
    if (result.deflate) result.response.header("Sec-WebSocket-Extensions", result.deflate->responseHeader);
  }
  return result;
}

}  // namespace chatd::proto
