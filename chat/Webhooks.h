// The chat's events as webhooks (docs/webhooks.md): what happened, composed
// as JSON and handed to the WebhookSender. Each event is emitted once per
// chat server, by the node where it happened:
// - message.created by the node that stored the message (the send path);
// - member.joined / member.left by the node whose RoomService changed the
//   membership (joins, members added, direct rooms opened; leaving, kicks);
// - user.online / user.offline when the presence board says a user's first
//   session on the server opened or their last one closed: once per chat
//   server (the board's listener is called on one node).
//
// message.created lists `offline_user_ids`: the room's members with no
// session joined to the room on any node (this node's live room, the
// board's view of the others), of the first kMaxListed members by join time
// (`offline_truncated` when the room has more). Its data waits for that
// list, so it may be queued after events that happened just after it.
//
// Does nothing until given a sender (no --webhook-url). Borrows the store,
// the board, the live rooms and the sender.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chat/LiveRooms.h"
#include "server/WebhookSender.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::chat {

class Webhooks {
 public:
  static constexpr int kMaxListed = store::RoomStore::kMaxListPage - 1;  // one more asked says there are more

  Webhooks(store::Store& store, store::PresenceBoard& board, const LiveRooms& rooms)
      : store_(store), board_(board), rooms_(rooms) {}

  void setSender(server::WebhookSender* sender) { sender_ = sender; }

  // `frame` is the message event as clients receive it.
  void messageCreated(int64_t roomId, const std::string& frame);
  void memberJoined(int64_t roomId, int64_t userId) { roomUser("member.joined", roomId, userId); }
  void memberLeft(int64_t roomId, int64_t userId) { roomUser("member.left", roomId, userId); }
  void presence(int64_t userId, bool online);

 private:
  void roomUser(std::string_view type, int64_t roomId, int64_t userId);

  store::Store& store_;
  store::PresenceBoard& board_;
  const LiveRooms& rooms_;
  server::WebhookSender* sender_ = nullptr;
};

}  // namespace chatd::chat
