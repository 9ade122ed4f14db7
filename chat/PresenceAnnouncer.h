// Turns the presence board's news (a user came online in a room anywhere,
// or went offline everywhere) into presence events on the bus. The user is
// named from their session here, or, for a user with none here (their node
// died, or their last session here closed before a networked board
// answered), from the store. News of the server as a whole (room
// kAnywhere) is a webhook instead (user.online, user.offline). Borrows the
// bus, the store, the sessions and the webhooks.
#pragma once

#include <cstdint>

#include "chat/Sessions.h"
#include "chat/Webhooks.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::chat {

class PresenceAnnouncer final : public store::PresenceBoard::Listener {
 public:
  PresenceAnnouncer(store::Bus& bus, store::Store& store, Sessions& sessions, Webhooks& webhooks)
      : bus_(bus), store_(store), sessions_(sessions), webhooks_(webhooks) {}

  void cameOnline(int64_t roomId, int64_t userId) override { announce(roomId, userId, true); }
  void wentOffline(int64_t roomId, int64_t userId) override { announce(roomId, userId, false); }

 private:
  void announce(int64_t roomId, int64_t userId, bool joined);

  store::Bus& bus_;
  store::Store& store_;
  Sessions& sessions_;
  Webhooks& webhooks_;
};

}  // namespace chatd::chat
