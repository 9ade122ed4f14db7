#include "store/redis/RedisPresenceBoard.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "store/redis/RedisDecode.h"

namespace chatd::store {
namespace {

// What the board's scripts share, after RedisScript's prelude. A change is
// told back as room, user, online (1: came online anywhere, 0: went offline
// everywhere), flat in one list.
constexpr std::string_view kBoardHelpers = R"LUA(
local NODES, ANYWHERE = P .. 'nodes', P .. 'online'
local function k_node(owner) return P .. 'node:' .. owner .. ':presence' end
local function split(pair) return string.match(pair, '^(%d+):(%d+)$') end
local changes = {}
local function told(room, user, online)
  changes[#changes + 1] = tonumber(room)
  changes[#changes + 1] = tonumber(user)
  changes[#changes + 1] = online
end
-- One more owner has the user in the room: told when it is the first.
-- Room 0 (anywhere) also keeps its users in a set scored by id, for pages.
local function hold(room, user)
  if redis.call('HINCRBY', k_room_part(room, 'online'), user, 1) ~= 1 then return end
  if room == '0' then redis.call('ZADD', ANYWHERE, user, user) end
  told(room, user, 1)
end
-- One owner fewer: told when it was the last.
local function release(room, user)
  local key = k_room_part(room, 'online')
  if redis.call('HINCRBY', key, user, -1) > 0 then return end
  redis.call('HDEL', key, user)
  if room == '0' then redis.call('ZREM', ANYWHERE, user) end
  told(room, user, 0)
end
)LUA";

std::string withHelpers(std::string_view body) { return std::string(kBoardHelpers) + std::string(body); }

// ARGV: owner, room, user.
const RedisScript kArrive(withHelpers(R"LUA(
if redis.call('SADD', k_node(ARGV[2]), ARGV[3] .. ':' .. ARGV[4]) == 1 then hold(ARGV[3], ARGV[4]) end
return {OK, changes}
)LUA"));

// ARGV: owner, room, user.
const RedisScript kDepart(withHelpers(R"LUA(
if redis.call('SREM', k_node(ARGV[2]), ARGV[3] .. ':' .. ARGV[4]) == 1 then release(ARGV[3], ARGV[4]) end
return {OK, changes}
)LUA"));

// ARGV: owner, lease (ms). Sweeps the other owners whose lease ran out,
// then renews this one's; answers the changes and whether this owner's
// lease was new (first tick, or swept meanwhile).
const RedisScript kTick(withHelpers(R"LUA(
local owner, now = ARGV[2], now_ms()
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', NODES, '-inf', now)) do
  if dead ~= owner then
    for _, pair in ipairs(redis.call('SMEMBERS', k_node(dead))) do release(split(pair)) end
    redis.call('DEL', k_node(dead))
    redis.call('ZREM', NODES, dead)
  end
end
local fresh = redis.call('ZADD', NODES, now + tonumber(ARGV[3]), owner)
return {OK, changes, fresh}
)LUA"));

// ARGV: owner, then every "room:user" pair it should hold. Makes its
// entries exactly those.
const RedisScript kResync(withHelpers(R"LUA(
local set, wanted = k_node(ARGV[2]), {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end
for _, pair in ipairs(redis.call('SMEMBERS', set)) do
  if not wanted[pair] then
    redis.call('SREM', set, pair)
    release(split(pair))
  end
end
for i = 3, #ARGV do
  if redis.call('SADD', set, ARGV[i]) == 1 then hold(split(ARGV[i])) end
end
return {OK, changes}
)LUA"));

// ARGV: room, limit. Answers how many users are online in the room and at
// most `limit` of their ids. HSCAN may repeat an entry: repeats are skipped.
const RedisScript kOnline(R"LUA(
local key, limit = k_room_part(ARGV[2], 'online'), tonumber(ARGV[3])
local count = redis.call('HLEN', key)
if count <= limit then return {OK, count, redis.call('HKEYS', key)} end
local ids, seen, cursor = {}, {}, '0'
repeat
  local page = redis.call('HSCAN', key, cursor, 'COUNT', limit)
  cursor = page[1]
  for i = 1, #page[2], 2 do
    local id = page[2][i]
    if #ids < limit and not seen[id] then
      seen[id] = true
      ids[#ids + 1] = id
    end
  end
until cursor == '0' or #ids >= limit
return {OK, count, ids}
)LUA");

// ARGV: after (a user id), limit. Answers how many users are online
// anywhere and the first `limit` ids after `after`.
const RedisScript kOnlineAnywhere(R"LUA(
local key = P .. 'online'
return {OK, redis.call('ZCARD', key),
        redis.call('ZRANGEBYSCORE', key, '(' .. ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))}
)LUA");

std::string randomOwner() {
  std::random_device random;
  const uint64_t id = (static_cast<uint64_t>(random()) << 32) | random();
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(id));
  return hex;
}

}  // namespace

RedisPresenceBoard::RedisPresenceBoard(reactor::EventLoop& loop, RedisPresenceOptions options)
    : loop_(loop),
      prefix_(std::move(options.keyPrefix)),
      leaseMs_(std::max<uint64_t>(options.leaseMs, 3)),
      owner_(randomOwner()),
      redis_(loop, std::move(options.connection)) {
  redis_.onDisconnected([this](const std::string&) { resyncDue_ = true; });
  handleTimer(tick_);  // the lease from the start
}

void RedisPresenceBoard::arrive(int64_t roomId, int64_t userId) {
  mine_.emplace(roomId, userId);
  change(kArrive, roomId, userId);
}

void RedisPresenceBoard::depart(int64_t roomId, int64_t userId) {
  mine_.erase({roomId, userId});
  change(kDepart, roomId, userId);
}

void RedisPresenceBoard::change(const RedisScript& script, int64_t roomId, int64_t userId) {
  script.run(redis_, prefix_, {owner_, std::to_string(roomId), std::to_string(userId)},
             [this](StoreStatus status, std::vector<RedisReply> rest) {
               if (status != StoreStatus::kOk || rest.empty()) {
                 resyncDue_ = true;
                 return;
               }
               tell(rest[0]);
             });
}

void RedisPresenceBoard::online(int64_t roomId, size_t limit, OnlineAnswer done) {
  ask(kOnline, {std::to_string(roomId), std::to_string(limit)}, std::move(done));
}

void RedisPresenceBoard::onlineAnywhere(int64_t afterUserId, size_t limit, OnlineAnswer done) {
  ask(kOnlineAnywhere, {std::to_string(afterUserId), std::to_string(limit)}, std::move(done));
}

void RedisPresenceBoard::ask(const RedisScript& script, std::vector<std::string> args, OnlineAnswer done) {
  script.run(redis_, prefix_, std::move(args), [done = std::move(done)](StoreStatus status, std::vector<RedisReply> rest) {
    OnlineUsers online;
    if (status == StoreStatus::kOk && rest.size() >= 2) {
      online.count = static_cast<size_t>(std::max<int64_t>(replyInt(rest[0]), 0));
      online.userIds.reserve(rest[1].elements.size());
      for (const RedisReply& id : rest[1].elements) online.userIds.push_back(replyInt(id));
    }
    done(std::move(online));
  });
}

void RedisPresenceBoard::handleTimer(reactor::Timer&) {
  loop_.scheduleTimer(tick_, leaseMs_ / 3);
  redis_.connect();  // no-op while connected or connecting
  kTick.run(redis_, prefix_, {owner_, std::to_string(leaseMs_)},
            [this](StoreStatus status, std::vector<RedisReply> rest) {
              if (status != StoreStatus::kOk || rest.size() < 2) {
                resyncDue_ = true;
                return;
              }
              tell(rest[0]);
              if (replyInt(rest[1]) == 1 || resyncDue_) resync();
            });
}

void RedisPresenceBoard::resync() {
  resyncDue_ = false;
  std::vector<std::string> pairs;
  pairs.reserve(mine_.size() + 1);
  pairs.push_back(owner_);
  for (const auto& [roomId, userId] : mine_) pairs.push_back(std::to_string(roomId) + ":" + std::to_string(userId));
  kResync.run(redis_, prefix_, std::move(pairs), [this](StoreStatus status, std::vector<RedisReply> rest) {
    if (status != StoreStatus::kOk || rest.empty()) {
      resyncDue_ = true;
      return;
    }
    tell(rest[0]);
  });
}

void RedisPresenceBoard::tell(const RedisReply& changes) {
  const std::vector<RedisReply>& flat = changes.elements;
  for (size_t i = 0; i + 2 < flat.size() && listener_; i += 3) {
    const int64_t roomId = replyInt(flat[i]);
    const int64_t userId = replyInt(flat[i + 1]);
    if (replyInt(flat[i + 2]) == 1) {
      listener_->cameOnline(roomId, userId);
    } else {
      listener_->wentOffline(roomId, userId);
    }
  }
}

}  // namespace chatd::store
