// The lookups that decide what a session's user may do in a room, through
// RoomService's rules: read it (a member, or any public room) and post to it
// (a member). Posting asks the live room's membership cache first, so a busy
// sender's messages need no store read; a membership that ended since is not
// in it (LiveRooms). Owns nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "chat/ChatError.h"
#include "chat/ChatSession.h"
#include "chat/LiveRooms.h"
#include "chat/RoomService.h"
#include "chat/Sessions.h"
#include "store/Store.h"

namespace chatd::chat {

class RoomLookups {
 public:
  RoomLookups(store::Store& store, RoomService& roomService, Sessions& sessions, LiveRooms& rooms)
      : store_(store), roomService_(roomService), sessions_(sessions), rooms_(rooms) {}

  // Calls `then` with the room as the session's user sees it when the user
  // may read it; otherwise answers the error and calls `refused` (when given).
  // The session may be gone by the time the store answers: then neither runs.
  void withReadableRoom(ChatSession& session, int64_t roomId, const std::string& ref,
                        std::function<void(ChatSession&, const store::Room&)> then, std::function<void()> refused = {});
  // Calls `then` with no error and, for a direct room, its other member when
  // `userId` may post to the room; else with the error.
  using Postable = std::function<void(std::optional<ChatError> error, int64_t directPeerId)>;
  void withPostableRoom(int64_t roomId, int64_t userId, Postable then);

 private:
  store::Store& store_;
  RoomService& roomService_;  // who sees a room
  Sessions& sessions_;
  LiveRooms& rooms_;
};

}  // namespace chatd::chat
