// PLACEHOLDER (replaced by the rooms part): every call fails, later in the loop.
#include "store/redis/RedisStore.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace chatd::store {

void RedisStore::listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<Room>> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, std::vector<Room>{}); });
}

void RedisStore::findRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Room{}); });
}

void RedisStore::createRoom(std::string name, RoomKind kind, std::optional<std::string> topic, int64_t ownerId, uint32_t maxPerHour, Callback<Room> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Room{}); });
}

void RedisStore::joinRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Room{}); });
}

void RedisStore::setMemberRole(int64_t roomId, int64_t userId, MemberRole role, Callback<RoomMember> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, RoomMember{}); });
}

void RedisStore::removeMember(int64_t roomId, int64_t userId, Callback<bool> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, bool{}); });
}

void RedisStore::deleteRoom(int64_t roomId, Callback<bool> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, bool{}); });
}

void RedisStore::listMembers(int64_t roomId, MemberCursor after, int limit, Callback<std::vector<RoomMember>> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, std::vector<RoomMember>{}); });
}

void RedisStore::openDirectRoom(int64_t userId, int64_t otherId, Callback<DirectRoom> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, DirectRoom{}); });
}

}  // namespace chatd::store
