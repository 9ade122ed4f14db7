// RedisStore's rooms (RoomStore), with SqliteStore's semantics over the keys
// of RedisKeys.h. Each call is one script: a read sees one consistent state,
// and a decision (a join, a role, a deletion, a pair's direct room) holds
// across nodes.
#include <algorithm>

#include "store/redis/RedisDecode.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

// The Lua below names roles by MemberRole's integers, as room:<id>:roles stores them.
static_assert(static_cast<int>(MemberRole::kNone) == 0 && static_cast<int>(MemberRole::kMember) == 1 &&
              static_cast<int>(MemberRole::kOwner) == 3);

// What the room scripts share, after RedisScript's prelude.
constexpr std::string_view kRoomHelpers = R"LUA(
local MEMBER, OWNER = 1, 3
local function exists(key) return redis.call('EXISTS', key) == 1 end
-- A member of room:<id>:joined: zero-padded, so that members who joined in
-- one millisecond sort by user id.
local function pad(id) return string.format('%020d', tonumber(id)) end
-- A room as `user` sees it: {id, name, kind, topic, created_at, last_seq,
-- role, last read seq} (topic false when none); false when there is no room.
local function room_row(id, user)
  local f = redis.call('HMGET', k_room(id), 'name', 'kind', 'topic', 'created_at', 'last_seq')
  if not f[1] then return false end
  return {tonumber(id), f[1], f[2], f[3], tonumber(f[4] or 0), tonumber(f[5] or 0),
          tonumber(redis.call('HGET', k_room_part(id, 'roles'), user) or 0),
          tonumber(redis.call('HGET', k_room_part(id, 'reads'), user) or 0)}
end
-- A membership as {user row, role, joined_at}.
local function member_row(room, user)
  return {user_row(user), tonumber(redis.call('HGET', k_room_part(room, 'roles'), user) or 0),
          tonumber(redis.call('ZSCORE', k_room_part(room, 'joined'), pad(user)) or 0)}
end
-- Makes `user` a member with `role` unless already one (whatever the role);
-- true when added.
local function add_member(room, user, role, now)
  if redis.call('HSETNX', k_room_part(room, 'roles'), user, role) == 0 then return false end
  redis.call('ZADD', k_room_part(room, 'joined'), now, pad(user))
  redis.call('ZADD', k_user(user) .. ':rooms', room, room)
  return true
end
)LUA";

RedisScript roomScript(std::string_view body) { return RedisScript(std::string(kRoomHelpers) + std::string(body)); }

// ARGV: user, after room id, limit. Public rooms and the user's, merged by id.
const RedisScript kListRooms = roomScript(R"LUA(
local user, after, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local ids = {}
for _, key in ipairs({P .. 'rooms:public', k_user(user) .. ':rooms'}) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '(' .. after, '+inf', 'LIMIT', 0, limit)) do
    ids[#ids + 1] = tonumber(id)
  end
end
table.sort(ids)
local rows, last = {}, nil
for _, id in ipairs(ids) do
  if #rows == limit then break end
  if id ~= last then
    local row = room_row(id, user)
    if row then rows[#rows + 1] = row end
    last = id
  end
end
return {OK, rows}
)LUA");

// ARGV: room, user.
const RedisScript kFindRoom = roomScript(R"LUA(
local row = room_row(ARGV[2], ARGV[3])
if not row then return {NOT_FOUND} end
return {OK, row}
)LUA");

// ARGV: name, kind, owner, rooms allowed per hour (0: no limit), topic (absent: none).
// The owner's rooms of the last hour are trimmed and counted in the same
// script, so creates racing on two nodes see each other.
const RedisScript kCreateRoom = roomScript(R"LUA(
local name, kind, owner, per_hour, topic = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
if not exists(k_user(owner)) then return {NOT_FOUND} end
local now = now_ms()
local created = k_user(owner) .. ':created'
redis.call('ZREMRANGEBYSCORE', created, '-inf', now - 3600000)  -- older than an hour
if per_hour > 0 and redis.call('ZCARD', created) >= per_hour then
  return {OVER_QUOTA, tonumber(redis.call('ZRANGE', created, 0, 0, 'WITHSCORES')[2])}
end
local id = redis.call('INCR', P .. 'room:next')
redis.call('HSET', k_room(id), 'name', name, 'kind', kind, 'created_at', now, 'last_seq', 0)
if topic then redis.call('HSET', k_room(id), 'topic', topic) end
if kind == 'public' then redis.call('ZADD', P .. 'rooms:public', id, id) end
redis.call('ZADD', created, now, id)
add_member(id, owner, OWNER, now)
return {OK, room_row(id, owner)}
)LUA");

// ARGV: room, user.
const RedisScript kJoinRoom = roomScript(R"LUA(
local room, user = ARGV[2], ARGV[3]
if not exists(k_room(room)) or not exists(k_user(user)) then return {NOT_FOUND} end
add_member(room, user, MEMBER, now_ms())
return {OK, room_row(room, user)}
)LUA");

// ARGV: room, user, role. The owner's membership is left alone, whoever
// asks: CONFLICT, with the owner's row.
const RedisScript kSetMemberRole = roomScript(R"LUA(
local room, user, role = ARGV[2], ARGV[3], tonumber(ARGV[4])
if not exists(k_room(room)) or not exists(k_user(user)) then return {NOT_FOUND} end
local roles = k_room_part(room, 'roles')
if tonumber(redis.call('HGET', roles, user) or 0) == OWNER then
  return {role == OWNER and OK or CONFLICT, member_row(room, user)}
end
if not add_member(room, user, role, now_ms()) then redis.call('HSET', roles, user, role) end
return {OK, member_row(room, user)}
)LUA");

// ARGV: room, user.
const RedisScript kRemoveMember = roomScript(R"LUA(
local room, user = ARGV[2], ARGV[3]
local role = tonumber(redis.call('HGET', k_room_part(room, 'roles'), user) or 0)
if role == 0 then return {NOT_FOUND} end
if role == OWNER then return {CONFLICT} end
redis.call('HDEL', k_room_part(room, 'roles'), user)
redis.call('HDEL', k_room_part(room, 'reads'), user)
redis.call('ZREM', k_room_part(room, 'joined'), pad(user))
redis.call('ZREM', k_user(user) .. ':rooms', room)
return {OK, 1}
)LUA");

// ARGV: room. Every key of the room, its place in each member's rooms and
// in the owner's hourly count (as SQLite no longer counts a deleted room),
// the public list and the direct mapping.
const RedisScript kDeleteRoom = roomScript(R"LUA(
local room = ARGV[2]
if not exists(k_room(room)) then return {NOT_FOUND} end
local roles = redis.call('HGETALL', k_room_part(room, 'roles'))
for i = 1, #roles, 2 do
  redis.call('ZREM', k_user(roles[i]) .. ':rooms', room)
  if tonumber(roles[i + 1]) == OWNER then redis.call('ZREM', k_user(roles[i]) .. ':created', room) end
end
local direct = redis.call('HGET', k_room(room), 'direct')
if direct then redis.call('HDEL', P .. 'direct', direct) end
redis.call('ZREM', P .. 'rooms:public', room)
local keys = {k_room(room)}
for _, part in ipairs({'roles', 'joined', 'reads', 'log', 'ids', 'clients', 'reactions'}) do
  keys[#keys + 1] = k_room_part(room, part)
end
redis.call('DEL', unpack(keys))
return {OK, 1}
)LUA");

// ARGV: room, joined_at and user id of the cursor, limit.
const RedisScript kListMembers = roomScript(R"LUA(
local room, at, after, limit = ARGV[2], ARGV[3], pad(ARGV[4]), tonumber(ARGV[5])
local joined = k_room_part(room, 'joined')
-- Those who joined in the cursor's millisecond after its user, then the later ones.
local page = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', joined, at, at)) do
  if m > after and #page < limit then page[#page + 1] = m end
end
if #page < limit then
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', joined, '(' .. at, '+inf', 'LIMIT', 0, limit - #page)) do
    page[#page + 1] = m
  end
end
local rows = {}
for _, m in ipairs(page) do
  local row = member_row(room, tonumber(m))
  if row[1] then rows[#rows + 1] = row end
end
return {OK, rows}
)LUA");

// ARGV: user, other. One script, so that two first uses at once (on one
// node or two) make one room. Named after both users, lower id first; a
// mapping whose room is gone counts as none. Opening it again makes both
// members again, as SQLite does.
const RedisScript kOpenDirectRoom = roomScript(R"LUA(
local user, other = ARGV[2], ARGV[3]
local lo, hi = math.min(tonumber(user), tonumber(other)), math.max(tonumber(user), tonumber(other))
local lo_row, hi_row = user_row(lo), user_row(hi)
if not lo_row or not hi_row then return {NOT_FOUND} end
local key = lo .. ':' .. hi
local id = redis.call('HGET', P .. 'direct', key)
local now, created = now_ms(), 0
if not id or not exists(k_room(id)) then
  id = redis.call('INCR', P .. 'room:next')
  redis.call('HSET', k_room(id), 'name', lo_row[2] .. ' & ' .. hi_row[2], 'kind', 'direct', 'created_at', now,
             'last_seq', 0, 'direct', key)
  redis.call('HSET', P .. 'direct', key, id)
  created = 1
end
add_member(id, user, MEMBER, now)
add_member(id, other, MEMBER, now)
return {OK, room_row(id, user), created}
)LUA");

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

// A member_row() answer.
RoomMember decodeMember(const RedisReply& row) {
  if (!isArray(row, 3)) return {};
  return RoomMember{decodeUser(row.elements[0]), roleFromInt(replyInt(row.elements[1])), replyInt(row.elements[2])};
}

template <typename Decode>
auto decodeList(const RedisReply& rows, Decode decodeOne) {
  std::vector<decltype(decodeOne(rows))> out;
  out.reserve(rows.elements.size());
  for (const RedisReply& row : rows.elements) out.push_back(decodeOne(row));
  return out;
}

bool decodeDone(const std::vector<RedisReply>& rest) { return replyInt(rest[0]) != 0; }
Room decodeFirstRoom(const std::vector<RedisReply>& rest) { return decodeRoom(rest[0]); }

}  // namespace

void RedisStore::listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<Room>> done) {
  run(kListRooms, {arg(userId), arg(afterRoomId), arg(std::clamp(limit, 1, kMaxListPage))},
      [](const std::vector<RedisReply>& rest) { return decodeList(rest[0], decodeRoom); }, std::move(done));
}

void RedisStore::findRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  run(kFindRoom, {arg(roomId), arg(userId)}, decodeFirstRoom, std::move(done));
}

void RedisStore::createRoom(std::string name, RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                            uint32_t maxPerHour, Callback<Room> done) {
  std::vector<std::string> args{std::move(name), std::string(roomKindName(kind)), arg(ownerId), arg(maxPerHour)};
  if (topic) args.push_back(std::move(*topic));
  run(kCreateRoom, std::move(args),
      [](const std::vector<RedisReply>& rest) {
        if (rest[0].kind != RedisReply::Kind::kInteger) return decodeRoom(rest[0]);
        Room overQuota;  // kOverQuota: only when the oldest of the hour's rooms was created
        overQuota.createdAt = rest[0].integer;
        return overQuota;
      },
      std::move(done));
}

void RedisStore::joinRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  run(kJoinRoom, {arg(roomId), arg(userId)}, decodeFirstRoom, std::move(done));
}

void RedisStore::setMemberRole(int64_t roomId, int64_t userId, MemberRole role, Callback<RoomMember> done) {
  run(kSetMemberRole, {arg(roomId), arg(userId), arg(static_cast<int>(role))},
      [](const std::vector<RedisReply>& rest) { return decodeMember(rest[0]); }, std::move(done));
}

void RedisStore::removeMember(int64_t roomId, int64_t userId, Callback<bool> done) {
  run(kRemoveMember, {arg(roomId), arg(userId)}, decodeDone, std::move(done));
}

void RedisStore::deleteRoom(int64_t roomId, Callback<bool> done) {
  run(kDeleteRoom, {arg(roomId)}, decodeDone, std::move(done));
}

void RedisStore::listMembers(int64_t roomId, MemberCursor after, int limit, Callback<std::vector<RoomMember>> done) {
  run(kListMembers, {arg(roomId), arg(after.joinedAt), arg(after.userId), arg(std::clamp(limit, 1, kMaxListPage))},
      [](const std::vector<RedisReply>& rest) { return decodeList(rest[0], decodeMember); }, std::move(done));
}

void RedisStore::openDirectRoom(int64_t userId, int64_t otherId, Callback<DirectRoom> done) {
  run(kOpenDirectRoom, {arg(userId), arg(otherId)},
      [](const std::vector<RedisReply>& rest) {
        return DirectRoom{decodeRoom(rest[0]), rest.size() > 1 && replyInt(rest[1]) != 0};
      },
      std::move(done));
}

}  // namespace chatd::store
