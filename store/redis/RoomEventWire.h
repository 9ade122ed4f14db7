// The bytes of one RoomEvent between chatd processes (a RedisBus message):
// a version byte, the kind, then roomId, seq, originNode, originSession,
// userId and peerId as LEB128 varints (signed ones zigzagged, so small ids
// take a byte or two), then the payload's length (varint) and the payload.
// The one place that knows the format.
#pragma once

#include <string>
#include <string_view>

#include "store/RoomEvent.h"

namespace chatd::store {

std::string encodeRoomEvent(const RoomEvent& event);
// False (and `event` unspecified) for bytes that are not exactly one event:
// another version, an unknown kind, truncated or with bytes left over.
bool decodeRoomEvent(std::string_view bytes, RoomEvent& event);

}  // namespace chatd::store
