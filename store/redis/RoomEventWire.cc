#include "store/redis/RoomEventWire.h"

#include <cstdint>

#include "store/Varint.h"

namespace chatd::store {
namespace {

constexpr uint8_t kVersion = 1;
constexpr uint8_t kLastKind = static_cast<uint8_t>(RoomEvent::kLastKind);

void putSigned(std::string& out, int64_t value) {
  putVarint(out, (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
}

bool takeSigned(std::string_view& in, int64_t& value) {
  uint64_t raw;
  if (!takeVarint(in, raw)) return false;
  value = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  return true;
}

void putBeforeSeq(std::string& out, const RoomEvent& event) {
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(event.kind));
  putSigned(out, event.roomId);
}

void putAfterSeq(std::string& out, const RoomEvent& event) {
  putVarint(out, event.originNode);
  putVarint(out, event.originSession);
  putSigned(out, event.userId);
  putSigned(out, event.peerId);
  if (RoomEvent::forOneUser(event.kind)) {
    putVarint(out, event.targetNode);
    putVarint(out, event.targetSession);
  }
}

}  // namespace

const std::string_view kLuaRoomEventWire = R"LUA(
local function wire_varint(v)
  local bytes = {}
  while v >= 128 do
    bytes[#bytes + 1] = v % 128 + 128
    v = math.floor(v / 128)
  end
  bytes[#bytes + 1] = v
  return string.char(unpack(bytes))
end
-- A seq is zigzagged as every signed field: 2 * seq for seq >= 0.
local function wire_event(before_seq, seq, after_seq, payload)
  return before_seq .. wire_varint(2 * seq) .. after_seq .. wire_varint(#payload) .. payload
end
)LUA";

std::string encodeRoomEvent(const RoomEvent& event) {
  std::string out;
  out.reserve(24 + event.payload.size());
  putBeforeSeq(out, event);
  putSigned(out, event.seq);
  putAfterSeq(out, event);
  putVarint(out, event.payload.size());
  out.append(event.payload);
  return out;
}

RoomEventAroundSeq encodeRoomEventAroundSeq(const RoomEvent& event) {
  RoomEventAroundSeq around;
  putBeforeSeq(around.beforeSeq, event);
  putAfterSeq(around.afterSeq, event);
  return around;
}

bool decodeRoomEvent(std::string_view in, RoomEvent& event) {
  if (in.size() < 2 || static_cast<uint8_t>(in[0]) != kVersion || static_cast<uint8_t>(in[1]) > kLastKind) {
    return false;
  }
  event.kind = static_cast<RoomEvent::Kind>(in[1]);
  in.remove_prefix(2);
  uint64_t payloadSize;
  if (!takeSigned(in, event.roomId) || !takeSigned(in, event.seq) || !takeVarint(in, event.originNode) ||
      !takeVarint(in, event.originSession) || !takeSigned(in, event.userId) || !takeSigned(in, event.peerId) ||
      (RoomEvent::forOneUser(event.kind) &&
       (!takeVarint(in, event.targetNode) || !takeVarint(in, event.targetSession))) ||
      !takeVarint(in, payloadSize) || payloadSize != in.size()) {
    return false;
  }
  event.payload.assign(in);
  return true;
}

}  // namespace chatd::store
