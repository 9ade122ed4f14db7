// RFC 6455 constants shared by the frame parser, the frame writer and their users.
#pragma once

#include <cstdint>

namespace chatd::proto {

enum class WsOpcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

inline bool isControl(WsOpcode op) { return (static_cast<uint8_t>(op) & 0x8) != 0; }

// Close status codes (RFC 6455 §7.4.1) that chatd sends or checks.
namespace close_code {
constexpr uint16_t kNormal = 1000;
constexpr uint16_t kGoingAway = 1001;
constexpr uint16_t kProtocolError = 1002;
constexpr uint16_t kUnsupportedData = 1003;
constexpr uint16_t kNoStatus = 1005;        // never on the wire: "the peer sent no code"
constexpr uint16_t kAbnormal = 1006;        // never on the wire: "closed without a Close frame"
constexpr uint16_t kInvalidPayload = 1007;  // e.g. invalid UTF-8 in a text message
constexpr uint16_t kPolicyViolation = 1008;
constexpr uint16_t kMessageTooBig = 1009;
constexpr uint16_t kInternalError = 1011;
}  // namespace close_code

// Whether a peer may send `code` in a Close frame (§7.4.1, §7.4.2 and the IANA
// registry): 1004-1006 and 1015 are reserved, 1016-2999 unassigned, 3000-4999
// belong to libraries and applications.
inline bool isValidReceivedCloseCode(uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

constexpr size_t kMaxControlPayload = 125;
constexpr size_t kMaxFrameHeader = 14;  // 2 + 8 (64-bit length) + 4 (mask)

}  // namespace chatd::proto
