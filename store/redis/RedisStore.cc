#include "store/redis/RedisStore.h"

#include "reactor/Log.h"

namespace chatd::store {
namespace {

// Room 1, the lobby, as a fresh SQLite store has it; idempotent, run on every
// connect (a flushed or new Redis gets it back).
const RedisScript kEnsureLobby(R"LUA(
if redis.call('EXISTS', k_room(1)) == 0 then
  redis.call('HSET', k_room(1), 'name', 'lobby', 'kind', 'public', 'topic', 'Everyone starts here',
             'created_at', now_ms(), 'last_seq', 0)
  redis.call('ZADD', P .. 'rooms:public', 1, 1)
end
if tonumber(redis.call('GET', P .. 'room:next') or '0') < 1 then redis.call('SET', P .. 'room:next', 1) end
return {OK}
)LUA");

}  // namespace

RedisStore::RedisStore(reactor::EventLoop& loop, RedisStoreOptions options)
    : loop_(loop),
      prefix_(std::move(options.keyPrefix)),
      historyMax_(options.historyMax),
      redis_(loop, std::move(options.connection)) {
  redis_.onDisconnected([this](const std::string& reason) { disconnected(reason); });
  connect();
}

void RedisStore::connect() {
  redis_.connect();
  // Queued first, behind only AUTH and SELECT: every call made from now on
  // finds the lobby.
  kEnsureLobby.runText(redis_, prefix_, {}, [this](StoreStatus status, std::vector<RedisReply>) {
    if (status != StoreStatus::kOk) return;  // the connection drops, and the next connect tries again
    backoff_.reset();
    ready_ = true;
    LOG_INFO("redis store %s", everConnected_ ? "reconnected" : "connected");
    everConnected_ = true;
  });
}

void RedisStore::disconnected(const std::string& reason) {
  if (ready_ || !backoff_.failing()) LOG_WARN("redis store unavailable: %s; retrying", reason.c_str());
  ready_ = false;
  loop_.scheduleTimer(reconnect_, backoff_.nextDelayMs());
}

void RedisStore::handleTimer(reactor::Timer&) { connect(); }

}  // namespace chatd::store
