// RedisStore's erasure of a deleted user (setUserState to kDeleted), with
// SqliteStore::eraseTraces' result: the user's messages tombstoned, their
// reactions and memberships gone, in every room that existed when it
// started. Where SQLite does it in one transaction, here each shard walks
// its own rooms in id order, a slice of a room's log per script run
// (message_scripts::kEraseUser), the shards at once; when every walk has
// ended the directory forgets the user's room list, and `done` runs.
//
// The account is marked deleted before the walk starts, and each slice is
// idempotent: after a failure or a crash midway, setUserState(kDeleted)
// again (the admin API's DELETE repeated) walks every room again and
// finishes the erasure.
#include <memory>

#include "store/redis/MessageScripts.h"
#include "store/redis/RedisDecode.h"
#include "store/redis/RedisKeys.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {

// One erasure in flight, shared by its shards' walks.
struct RedisStore::Erasure {
  int64_t userId = 0;
  int64_t lastRoomId = 0;  // the last room id given when it started
  size_t walking = 0;      // shards whose walk has not ended
  StoreStatus status = StoreStatus::kOk;  // the first failure of a walk
  std::function<void(StoreStatus)> done;
};

void RedisStore::eraseUser(int64_t userId, std::function<void(StoreStatus)> done) {
  directory().redis.command(
      {"GET", prefix_ + "room:next"}, [this, userId, done = std::move(done)](const RedisReply& reply) mutable {
        if (!reply.ok()) return done(StoreStatus::kFailed);
        auto erasure = std::make_shared<Erasure>();
        erasure->userId = userId;
        erasure->lastRoomId = replyInt(reply);
        erasure->walking = shards_.size();
        erasure->done = std::move(done);
        for (const std::unique_ptr<Shard>& shard : shards_) eraseFrom(erasure, *shard, 1, 1);
      });
}

void RedisStore::eraseFrom(std::shared_ptr<Erasure> erasure, Shard& shard, int64_t roomId, int64_t fromSeq) {
  while (roomId <= erasure->lastRoomId && &roomShard(roomId) != &shard) ++roomId;
  if (roomId > erasure->lastRoomId) return shardErased(erasure, StoreStatus::kOk);
  message_scripts::kEraseUser.run(
      shard.redis, prefix_,
      {std::to_string(roomId), std::to_string(erasure->userId), std::to_string(fromSeq), std::to_string(eraseSlice_)},
      [this, erasure, &shard, roomId](StoreStatus status, std::vector<RedisReply> rest) {
        if (status != StoreStatus::kOk || rest.empty()) return shardErased(erasure, StoreStatus::kFailed);
        const int64_t next = replyInt(rest[0]);  // 0: this room is done
        if (next == 0) return eraseFrom(erasure, shard, roomId + 1, 1);
        eraseFrom(erasure, shard, roomId, next);
      });
}

void RedisStore::shardErased(const std::shared_ptr<Erasure>& erasure, StoreStatus status) {
  if (status != StoreStatus::kOk) erasure->status = status;
  if (--erasure->walking > 0) return;
  if (erasure->status != StoreStatus::kOk) return erasure->done(erasure->status);
  directory().redis.command({"DEL", redis_keys::userPart(prefix_, erasure->userId, "rooms")},
                            [erasure](const RedisReply& reply) {
                              erasure->done(reply.ok() ? StoreStatus::kOk : StoreStatus::kFailed);
                            });
}

}  // namespace chatd::store
