#include "store/StoreFactory.h"

#include "store/LocalBus.h"
#include "store/SqliteStore.h"
#include "store/redis/RedisBus.h"
#include "store/redis/RedisSharedSecret.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {

std::unique_ptr<Store> openStore(reactor::EventLoop& loop, const StoreOptions& options, std::string& error) {
  if (options.backend == "redis") {
    std::optional<RedisAddress> address = parseRedisUrl(options.redisUrl);
    if (!address) {
      error = "not a Redis URL: \"" + options.redisUrl + "\"";
      return nullptr;
    }
    return std::make_unique<RedisStore>(loop, RedisStoreOptions{{.address = std::move(*address)}, options.keyPrefix});
  }
  if (options.backend != "sqlite") {
    error = "unknown store backend \"" + options.backend + "\"";
    return nullptr;
  }
  auto sqlite = SqliteStore::open(loop, options.dataDir + "/chatd.db", error);
  if (!sqlite) return nullptr;
  if (options.checkpointWorkers && !sqlite->checkpointOn(*options.checkpointWorkers, error)) return nullptr;
  return sqlite;
}

std::unique_ptr<Bus> openBus(reactor::EventLoop& loop, const StoreOptions& options) {
  if (options.backend != "redis") return std::make_unique<LocalBus>();
  return std::make_unique<RedisBus>(loop, RedisOptions{.address = *parseRedisUrl(options.redisUrl)},
                                    options.keyPrefix);
}

void fetchClusterSecret(reactor::EventLoop& loop, const StoreOptions& options, const std::string& candidate,
                       std::function<void(std::optional<std::string> secret, const std::string& error)> done) {
  fetchSharedSecret(loop, RedisOptions{.address = *parseRedisUrl(options.redisUrl)}, options.keyPrefix, candidate,
                    std::move(done));
}

}  // namespace chatd::store
