// Server-to-client WebSocket frames built straight into shared output Blocks:
// the payload is copied once, into the block every recipient then shares.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "proto/WsTypes.h"
#include "reactor/Block.h"

namespace chatd::server {

reactor::BlockRef makeServerFrame(proto::WsOpcode opcode, std::span<const uint8_t> payload);
reactor::BlockRef makeServerFrame(proto::WsOpcode opcode, std::string_view payload);
// A data frame whose payload is a permessage-deflate message (RSV1 set).
reactor::BlockRef makeCompressedFrame(proto::WsOpcode opcode, std::span<const uint8_t> compressed);
// A Close frame; code kNoStatus makes an empty one. The reason is cut to fit
// the 125-byte control frame limit (at a UTF-8 boundary).
reactor::BlockRef makeCloseFrame(uint16_t code, std::string_view reason);

}  // namespace chatd::server
