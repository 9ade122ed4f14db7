#include "chat/Webhooks.h"

#include <unordered_set>
#include <utility>
#include <vector>

#include "proto/JsonWriter.h"

namespace chatd::chat {

void Webhooks::roomUser(std::string_view type, int64_t roomId, int64_t userId) {
  if (!sender_) return;
  proto::JsonWriter data;
  data.beginObject().key("room_id").value(roomId).key("user_id").value(userId).endObject();
  sender_->send(type, data.take());
}

void Webhooks::presence(int64_t userId, bool online) {
  if (!sender_) return;
  proto::JsonWriter data;
  data.beginObject().key("user_id").value(userId).endObject();
  sender_->send(online ? "user.online" : "user.offline", data.take());
}

void Webhooks::messageCreated(int64_t roomId, const std::string& frame) {
  if (!sender_) return;
  // Who is online: the other nodes' users from the board, then (once the
  // members are read) this node's from its live room, as it is by then.
  board_.online(roomId, kMaxListed, [this, roomId, frame](store::PresenceBoard::OnlineUsers elsewhere) {
    store_.listMembers(
        roomId, {}, kMaxListed + 1,
        [this, roomId, frame, online = std::move(elsewhere.userIds)](store::StoreStatus status,
                                                                     const std::vector<store::RoomMember>& members) {
          if (!sender_) return;
          const std::unordered_set<int64_t> onlineElsewhere(online.begin(), online.end());
          const LiveRoom* room = rooms_.find(roomId);
          proto::JsonWriter data;
          data.beginObject().key("room_id").value(roomId).key("message").raw(frame);
          data.key("offline_user_ids").beginArray();
          // A store that did not answer lists nobody rather than everybody.
          const size_t listed = status == store::StoreStatus::kOk ? members.size() : 0;
          for (size_t i = 0; i < listed && i < static_cast<size_t>(kMaxListed); ++i) {
            const int64_t userId = members[i].user.id;
            if (onlineElsewhere.contains(userId) || (room && room->presence.contains(userId))) continue;
            data.value(userId);
          }
          data.endArray().key("offline_truncated").value(listed > static_cast<size_t>(kMaxListed)).endObject();
          sender_->send("message.created", data.take());
        });
  });
}

}  // namespace chatd::chat
