#include "store/redis/RedisStore.h"

#include <algorithm>

#include "reactor/Log.h"
#include "store/redis/RedisDecode.h"

namespace chatd::store {
namespace {

constexpr int64_t kLobby = 1;

// ARGV: lobby here (1/0), directory here (1/0). Room 1, the lobby, as a fresh
// SQLite store has it, on its shard; the room ids start after it, on the
// directory. Idempotent, run on every connect of each shard (a flushed or
// new Redis gets it back); {OK, 1} when it made the lobby (the directory
// lists it: here, or by the caller when it is another shard).
const RedisScript kEnsureLobby(R"LUA(
local lobby_here, directory_here = ARGV[2] == '1', ARGV[3] == '1'
local made = 0
if lobby_here and redis.call('EXISTS', k_room(1)) == 0 then
  redis.call('HSET', k_room(1), 'name', 'lobby', 'kind', 'public', 'topic', 'Everyone starts here',
             'created_at', now_ms(), 'last_seq', 0)
  made = 1
end
if directory_here then
  if made == 1 then redis.call('ZADD', P .. 'rooms:public', 1, 1) end
  if tonumber(redis.call('GET', P .. 'room:next') or '0') < 1 then redis.call('SET', P .. 'room:next', 1) end
end
return {OK, made}
)LUA");

}  // namespace

RedisStore::Shard::Shard(RedisStore& store, size_t index, RedisOptions options)
    : store(store), index(index), redis(store.loop_, std::move(options)) {}

RedisStore::RedisStore(reactor::EventLoop& loop, RedisStoreOptions options)
    : loop_(loop), prefix_(std::move(options.keyPrefix)), historyMax_(options.historyMax),
      eraseSlice_(std::max<uint32_t>(options.eraseSlice, 1)) {
  for (RedisOptions& connection : options.shards) {
    shards_.push_back(std::make_unique<Shard>(*this, shards_.size(), std::move(connection)));
  }
  for (const std::unique_ptr<Shard>& shard : shards_) {
    Shard& each = *shard;
    each.redis.onDisconnected([this, &each](const std::string& reason) { disconnected(each, reason); });
    connect(each);
  }
}

std::string RedisStore::name(const Shard& shard) const {
  return shards_.size() > 1 ? "redis store shard " + std::to_string(shard.index) : "redis store";
}

bool RedisStore::ready() {
  return std::all_of(shards_.begin(), shards_.end(), [](const std::unique_ptr<Shard>& shard) { return shard->ready; });
}

void RedisStore::connect(Shard& shard) {
  shard.redis.connect();
  const bool lobbyHere = &roomShard(kLobby) == &shard;
  const bool directoryHere = shard.index == kDirectoryShard;
  // Queued first, behind only AUTH and SELECT: every call made from now on
  // finds the lobby.
  auto ensured = [this, &shard, directoryHere](StoreStatus status, std::vector<RedisReply> rest) {
    if (status != StoreStatus::kOk) return;  // the connection drops, and the next connect tries again
    if (!directoryHere && !rest.empty() && replyInt(rest[0]) == 1) {
      directory().redis.command({"ZADD", prefix_ + "rooms:public", "1", "1"}, [](const RedisReply&) {});
    }
    shard.backoff.reset();
    shard.ready = true;
    LOG_INFO("%s %s", name(shard).c_str(), shard.everConnected ? "reconnected" : "connected");
    shard.everConnected = true;
  };
  kEnsureLobby.runText(shard.redis, prefix_, {lobbyHere ? "1" : "0", directoryHere ? "1" : "0"}, std::move(ensured));
}

void RedisStore::disconnected(Shard& shard, const std::string& reason) {
  if (shard.ready || !shard.backoff.failing()) {
    LOG_WARN("%s unavailable: %s; retrying", name(shard).c_str(), reason.c_str());
  }
  shard.ready = false;
  loop_.scheduleTimer(shard.reconnect, shard.backoff.nextDelayMs());
}

void RedisStore::dropAnnouncementsForTest(unsigned every) {
  dropAnnouncementsEvery_ = every;
  if (every != 0) LOG_WARN("redis store: test hook: every %u-th message is not published", every);
}

}  // namespace chatd::store
