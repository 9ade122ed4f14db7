#include "store/StoreFactory.h"

#include <cstdlib>

#include "store/LocalBus.h"
#include "store/LocalPresenceBoard.h"
#include "store/SqliteStore.h"
#include "store/redis/RedisBus.h"
#include "store/redis/RedisPresenceBoard.h"
#include "store/redis/RedisSharedSecret.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

std::optional<RedisAddress> redisAddress(const StoreOptions& options, std::string& error) {
  std::optional<RedisAddress> address = parseRedisUrl(options.redisUrl);
  if (!address) error = "not a Redis URL: \"" + options.redisUrl + "\"";
  return address;
}

}  // namespace

std::unique_ptr<Store> openStore(reactor::EventLoop& loop, const StoreOptions& options, std::string& error) {
  if (options.backend == "redis") {
    std::optional<RedisAddress> address = redisAddress(options, error);
    if (!address) return nullptr;
    return std::make_unique<RedisStore>(loop, RedisStoreOptions{{.address = std::move(*address)}, options.keyPrefix, options.historyMax});
  }
  if (options.backend != "sqlite") {
    error = "unknown store backend \"" + options.backend + "\"";
    return nullptr;
  }
  auto sqlite = SqliteStore::open(loop, options.dataDir + "/chatd.db", error, options.historyMax);
  if (!sqlite) return nullptr;
  if (options.checkpointWorkers && !sqlite->checkpointOn(*options.checkpointWorkers, error)) return nullptr;
  return sqlite;
}

std::unique_ptr<Bus> openBus(reactor::EventLoop& loop, const StoreOptions& options, std::string& error) {
  if (options.backend != "redis") return std::make_unique<LocalBus>();
  std::optional<RedisAddress> address = redisAddress(options, error);
  if (!address) return nullptr;
  auto bus = std::make_unique<RedisBus>(loop, RedisOptions{.address = std::move(*address)}, options.keyPrefix);
  // Tests only (cluster_publish_loss_test): see RedisBus::dropMessagePublishesForTest.
  if (const char* every = std::getenv("CHATD_TEST_DROP_PUBLISH")) {
    bus->dropMessagePublishesForTest(static_cast<unsigned>(std::strtoul(every, nullptr, 10)));
  }
  return bus;
}

void fetchClusterSecret(reactor::EventLoop& loop, const StoreOptions& options, const std::string& candidate,
                        std::function<void(std::optional<std::string> secret, const std::string& error)> done) {
  std::string error;
  std::optional<RedisAddress> address = redisAddress(options, error);
  if (!address) return done(std::nullopt, error);
  fetchSharedSecret(loop, RedisOptions{.address = std::move(*address)}, options.keyPrefix, candidate,
                    std::move(done));
}

std::unique_ptr<PresenceBoard> openPresenceBoard(reactor::EventLoop& loop, const StoreOptions& options,
                                                 std::string& error) {
  if (options.backend != "redis") return std::make_unique<LocalPresenceBoard>();
  std::optional<RedisAddress> address = redisAddress(options, error);
  if (!address) return nullptr;
  return std::make_unique<RedisPresenceBoard>(
      loop, RedisPresenceOptions{{.address = std::move(*address)}, options.keyPrefix, options.presenceLeaseMs});
}

}  // namespace chatd::store
