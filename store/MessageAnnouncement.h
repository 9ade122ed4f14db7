// A new message's RoomEvent (kMessage or kDirectMessage) as its producer
// knows it before the store has decided the message: everything but the
// seq, and a payload with holes for the id, the seq and created_at.
//
// Given one, a store whose medium is also the bus's (Redis) publishes the
// event inside the append itself (MessageLog::appendMessage): the message
// and the news of it are then one atomic step and one round trip, and a
// room's messages reach its channel in seq order. A store that cannot
// (SQLite) ignores it, and the producer publishes the filled-in event.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "store/RoomEvent.h"

namespace chatd::store {

struct MessageAnnouncement {
  RoomEvent event;  // seq and payload unset; originNode set (Bus::nodeId)
  // The payload is around[0] id around[1] seq around[2] created_at around[3],
  // the numbers in decimal.
  std::array<std::string, 4> around;

  // `event` with the seq and the payload of the message the store made.
  RoomEvent filledIn(int64_t id, int64_t seq, int64_t createdAt) const;
};

}  // namespace chatd::store
