// The bytes of one RoomEvent between chatd processes (a RedisBus message):
// a version byte, the kind, then roomId, seq, originNode, originSession,
// userId and peerId as LEB128 varints (signed ones zigzagged, so small ids
// take a byte or two), then the payload's length (varint) and the payload.
// The one place that knows the format, in C++ and in the Lua twin that a
// store script uses to publish a message's event itself (MessageScripts.h).
#pragma once

#include <string>
#include <string_view>

#include "store/RoomEvent.h"

namespace chatd::store {

std::string encodeRoomEvent(const RoomEvent& event);
// False (and `event` unspecified) for bytes that are not exactly one event:
// another version, an unknown kind, truncated or with bytes left over.
bool decodeRoomEvent(std::string_view bytes, RoomEvent& event);

// An event's bytes around its seq, for a script that decides the seq and
// the payload (MessageAnnouncement.h): the event's seq and payload are not
// read.
struct RoomEventAroundSeq {
  std::string beforeSeq;  // version, kind, room
  std::string afterSeq;   // origin node and session, user, peer
};
RoomEventAroundSeq encodeRoomEventAroundSeq(const RoomEvent& event);

// Lua (Redis's 5.1) defining wire_event(before_seq, seq, after_seq,
// payload): the bytes encodeRoomEvent() makes of that event, for a seq from
// 0 to 2^52 (a Lua number is a double).
extern const std::string_view kLuaRoomEventWire;

}  // namespace chatd::store
