// user_joined / user_left to a room's other users. Producers publish a
// presenceEvent() (PresenceAnnouncer, when the presence board says a user
// came online in a room or went offline there); what reaches the room from the bus goes out at once
// while the room is quiet (up to kImmediate events per kBatchMs); past that
// (a join storm) batched, one batch per kBatchMs, so each member gets one
// write per batch rather than one per join. A room stays batched until a
// whole window passes without presence. Owns the batch timer and the list of
// rooms with events held; the held events are the LiveRoom's.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "chat/ChatSession.h"
#include "chat/Delivery.h"
#include "chat/LiveRooms.h"
#include "reactor/EventLoop.h"
#include "store/RoomEvent.h"

namespace chatd::chat {

// The event that the user (`summaryJson` names them) came online in the room (`joined`) or went away.
store::RoomEvent presenceEvent(int64_t roomId, int64_t userId, std::string_view summaryJson, bool joined);

class Presence final : public reactor::TimerHandler {
 public:
  Presence(reactor::EventLoop& loop, LiveRooms& rooms, Delivery& delivery)
      : loop_(loop), rooms_(rooms), delivery_(delivery) {}

  // A presence event reached this node: out at once, or held for the batch.
  void deliver(const store::RoomEvent& event);
  // The batch is due.
  void handleTimer(reactor::Timer& timer) override;

 private:
  static constexpr uint64_t kBatchMs = 250;
  static constexpr uint32_t kImmediate = 8;

  void send(LiveRoom& room, int64_t userId, const reactor::BlockRef& frame);

  reactor::EventLoop& loop_;
  LiveRooms& rooms_;
  Delivery& delivery_;
  reactor::Timer timer_{this};
  std::vector<int64_t> due_;  // rooms with events held
};

}  // namespace chatd::chat
