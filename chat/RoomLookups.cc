#include "chat/RoomLookups.h"

#include "chat/RoomAccess.h"

namespace chatd::chat {

namespace {

using store::StoreStatus;
namespace err = chat_error;

const ChatError kNoSuchRoom{err::kNotFound, "no such room"};
const ChatError kStoreUnavailable{err::kUnavailable, "store unavailable, retry"};

}  // namespace

void RoomLookups::withReadableRoom(ChatSession& session, int64_t roomId, const std::string& ref,
                                   std::function<void(ChatSession&, const store::Room&)> then,
                                   std::function<void()> refused) {
  store_.findRoom(roomId, session.user->id,
                  [this, sessionId = session.id, roomId, ref, then = std::move(then), refused = std::move(refused)](
                      StoreStatus status, store::Room room) {
                    ChatSession* s = sessions_.find(sessionId);
                    if (!s) return;
                    if (status == StoreStatus::kOk && visibleToUser(room)) return then(*s, room);
                    if (status == StoreStatus::kOk || status == StoreStatus::kNotFound) {
                      s->sendError(err::kNotFound, "no such room", ref, roomId);
                    } else {
                      s->sendError(err::kUnavailable, "store unavailable", ref, roomId);
                    }
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
  store_.findRoom(roomId, userId, [this, userId, then, remember](StoreStatus status, const store::Room& room) {
    if (status == StoreStatus::kNotFound || (status == StoreStatus::kOk && !visibleToUser(room))) {
      return then(kNoSuchRoom, 0);
    }
    if (status != StoreStatus::kOk) return then(kStoreUnavailable, 0);
    if (room.role.empty()) return then(ChatError{err::kNotMember, "not a member of this room: join it first"}, 0);
    if (room.kind != "direct") return remember(0);
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
