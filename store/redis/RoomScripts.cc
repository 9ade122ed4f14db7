#include "store/redis/RoomScripts.h"

#include <string>
#include <string_view>

#include "store/Store.h"

namespace chatd::store::room_scripts {
namespace {

// The Lua below names roles by MemberRole's integers, as room:<id>:roles stores them.
static_assert(static_cast<int>(MemberRole::kNone) == 0 && static_cast<int>(MemberRole::kMember) == 1 &&
              static_cast<int>(MemberRole::kOwner) == 3);

// What the room scripts share, after RedisScript's prelude and kLuaMembership.
constexpr std::string_view kRoomHelpers = R"LUA(
local MEMBER, OWNER = 1, 3
local function exists(key) return redis.call('EXISTS', key) == 1 end
-- A room as `user` sees it (RoomScripts.h); false when there is no room.
local function room_row(id, user)
  local f = redis.call('HMGET', k_room(id), 'name', 'kind', 'topic', 'created_at', 'last_seq')
  if not f[1] then return false end
  return {tonumber(id), f[1], f[2], f[3], tonumber(f[4] or 0), tonumber(f[5] or 0),
          tonumber(redis.call('HGET', k_room_part(id, 'roles'), user) or 0),
          tonumber(redis.call('HGET', k_room_part(id, 'reads'), user) or 0)}
end
-- A membership as {role, joined_at}.
local function member_row(room, user)
  return {tonumber(redis.call('HGET', k_room_part(room, 'roles'), user) or 0),
          tonumber(redis.call('ZSCORE', k_room_part(room, 'joined'), pad(user)) or 0)}
end
-- Makes `user` a member with `role` unless already one (whatever the role);
-- true when added. The directory lists the room in the user's rooms after.
local function add_member(room, user, role, now)
  if redis.call('HSETNX', k_room_part(room, 'roles'), user, role) == 0 then return false end
  redis.call('ZADD', k_room_part(room, 'joined'), now, pad(user))
  return true
end
)LUA";

RedisScript roomScript(std::string_view body) {
  return RedisScript(std::string(kLuaMembership) + std::string(kRoomHelpers) + std::string(body));
}

}  // namespace

// Defined before the scripts below, which are made from it at start.
const std::string_view kLuaMembership = R"LUA(
-- A member of room:<id>:joined: zero-padded, so that members who joined in
-- one millisecond sort by user id.
local function pad(id) return string.format('%020d', tonumber(id)) end
local function drop_member(room, user)
  redis.call('HDEL', k_room_part(room, 'roles'), user)
  redis.call('HDEL', k_room_part(room, 'reads'), user)
  redis.call('ZREM', k_room_part(room, 'received'), user)
  redis.call('ZREM', k_room_part(room, 'joined'), pad(user))
end
)LUA";

const RedisScript kRoomRows = roomScript(R"LUA(
local rows = {}
for i = 3, #ARGV do
  local row = room_row(ARGV[i], ARGV[2])
  if row then rows[#rows + 1] = row end
end
return {OK, rows}
)LUA");

const RedisScript kFindRoom = roomScript(R"LUA(
local row = room_row(ARGV[2], ARGV[3])
if not row then return {NOT_FOUND} end
return {OK, row}
)LUA");

const RedisScript kMakeRoom = roomScript(R"LUA(
local id, name, kind, owner, now, topic = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
redis.call('HSET', k_room(id), 'name', name, 'kind', kind, 'created_at', now, 'last_seq', 0)
if topic then redis.call('HSET', k_room(id), 'topic', topic) end
add_member(id, owner, OWNER, now)
return {OK, room_row(id, owner)}
)LUA");

const RedisScript kJoinRoom = roomScript(R"LUA(
local room, user = ARGV[2], ARGV[3]
if not exists(k_room(room)) then return {NOT_FOUND} end
add_member(room, user, MEMBER, now_ms())
return {OK, room_row(room, user)}
)LUA");

const RedisScript kSetMemberRole = roomScript(R"LUA(
local room, user, role = ARGV[2], ARGV[3], tonumber(ARGV[4])
if not exists(k_room(room)) then return {NOT_FOUND} end
local roles = k_room_part(room, 'roles')
if tonumber(redis.call('HGET', roles, user) or 0) == OWNER then
  return {role == OWNER and OK or CONFLICT, member_row(room, user)}
end
if not add_member(room, user, role, now_ms()) then redis.call('HSET', roles, user, role) end
return {OK, member_row(room, user)}
)LUA");

const RedisScript kRemoveMember = roomScript(R"LUA(
local room, user = ARGV[2], ARGV[3]
local role = tonumber(redis.call('HGET', k_room_part(room, 'roles'), user) or 0)
if role == 0 then return {NOT_FOUND} end
if role == OWNER then return {CONFLICT} end
drop_member(room, user)
return {OK, 1}
)LUA");

const RedisScript kDeleteRoom = roomScript(R"LUA(
local room = ARGV[2]
if not exists(k_room(room)) then return {NOT_FOUND} end
local roles = redis.call('HGETALL', k_room_part(room, 'roles'))
local direct = redis.call('HGET', k_room(room), 'direct')
local keys = {k_room(room)}
for _, part in ipairs({'roles', 'joined', 'reads', 'received', 'log', 'ids', 'clients', 'reactions', 'files'}) do
  keys[#keys + 1] = k_room_part(room, part)
end
redis.call('DEL', unpack(keys))
return {OK, roles, direct}
)LUA");

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
  local user = tonumber(m)
  local row = member_row(room, user)
  rows[#rows + 1] = {user, row[1], row[2]}
end
return {OK, rows}
)LUA");

// Two first uses at once (on one node or two) got one id from the
// directory, and make one room here.
const RedisScript kMakeDirectRoom = roomScript(R"LUA(
local id, pair, name, user, other = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local now, made = now_ms(), 0
if not exists(k_room(id)) then
  redis.call('HSET', k_room(id), 'name', name, 'kind', 'direct', 'created_at', now, 'last_seq', 0, 'direct', pair)
  made = 1
end
add_member(id, user, MEMBER, now)
add_member(id, other, MEMBER, now)
return {OK, room_row(id, user), made}
)LUA");

const RedisScript kListRoomIds(R"LUA(
local user, after, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local ids, seen = {}, {}
for _, key in ipairs({P .. 'rooms:public', k_user(user) .. ':rooms'}) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '(' .. after, '+inf', 'LIMIT', 0, limit)) do
    if not seen[id] then
      seen[id] = true
      ids[#ids + 1] = tonumber(id)
    end
  end
end
table.sort(ids)
return {OK, ids}
)LUA");

// The owner's rooms of the last hour are trimmed and counted in the same
// script, so creates racing on two nodes see each other.
const RedisScript kClaimRoomId(R"LUA(
local owner, per_hour = ARGV[2], tonumber(ARGV[3])
if redis.call('EXISTS', k_user(owner)) == 0 then return {NOT_FOUND} end
local now = now_ms()
local created = k_user(owner) .. ':created'
redis.call('ZREMRANGEBYSCORE', created, '-inf', now - 3600000)  -- older than an hour
if per_hour > 0 and redis.call('ZCARD', created) >= per_hour then
  return {OVER_QUOTA, tonumber(redis.call('ZRANGE', created, 0, 0, 'WITHSCORES')[2])}
end
local id = redis.call('INCR', P .. 'room:next')
redis.call('ZADD', created, now, id)
return {OK, id, now}
)LUA");

const RedisScript kListRoom(R"LUA(
local room = ARGV[2]
if ARGV[3] == '1' then redis.call('ZADD', P .. 'rooms:public', room, room) end
for i = 4, #ARGV do redis.call('ZADD', k_user(ARGV[i]) .. ':rooms', room, room) end
return {OK}
)LUA");

const RedisScript kUnlistRoom(R"LUA(
local room, pair = ARGV[2], ARGV[3]
for i = 4, #ARGV, 2 do
  redis.call('ZREM', k_user(ARGV[i]) .. ':rooms', room)
  if ARGV[i + 1] == '1' then redis.call('ZREM', k_user(ARGV[i]) .. ':created', room) end
end
if pair ~= '' and redis.call('HGET', P .. 'direct', pair) == room then redis.call('HDEL', P .. 'direct', pair) end
redis.call('ZREM', P .. 'rooms:public', room)
return {OK}
)LUA");

const RedisScript kClaimDirectRoomId(R"LUA(
local user, other = ARGV[2], ARGV[3]
local lo, hi = math.min(tonumber(user), tonumber(other)), math.max(tonumber(user), tonumber(other))
local lo_row, hi_row = user_row(lo), user_row(hi)
if not lo_row or not hi_row then return {NOT_FOUND} end
local pair = lo .. ':' .. hi
local id = redis.call('HGET', P .. 'direct', pair)
if not id then
  id = redis.call('INCR', P .. 'room:next')
  redis.call('HSET', P .. 'direct', pair, id)
end
return {OK, tonumber(id), pair, lo_row[2] .. ' & ' .. hi_row[2]}
)LUA");

}  // namespace chatd::store::room_scripts
