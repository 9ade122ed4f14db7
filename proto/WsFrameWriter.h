// Encodes RFC 6455 frame headers. Server frames are unmasked; client frames
// (chat-bench, tests) carry a masking key and the payload is masked on copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/WsTypes.h"

namespace chatd::proto {

struct WsFrameHeader {
  WsOpcode opcode = WsOpcode::kText;
  bool fin = true;
  bool rsv1 = false;                // permessage-deflate: set on the first frame of a compressed message
  const uint8_t* mask = nullptr;    // 4-byte masking key, client frames only
};

// Writes the header for a payload of `payloadLength` bytes into `out`
// (at least kMaxFrameHeader bytes) and returns its length.
size_t encodeFrameHeader(const WsFrameHeader& header, uint64_t payloadLength, uint8_t* out);

// The inverse, for an unmasked frame held whole in memory (one the server
// built): its header and where its payload starts. nullopt when `frame` is
// not exactly one such frame.
struct WsFrameLayout {
  WsFrameHeader header;
  size_t headerLength = 0;
};
std::optional<WsFrameLayout> decodeUnmaskedFrame(std::span<const uint8_t> frame);

// Header plus payload, masked when header.mask is set. For tests and clients;
// the server builds frames straight into shared output blocks.
std::string encodeFrame(const WsFrameHeader& header, std::span<const uint8_t> payload);
std::string encodeFrame(const WsFrameHeader& header, std::string_view payload);

// A Close frame payload: the code in network order, then the reason (which the
// caller keeps within 123 bytes so the frame stays a valid control frame).
std::string closePayload(uint16_t code, std::string_view reason);

}  // namespace chatd::proto
