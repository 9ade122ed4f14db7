// Turns the presence board's news (a user came online in a room anywhere,
// or went offline everywhere) into presence events on the bus. The user is
// named from their session here, or, for a user with none here (their node
// died, or their last session here closed before a networked board
// answered), from the store. Borrows the bus, the store and the sessions.
#pragma once

#include <cstdint>

#include "chat/Sessions.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::chat {

class PresenceAnnouncer final : public store::PresenceBoard::Listener {
 public:
  PresenceAnnouncer(store::Bus& bus, store::Store& store, Sessions& sessions)
      : bus_(bus), store_(store), sessions_(sessions) {}

  void cameOnline(int64_t roomId, int64_t userId) override { announce(roomId, userId, true); }
  void wentOffline(int64_t roomId, int64_t userId) override { announce(roomId, userId, false); }

 private:
  void announce(int64_t roomId, int64_t userId, bool joined);

  store::Bus& bus_;
  store::Store& store_;
  Sessions& sessions_;
};

}  // namespace chatd::chat
