// RedisStore's rooms (RoomStore), with SqliteStore's semantics over the keys
// of RedisKeys.h. A decision within a room (a join, a role, a deletion, a
// pair's direct room) is one script on the room's shard and holds across
// nodes; what the directory keeps of it (ids, the users' room lists, the
// public list, the hourly quota, the direct pairs) is a second script,
// before it when it allocates, after it when it lists (RoomScripts.h).
#include <algorithm>
#include <memory>

#include "reactor/Log.h"
#include "store/redis/RedisDecode.h"
#include "store/redis/RedisKeys.h"
#include "store/redis/RedisStore.h"
#include "store/redis/RoomScripts.h"

namespace chatd::store {
namespace {

// ARGV: two user ids. {OK, 1} when some room is in both users' room lists:
// the shorter list walked, each of its rooms looked up in the other.
const RedisScript kShareRoom(R"LUA(
local a, b = k_user(ARGV[2]) .. ':rooms', k_user(ARGV[3]) .. ':rooms'
if redis.call('ZCARD', a) > redis.call('ZCARD', b) then a, b = b, a end
for _, room in ipairs(redis.call('ZRANGE', a, 0, -1)) do
  if redis.call('ZSCORE', b, room) then return {OK, 1} end
end
return {OK, 0}
)LUA");

namespace scripts = room_scripts;

std::string arg(int64_t value) { return std::to_string(value); }

bool isArray(const RedisReply& reply, size_t atLeast) {
  return reply.kind == RedisReply::Kind::kArray && reply.elements.size() >= atLeast;
}

MemberRole roleFromInt(int64_t value) {
  const bool known = value >= static_cast<int>(MemberRole::kMember) && value <= static_cast<int>(MemberRole::kOwner);
  return known ? static_cast<MemberRole>(value) : MemberRole::kNone;
}

// A room_row() answer.
Room decodeRoom(const RedisReply& row) {
  Room room;
  if (!isArray(row, 8)) return room;
  const std::vector<RedisReply>& f = row.elements;
  room.id = replyInt(f[0]);
  room.name = replyText(f[1]);
  // Only scripts write kinds; anything else reads as the most closed one.
  room.kind = parseRoomKind(replyText(f[2])).value_or(RoomKind::kPrivate);
  if (f[3].kind != RedisReply::Kind::kNil) room.topic = replyText(f[3]);
  room.createdAt = replyInt(f[4]);
  room.lastSeq = replyInt(f[5]);
  room.role = roleFromInt(replyInt(f[6]));
  room.lastReadSeq = replyInt(f[7]);
  return room;
}

// `user`'s membership from a member_row() answer ({role, joined_at}).
RoomMember decodeMember(User user, const RedisReply& row) {
  if (!isArray(row, 2)) return {};
  return RoomMember{std::move(user), roleFromInt(replyInt(row.elements[0])), replyInt(row.elements[1])};
}

Room decodeFirstRoom(const std::vector<RedisReply>& rest) { return decodeRoom(rest[0]); }

// Lists `room` in the rooms of `users` (and the public list) on the directory.
void listRoom(RedisConnection& directory, const std::string& prefix, int64_t room, bool isPublic,
              std::initializer_list<int64_t> users, std::function<void(StoreStatus)> then) {
  std::vector<std::string> args{arg(room), isPublic ? "1" : "0"};
  for (const int64_t user : users) args.push_back(arg(user));
  scripts::kListRoom.run(directory, prefix, std::move(args),
                         [then = std::move(then)](StoreStatus status, std::vector<RedisReply>) { then(status); });
}

// The rows of one listRooms() page as the shards answer, merged once all have.
struct RoomPage {
  size_t pending = 0;
  size_t limit = 0;
  StoreStatus status = StoreStatus::kOk;
  std::vector<Room> rooms;
  Callback<std::vector<Room>> done;

  void answered(StoreStatus shardStatus, const std::vector<RedisReply>& rest) {
    if (shardStatus != StoreStatus::kOk || rest.empty()) status = StoreStatus::kFailed;
    if (status == StoreStatus::kOk) {
      for (const RedisReply& row : rest[0].elements) rooms.push_back(decodeRoom(row));
    }
    if (--pending != 0) return;
    if (status != StoreStatus::kOk) return done(status, {});
    std::sort(rooms.begin(), rooms.end(), [](const Room& a, const Room& b) { return a.id < b.id; });
    if (rooms.size() > limit) rooms.resize(limit);
    done(status, std::move(rooms));
  }
};

}  // namespace

void RedisStore::listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<Room>> done) {
  const int page = std::clamp(limit, 1, kMaxListPage);
  auto answered = [this, userId, page, done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
    if (status != StoreStatus::kOk || rest.empty()) return done(status, {});
    // The ids grouped by shard: one script on each shard that holds some.
    std::vector<std::vector<std::string>> argsOf(shards_.size());
    for (const RedisReply& id : rest[0].elements) {
      std::vector<std::string>& args = argsOf[shardOfRoom(replyInt(id), shards_.size())];
      if (args.empty()) args.push_back(arg(userId));
      args.push_back(arg(replyInt(id)));
    }
    auto rooms = std::make_shared<RoomPage>();
    rooms->limit = static_cast<size_t>(page);
    rooms->done = done;
    rooms->pending = std::count_if(argsOf.begin(), argsOf.end(), [](const auto& args) { return !args.empty(); });
    if (rooms->pending == 0) return done(StoreStatus::kOk, {});
    for (size_t shard = 0; shard < argsOf.size(); ++shard) {
      if (argsOf[shard].empty()) continue;
      scripts::kRoomRows.run(
          shards_[shard]->redis, prefix_, std::move(argsOf[shard]),
          [rooms](StoreStatus status, std::vector<RedisReply> rows) { rooms->answered(status, rows); });
    }
  };
  scripts::kListRoomIds.run(directory().redis, prefix_, {arg(userId), arg(afterRoomId), arg(page)},
                            std::move(answered));
}

void RedisStore::findRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  run(roomShard(roomId), scripts::kFindRoom, {arg(roomId), arg(userId)}, decodeFirstRoom, std::move(done));
}

void RedisStore::createRoom(std::string name, RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                            uint32_t maxPerHour, Callback<Room> done) {
  auto claimed = [=, this, name = std::move(name), topic = std::move(topic), done = std::move(done)](
                     StoreStatus status, std::vector<RedisReply> rest) {
    if (status == StoreStatus::kOverQuota) {
      Room overQuota;  // only when the oldest of the hour's rooms was created
      if (!rest.empty()) overQuota.createdAt = replyInt(rest[0]);
      return done(status, overQuota);
    }
    if (status != StoreStatus::kOk || rest.size() < 2) return done(status, {});
    const int64_t roomId = replyInt(rest[0]);
    const int64_t createdAt = replyInt(rest[1]);
    std::vector<std::string> args{arg(roomId), name, std::string(roomKindName(kind)), arg(ownerId), arg(createdAt)};
    if (topic) args.push_back(*topic);
    // Made on its shard before any list names it.
    scripts::kMakeRoom.run(roomShard(roomId).redis, prefix_, std::move(args),
                           [=, this](StoreStatus made, std::vector<RedisReply> row) {
                             if (made != StoreStatus::kOk || row.empty()) return done(made, {});
                             listRoom(directory().redis, prefix_, roomId, kind == RoomKind::kPublic, {ownerId},
                                      [done, room = decodeRoom(row[0])](StoreStatus listed) { done(listed, room); });
                           });
  };
  scripts::kClaimRoomId.run(directory().redis, prefix_, {arg(ownerId), arg(maxPerHour)}, std::move(claimed));
}

void RedisStore::joinRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  findUser(userId, [this, roomId, userId, done = std::move(done)](StoreStatus status, const User&) {
    if (status != StoreStatus::kOk) return done(status, {});
    scripts::kJoinRoom.run(roomShard(roomId).redis, prefix_, {arg(roomId), arg(userId)},
                           [this, roomId, userId, done](StoreStatus joined, std::vector<RedisReply> row) {
                             if (joined != StoreStatus::kOk || row.empty()) return done(joined, {});
                             listRoom(directory().redis, prefix_, roomId, false, {userId},
                                      [done, room = decodeRoom(row[0])](StoreStatus listed) { done(listed, room); });
                           });
  });
}

void RedisStore::setMemberRole(int64_t roomId, int64_t userId, MemberRole role, Callback<RoomMember> done) {
  findUser(userId, [this, roomId, userId, role, done = std::move(done)](StoreStatus status, User user) {
    if (status != StoreStatus::kOk) return done(status, {});
    scripts::kSetMemberRole.run(
        roomShard(roomId).redis, prefix_, {arg(roomId), arg(userId), arg(static_cast<int>(role))},
        [this, roomId, userId, user, done](StoreStatus set, std::vector<RedisReply> row) {
          const bool answered = set == StoreStatus::kOk || set == StoreStatus::kConflict;
          if (!answered || row.empty()) return done(set, {});
          RoomMember member = decodeMember(user, row[0]);
          if (set == StoreStatus::kConflict) return done(set, std::move(member));  // the owner's, listed already
          listRoom(directory().redis, prefix_, roomId, false, {userId},
                   [done, member](StoreStatus listed) { done(listed, member); });
        });
  });
}

void RedisStore::removeMember(int64_t roomId, int64_t userId, Callback<bool> done) {
  auto removed = [this, roomId, userId, done = std::move(done)](StoreStatus status, std::vector<RedisReply>) {
    if (status != StoreStatus::kOk) return done(status, false);
    directory().redis.command({"ZREM", redis_keys::userPart(prefix_, userId, "rooms"), arg(roomId)},
                              [done](const RedisReply& reply) {
                                done(reply.ok() ? StoreStatus::kOk : StoreStatus::kFailed, reply.ok());
                              });
  };
  scripts::kRemoveMember.run(roomShard(roomId).redis, prefix_, {arg(roomId), arg(userId)}, std::move(removed));
}

void RedisStore::deleteRoom(int64_t roomId, Callback<bool> done) {
  auto deleted = [this, roomId, done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
    if (status != StoreStatus::kOk || rest.size() < 2) return done(status, false);
    // Its place in each member's rooms, in the owner's hourly count (as
    // SQLite no longer counts a deleted room), the public list and the
    // direct pairs.
    std::vector<std::string> args{arg(roomId), rest[1].kind == RedisReply::Kind::kNil ? "" : replyText(rest[1])};
    const std::vector<RedisReply>& roles = rest[0].elements;
    for (size_t i = 0; i + 1 < roles.size(); i += 2) {
      args.push_back(replyText(roles[i]));
      args.push_back(replyInt(roles[i + 1]) == static_cast<int>(MemberRole::kOwner) ? "1" : "0");
    }
    scripts::kUnlistRoom.run(directory().redis, prefix_, std::move(args),
                             [roomId, done](StoreStatus unlisted, std::vector<RedisReply>) {
                               // Gone: the lists' stale entries name no room, and are skipped.
                               if (unlisted != StoreStatus::kOk) {
                                 LOG_WARN("room %lld deleted, but not taken out of the directory's lists",
                                          static_cast<long long>(roomId));
                               }
                               done(StoreStatus::kOk, true);
                             });
  };
  scripts::kDeleteRoom.run(roomShard(roomId).redis, prefix_, {arg(roomId)}, std::move(deleted));
}

void RedisStore::listMembers(int64_t roomId, MemberCursor after, int limit, Callback<std::vector<RoomMember>> done) {
  auto listed = [this, done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
    if (status != StoreStatus::kOk || rest.empty()) return done(status, {});
    // {user, role, joined_at} rows here; the users' own rows from the directory.
    auto rows = std::make_shared<std::vector<RedisReply>>(std::move(rest[0].elements));
    std::vector<int64_t> ids;
    ids.reserve(rows->size());
    for (const RedisReply& row : *rows) ids.push_back(isArray(row, 3) ? replyInt(row.elements[0]) : 0);
    userRows(std::move(ids), [rows, done](StoreStatus named, std::vector<User> users) {
      if (named != StoreStatus::kOk) return done(named, {});
      std::vector<RoomMember> members;
      members.reserve(users.size());
      for (size_t i = 0; i < users.size() && i < rows->size(); ++i) {
        if (users[i].id == 0) continue;  // a user gone
        const std::vector<RedisReply>& f = (*rows)[i].elements;
        members.push_back(RoomMember{std::move(users[i]), roleFromInt(replyInt(f[1])), replyInt(f[2])});
      }
      done(StoreStatus::kOk, std::move(members));
    });
  };
  const int page = std::clamp(limit, 1, kMaxListPage);
  scripts::kListMembers.run(roomShard(roomId).redis, prefix_,
                            {arg(roomId), arg(after.joinedAt), arg(after.userId), arg(page)}, std::move(listed));
}

void RedisStore::openDirectRoom(int64_t userId, int64_t otherId, Callback<DirectRoom> done) {
  auto claimed = [this, userId, otherId, done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
    if (status != StoreStatus::kOk || rest.size() < 3) return done(status, {});
    const int64_t roomId = replyInt(rest[0]);
    scripts::kMakeDirectRoom.run(
        roomShard(roomId).redis, prefix_,
        {arg(roomId), replyText(rest[1]), replyText(rest[2]), arg(userId), arg(otherId)},
        [this, roomId, userId, otherId, done](StoreStatus made, std::vector<RedisReply> row) {
          if (made != StoreStatus::kOk || row.empty()) return done(made, {});
          DirectRoom direct{decodeRoom(row[0]), row.size() > 1 && replyInt(row[1]) != 0};
          listRoom(directory().redis, prefix_, roomId, false, {userId, otherId},
                   [done, direct](StoreStatus listed) { done(listed, direct); });
        });
  };
  scripts::kClaimDirectRoomId.run(directory().redis, prefix_, {arg(userId), arg(otherId)}, std::move(claimed));
}

void RedisStore::shareRoom(int64_t userId, int64_t otherId, Callback<bool> done) {
  run<bool>(directory(), kShareRoom, {arg(userId), arg(otherId)},
            [](const std::vector<RedisReply>& rest) { return replyInt(rest[0]) != 0; }, std::move(done));
}

}  // namespace chatd::store
