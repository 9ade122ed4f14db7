#include "store/redis/MessageScripts.h"

#include "store/redis/RoomEventWire.h"
#include "store/redis/RoomScripts.h"

#include <string>
#include <string_view>

namespace chatd::store::message_scripts {
namespace {

// What every message script has after the shared prelude: reading and
// writing message records (RedisKeys.h) and making the rows that
// MessageScripts.h describes.
constexpr std::string_view kHelpers = R"LUA(
local function k_log(room) return k_room_part(room, 'log') end
local function load_record(room, seq) return cmsgpack.unpack(redis.call('HGET', k_log(room), seq)) end
local function store_record(room, seq, m) redis.call('HSET', k_log(room), seq, cmsgpack.pack(m)) end
-- Message `id` of `room` unless it is missing or deleted: its seq and record.
local function live_message(room, id)
  local seq = redis.call('HGET', k_room_part(room, 'ids'), id)
  if not seq then return nil end
  local m = load_record(room, seq)
  if m[8] == 1 then return nil end
  return seq, m
end
-- Byte order (Lua's own < on strings follows the server's locale).
local function bytes_less(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local names_of = {}  -- sender id -> {username, nickname, avatar}: a page names each sender once
local function sender_names(id)
  local names = names_of[id]
  if not names then
    local f = redis.call('HMGET', k_user(id), 'username', 'nickname', 'avatar')
    names = {f[1] or '', f[2] or '', f[3] or ''}
    names_of[id] = names
  end
  return names
end
-- `reactions`: the message's packed reactions record, or false for none.
local function message_row(seq, m, reactions)
  local names = sender_names(m[2])
  local row = {m[1], tonumber(seq), m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9] or '', names[1], names[2], names[3]}
  if reactions then
    local by_emoji = cmsgpack.unpack(reactions)
    local emojis = {}
    for emoji in pairs(by_emoji) do emojis[#emojis + 1] = emoji end
    table.sort(emojis, bytes_less)
    for _, emoji in ipairs(emojis) do
      row[#row + 1] = emoji
      row[#row + 1] = #by_emoji[emoji]
    end
  end
  return row
end
local function reactions_of(room, m) return redis.call('HGET', k_room_part(room, 'reactions'), m[1]) end
-- Counts message `m`'s files in the room's `files` hash up (by 1) or down (by -1).
local function count_files(room, m, by)
  local files = k_room_part(room, 'files')
  for _, id in ipairs(m[10] or {}) do
    if redis.call('HINCRBY', files, id, by) <= 0 then redis.call('HDEL', files, id) end
  end
end
-- A message deleted: its seq kept, its content and details emptied, its
-- reactions dropped, its files no longer counted; answers their ids.
local function tombstone(room, seq, m)
  local files = m[10] or {}
  count_files(room, m, -1)
  m[4], m[8], m[9], m[10] = '', 1, '', nil
  store_record(room, seq, m)
  redis.call('HDEL', k_room_part(room, 'reactions'), m[1])
  return files
end
-- Stores message `id`'s reactions, {emoji: {user, ...}}, with no emoji of no
-- users, and no record at all for a message without reactions.
local function store_reactions(room, id, by_emoji)
  for emoji, users in pairs(by_emoji) do
    if #users == 0 then by_emoji[emoji] = nil end
  end
  if next(by_emoji) then
    redis.call('HSET', k_room_part(room, 'reactions'), id, cmsgpack.pack(by_emoji))
  else
    redis.call('HDEL', k_room_part(room, 'reactions'), id)
  end
end
)LUA";

std::string withHelpers(std::string_view body) { return std::string(kHelpers) + std::string(body); }

// The start of kMarkRead and kMarkReceived (ARGV: room, user, seq): a
// non-member is NOT_FOUND; `wanted` is the seq asked for, capped at the
// room's last; receive() moves the user's received mark forward only.
constexpr std::string_view kMarks = R"LUA(
local room, user = ARGV[2], ARGV[3]
if redis.call('HEXISTS', k_room_part(room, 'roles'), user) == 0 then return {NOT_FOUND} end
local wanted = math.min(tonumber(ARGV[4]), tonumber(redis.call('HGET', k_room(room), 'last_seq') or '0'))
local function receive(seq)
  local received = k_room_part(room, 'received')
  local mark = tonumber(redis.call('ZSCORE', received, user) or '0')
  if seq <= mark then return mark end
  redis.call('ZADD', received, seq, user)
  return seq
end
)LUA";

std::string withMarks(std::string_view body) { return std::string(kMarks) + std::string(body); }

// kAppend's announcement: the message's event as MessageAnnouncement.h and
// RoomEventWire.h make it, on the room's channel, and on the users' channels
// of a direct message where the users are here (RedisKeys.h names them).
constexpr std::string_view kAnnounce = R"LUA(
local function announce(room, sender, seq, m, users_here)
  local before_seq, after_seq, peer = ARGV[14], ARGV[15], ARGV[20]
  local payload = table.concat({ARGV[16], string.format('%d', m[1]), ARGV[17], string.format('%d', seq),
                                ARGV[18], string.format('%d', m[6]), ARGV[19]})
  local event = wire_event(before_seq, seq, after_seq, payload)
  redis.call('PUBLISH', k_room_part(room, 'events'), event)
  if users_here and peer ~= '0' then
    redis.call('PUBLISH', P .. 'user:' .. sender .. ':events', event)
    redis.call('PUBLISH', P .. 'user:' .. peer .. ':events', event)
  end
end
)LUA";

std::string withAnnounce(std::string_view body) {
  return std::string(kLuaRoomEventWire) + std::string(kAnnounce) + withHelpers(body);
}

}  // namespace

const RedisScript kAppend(withAnnounce(R"LUA(
local room, sender, content, client = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local keep, most_trimmed = tonumber(ARGV[6]), tonumber(ARGV[7])
local shards, shard, users_here = tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10] == '1'
if redis.call('EXISTS', k_room(room)) == 0 or (users_here and redis.call('EXISTS', k_user(sender)) == 0) then
  return {NOT_FOUND}
end
local clients, client_key = k_room_part(room, 'clients'), sender .. ':' .. client
if client ~= '' then
  local seq = redis.call('HGET', clients, client_key)
  if seq then return {OK, 1, message_row(seq, load_record(room, seq), false)} end
end
local seq = redis.call('HINCRBY', k_room(room), 'last_seq', 1)
local id = redis.call('INCR', P .. 'msg:next') * shards + shard
local m = {id, tonumber(sender), ARGV[11], content, client, now_ms(), 0, 0, ARGV[12]}
if ARGV[13] ~= '' then
  m[10] = {}
  for file in ARGV[13]:gmatch('[^,]+') do m[10][#m[10] + 1] = file end
  count_files(room, m, 1)
end
store_record(room, seq, m)
redis.call('HSET', k_room_part(room, 'ids'), m[1], seq)
if client ~= '' then redis.call('HSET', clients, client_key, seq) end
-- One has read what one wrote (a member's mark; seq is the room's newest).
if redis.call('HEXISTS', k_room_part(room, 'roles'), sender) == 1 then
  redis.call('HSET', k_room_part(room, 'reads'), sender, seq)
  redis.call('ZADD', k_room_part(room, 'received'), seq, sender)
end
-- Trimming: normally the one message that fell out of the newest `keep`.
if keep > 0 and seq > keep then
  local first = tonumber(redis.call('HGET', k_room(room), 'first_seq') or '1')
  local last_trimmed = math.min(seq - keep, first + most_trimmed - 1)
  if last_trimmed >= first then
    local ids, reactions = k_room_part(room, 'ids'), k_room_part(room, 'reactions')
    for s = first, last_trimmed do
      local packed = redis.call('HGET', k_log(room), s)
      if packed then
        local old = cmsgpack.unpack(packed)
        redis.call('HDEL', ids, old[1])
        redis.call('HDEL', reactions, old[1])
        count_files(room, old, -1)
        if old[5] ~= '' then redis.call('HDEL', clients, old[2] .. ':' .. old[5]) end
        redis.call('HDEL', k_log(room), s)
      end
    end
    redis.call('HSET', k_room(room), 'first_seq', last_trimmed + 1)
  end
end
if ARGV[14] ~= '' then announce(room, sender, seq, m, users_here) end
return {OK, 0, message_row(seq, m, false)}
)LUA"));

const RedisScript kPage(withHelpers(R"LUA(
local room, seq, limit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local bounds = redis.call('HMGET', k_room(room), 'last_seq', 'first_seq')
local last, first = tonumber(bounds[1] or '0'), tonumber(bounds[2] or '1')
local from, to
if ARGV[5] == 'after' then
  from = math.max(seq + 1, first)
  to = math.min(from + limit - 1, last)
else
  to = math.min(seq - 1, last)
  from = math.max(to - limit + 1, first)
end
local answer = {OK, first}
if from > to then return answer end
-- Seqs are dense: the page is one HMGET of its range, and one of its reactions.
local fields = {}
for s = from, to do fields[#fields + 1] = s end
local records = redis.call('HMGET', k_log(room), unpack(fields))
local seqs, messages, ids = {}, {}, {}
for i = 1, #fields do
  if records[i] then
    local m = cmsgpack.unpack(records[i])
    seqs[#seqs + 1], messages[#messages + 1], ids[#ids + 1] = fields[i], m, m[1]
  end
end
if #ids == 0 then return answer end
local reactions = redis.call('HMGET', k_room_part(room, 'reactions'), unpack(ids))
for i = 1, #ids do answer[#answer + 1] = message_row(seqs[i], messages[i], reactions[i]) end
return answer
)LUA"));

const RedisScript kMarkRead(withMarks(R"LUA(
local reads = k_room_part(room, 'reads')
local mark = tonumber(redis.call('HGET', reads, user) or '0')
if wanted > mark then
  mark = wanted
  redis.call('HSET', reads, user, mark)
end
receive(mark)  -- reading implies receipt
return {OK, mark}
)LUA"));

const RedisScript kMarkReceived(withMarks("return {OK, receive(wanted)}\n"));

const RedisScript kWatermarks(R"LUA(
local room = ARGV[2]
local received = redis.call('ZREVRANGEBYSCORE', k_room_part(room, 'received'), '+inf', ARGV[3], 'WITHSCORES',
                            'LIMIT', 0, ARGV[4])
local answer = {OK}
if #received == 0 then return answer end
local users = {}
for i = 1, #received, 2 do users[#users + 1] = received[i] end
local reads = redis.call('HMGET', k_room_part(room, 'reads'), unpack(users))
for i = 1, #users do
  answer[#answer + 1] = tonumber(users[i])
  answer[#answer + 1] = tonumber(received[2 * i])
  answer[#answer + 1] = tonumber(reads[i] or '0')
end
return answer
)LUA");

const RedisScript kFind(withHelpers(R"LUA(
local room = ARGV[2]
local seq = redis.call('HGET', k_room_part(room, 'ids'), ARGV[3])
if not seq then return {NOT_FOUND} end
local m = load_record(room, seq)
return {OK, message_row(seq, m, reactions_of(room, m))}
)LUA"));

const RedisScript kEdit(withHelpers(R"LUA(
local room = ARGV[2]
local seq, m = live_message(room, ARGV[3])
if not seq then return {NOT_FOUND} end
m[4], m[7] = ARGV[4], now_ms()
store_record(room, seq, m)
return {OK, message_row(seq, m, reactions_of(room, m))}
)LUA"));

const RedisScript kDelete(withHelpers(R"LUA(
local room = ARGV[2]
local seq, m = live_message(room, ARGV[3])
if not seq then return {NOT_FOUND} end
local files = tombstone(room, seq, m)
local answer = {OK, message_row(seq, m, false)}
for _, file in ipairs(files) do answer[#answer + 1] = file end
return answer
)LUA"));

const RedisScript kToggleReaction(withHelpers(R"LUA(
local room, user, emoji, max = ARGV[2], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local users_here = ARGV[7] == '1'
local seq, m = live_message(room, ARGV[3])
if not seq then return {NOT_FOUND} end
local reactions = k_room_part(room, 'reactions')
local packed = redis.call('HGET', reactions, m[1])
local by_emoji = packed and cmsgpack.unpack(packed) or {}
local users = by_emoji[emoji] or {}
local at
for i, id in ipairs(users) do
  if id == user then at = i end
end
if at then
  table.remove(users, at)
else
  if users_here and redis.call('EXISTS', k_user(user)) == 0 then return {NOT_FOUND} end
  local mine = 0
  for _, others in pairs(by_emoji) do
    for _, id in ipairs(others) do
      if id == user then mine = mine + 1 end
    end
  end
  if mine >= max then return {OVER_QUOTA} end
  users[#users + 1] = user
end
by_emoji[emoji] = users
store_reactions(room, m[1], by_emoji)
return {OK, message_row(seq, m, false), at and 0 or 1, #users}
)LUA"));

// Tombstones as kDelete, and leaves the room as kRemoveMember would (the
// owner too), in slices of at most `budget` seqs so that a long log does not
// hold the instance for long.
const RedisScript kEraseUser(std::string(room_scripts::kLuaMembership) + withHelpers(R"LUA(
local room, user, from, budget = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local bounds = redis.call('HMGET', k_room(room), 'last_seq', 'first_seq')
if not bounds[1] then return {OK, 0} end
local last = tonumber(bounds[1])
from = math.max(from, tonumber(bounds[2] or '1'))
local to = math.min(from + budget - 1, last)
if from <= to then
  local fields = {}
  for s = from, to do fields[#fields + 1] = s end
  local records = redis.call('HMGET', k_log(room), unpack(fields))
  local reactions = k_room_part(room, 'reactions')
  for i = 1, #fields do
    if records[i] then
      local m = cmsgpack.unpack(records[i])
      if m[2] == user then
        if m[8] ~= 1 then tombstone(room, fields[i], m) end
      else
        local packed = redis.call('HGET', reactions, m[1])
        if packed then
          local by_emoji = cmsgpack.unpack(packed)
          for _, users in pairs(by_emoji) do
            for at = #users, 1, -1 do
              if users[at] == user then table.remove(users, at) end
            end
          end
          store_reactions(room, m[1], by_emoji)
        end
      end
    end
  end
end
if to < last then return {OK, to + 1} end
drop_member(room, user)
return {OK, 0}
)LUA"));

}  // namespace chatd::store::message_scripts
