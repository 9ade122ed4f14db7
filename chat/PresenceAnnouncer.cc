#include "chat/PresenceAnnouncer.h"

#include "chat/ChatFrames.h"
#include "chat/Presence.h"

namespace chatd::chat {

void PresenceAnnouncer::announce(int64_t roomId, int64_t userId, bool joined) {
  // Online on the server is no room's news: clients hear of rooms only.
  if (roomId == store::PresenceBoard::kAnywhere) return webhooks_.presence(userId, joined);
  if (const OnlineUser* user = sessions_.findUser(userId)) {
    return bus_.publish(presenceEvent(roomId, userId, user->summaryJson, joined));
  }
  store_.findUser(userId, [this, roomId, joined](store::StoreStatus status, store::User user) {
    if (status != store::StoreStatus::kOk) return;  // an account gone meanwhile has nobody to name
    bus_.publish(presenceEvent(roomId, user.id, userSummaryJson(user), joined));
  });
}

}  // namespace chatd::chat
