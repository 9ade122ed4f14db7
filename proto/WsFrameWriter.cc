#include "proto/WsFrameWriter.h"

#include <cstring>

namespace chatd::proto {

size_t encodeFrameHeader(const WsFrameHeader& header, uint64_t payloadLength, uint8_t* out) {
  out[0] = static_cast<uint8_t>((header.fin ? 0x80 : 0) | (header.rsv1 ? 0x40 : 0) |
                                static_cast<uint8_t>(header.opcode));
  const uint8_t maskBit = header.mask ? 0x80 : 0;
  size_t at;
  if (payloadLength < 126) {
    out[1] = static_cast<uint8_t>(maskBit | payloadLength);
    at = 2;
  } else if (payloadLength <= 0xFFFF) {
    out[1] = maskBit | 126;
    out[2] = static_cast<uint8_t>(payloadLength >> 8);
    out[3] = static_cast<uint8_t>(payloadLength);
    at = 4;
  } else {
    out[1] = maskBit | 127;
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<uint8_t>(payloadLength >> (56 - 8 * i));
    at = 10;
  }
  if (header.mask) {
    std::memcpy(out + at, header.mask, 4);
    at += 4;
  }
  return at;
}

std::optional<WsFrameLayout> decodeUnmaskedFrame(std::span<const uint8_t> frame) {
  if (frame.size() < 2 || (frame[1] & 0x80)) return std::nullopt;
  WsFrameLayout layout;
  layout.header.fin = frame[0] & 0x80;
  layout.header.rsv1 = frame[0] & 0x40;
  layout.header.opcode = static_cast<WsOpcode>(frame[0] & 0x0F);
  uint64_t length = frame[1] & 0x7F;
  size_t extended = length == 126 ? 2 : length == 127 ? 8 : 0;
  if (frame.size() < 2 + extended) return std::nullopt;
  if (extended > 0) length = 0;
  for (size_t i = 0; i < extended; ++i) length = (length << 8) | frame[2 + i];
  layout.headerLength = 2 + extended;
  if (length != frame.size() - layout.headerLength) return std::nullopt;
  return layout;
}

std::string encodeFrame(const WsFrameHeader& header, std::span<const uint8_t> payload) {
  uint8_t head[kMaxFrameHeader];
  const size_t headLength = encodeFrameHeader(header, payload.size(), head);
  std::string frame;
  frame.resize(headLength + payload.size());
  std::memcpy(frame.data(), head, headLength);
  char* body = frame.data() + headLength;
  for (size_t i = 0; i < payload.size(); ++i) {
    body[i] = static_cast<char>(header.mask ? payload[i] ^ header.mask[i & 3] : payload[i]);
  }
  return frame;
}

std::string encodeFrame(const WsFrameHeader& header, std::string_view payload) {
  return encodeFrame(header, {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()});
}

std::string closePayload(uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return payload;
}

}  // namespace chatd::proto
