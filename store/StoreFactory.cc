#include "store/StoreFactory.h"

#include "store/SqliteStore.h"
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

}  // namespace chatd::store
