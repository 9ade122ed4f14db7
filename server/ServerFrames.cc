#include "server/ServerFrames.h"

#include <cstring>

#include "proto/WsFrameWriter.h"

namespace chatd::server {

namespace {

reactor::BlockRef frameOf(const proto::WsFrameHeader& head, std::span<const uint8_t> payload) {
  uint8_t header[proto::kMaxFrameHeader];
  const size_t headerLength = proto::encodeFrameHeader(head, payload.size(), header);
  reactor::BlockRef frame(reactor::Block::allocate(headerLength + payload.size()));
  std::memcpy(frame.mutableData(), header, headerLength);
  if (!payload.empty()) std::memcpy(frame.mutableData() + headerLength, payload.data(), payload.size());
  return frame;
}

}  // namespace

reactor::BlockRef makeServerFrame(proto::WsOpcode opcode, std::span<const uint8_t> payload) {
  return frameOf({.opcode = opcode}, payload);
}

reactor::BlockRef makeCompressedFrame(proto::WsOpcode opcode, std::span<const uint8_t> compressed) {
  return frameOf({.opcode = opcode, .rsv1 = true}, compressed);
}

reactor::BlockRef makeServerFrame(proto::WsOpcode opcode, std::string_view payload) {
  return makeServerFrame(opcode, {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()});
}

reactor::BlockRef makeCloseFrame(uint16_t code, std::string_view reason) {
  if (code == proto::close_code::kNoStatus) return makeServerFrame(proto::WsOpcode::kClose, std::string_view{});
  constexpr size_t kMaxReason = proto::kMaxControlPayload - 2;
  if (reason.size() > kMaxReason) {
    size_t cut = kMaxReason;
    while (cut > 0 && (static_cast<uint8_t>(reason[cut]) & 0xC0) == 0x80) --cut;  // not inside a code point
    reason = reason.substr(0, cut);
  }
  return makeServerFrame(proto::WsOpcode::kClose, proto::closePayload(code, reason));
}

}  // namespace chatd::server
