#include "chat/RoomLookups.h"

namespace chatd::chat {

namespace {

using store::StoreStatus;
namespace err = chat_error;

const ChatError kStoreUnavailable{err::kUnavailable, "store unavailable, retry"};

}  // namespace

void RoomLookups::withReadableRoom(ChatSession& session, int64_t roomId, const std::string& ref,
                                   std::function<void(ChatSession&, const store::Room&)> then,
                                   std::function<void()> refused) {
  roomService_.findVisible(roomId, session.user->id,
                           [this, sessionId = session.id, roomId, ref, then = std::move(then),
                            refused = std::move(refused)](std::optional<ChatError> error, const store::Room& room) {
                             ChatSession* s = sessions_.find(sessionId);
                             if (!s) return;
                             if (!error) return then(*s, room);
                             s->sendError(error->code, error->message, ref, roomId);
                             if (refused) refused();
                           });
}

void RoomLookups::withPostableRoom(int64_t roomId, int64_t userId, Postable then) {
  if (int64_t peer = 0; rooms_.knownMember(roomId, userId, peer)) return then(std::nullopt, peer);
  const uint64_t generation = rooms_.membershipGeneration();
  auto remember = [this, roomId, userId, generation, then](int64_t peer) {
    rooms_.rememberMember(roomId, userId, peer, generation);
    then(std::nullopt, peer);
  };
  roomService_.findVisible(
      roomId, userId, [this, userId, then, remember](std::optional<ChatError> error, const store::Room& room) {
        if (error) return then(std::move(error), 0);
        if (room.role == store::MemberRole::kNone) {
          return then(ChatError{err::kNotMember, "not a member of this room: join it first"}, 0);
        }
        if (room.kind != store::RoomKind::kDirect) return remember(0);
        store_.listMembers(room.id, {}, 2,
                           [userId, then, remember](StoreStatus status, const std::vector<store::RoomMember>& members) {
                             if (status != StoreStatus::kOk) return then(kStoreUnavailable, 0);
                             int64_t peer = userId;
                             for (const store::RoomMember& member : members) {
                               if (member.user.id != userId) peer = member.user.id;
                             }
                             remember(peer);
                           });
      });
}

}  // namespace chatd::chat
