#include "store/StoreFactory.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdlib>

#include "store/LocalBus.h"
#include "store/LocalPresenceBoard.h"
#include "store/SqliteStore.h"
#include "store/redis/RedisBus.h"
#include "store/redis/RedisPresenceBoard.h"
#include "store/redis/RedisShardCount.h"
#include "store/redis/RedisSharedSecret.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

// A host name as the numeric address it has now. hiredis resolves names
// inside its connect, blocking the loop at every reconnect while DNS takes
// its time; resolved here, at start, it never does (a Redis that moves to
// another address needs a restart, or a name chatd is restarted with).
bool resolveHost(RedisAddress& address, std::string& error) {
  if (address.host.empty()) return true;  // a unix socket
  // IPv4 first, then IPv6, as hiredis itself resolves.
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(address.host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    hints.ai_family = AF_INET6;
    rc = getaddrinfo(address.host.c_str(), nullptr, &hints, &found);
  }
  if (rc != 0) {
    error = "cannot resolve the Redis host \"" + address.host + "\": " + gai_strerror(rc);
    return false;
  }
  char numeric[NI_MAXHOST];
  rc = getnameinfo(found->ai_addr, found->ai_addrlen, numeric, sizeof numeric, nullptr, 0, NI_NUMERICHOST);
  freeaddrinfo(found);
  if (rc != 0) {
    error = "cannot resolve the Redis host \"" + address.host + "\": " + gai_strerror(rc);
    return false;
  }
  address.host = numeric;
  return true;
}

// One connection's options per shard, the directory first.
std::optional<std::vector<RedisOptions>> redisShards(const StoreOptions& options, std::string& error) {
  if (options.redisUrls.empty()) {
    error = "no Redis URL";
    return std::nullopt;
  }
  std::vector<RedisOptions> shards;
  for (const std::string& url : options.redisUrls) {
    std::optional<RedisAddress> address = parseRedisUrl(url);
    if (!address) {
      error = "not a Redis URL: \"" + url + "\"";
      return std::nullopt;
    }
    if (!resolveHost(*address, error)) return std::nullopt;
    shards.push_back(RedisOptions{.address = std::move(*address),
                                  .commandMetrics = options.metrics ? &options.metrics->redisCommand : nullptr});
  }
  return shards;
}

}  // namespace

std::unique_ptr<Store> openStore(reactor::EventLoop& loop, const StoreOptions& options, std::string& error) {
  if (options.backend == "redis") {
    std::optional<std::vector<RedisOptions>> shards = redisShards(options, error);
    if (!shards) return nullptr;
    RedisStoreOptions redisOptions{std::move(*shards), options.keyPrefix, options.historyMax};
    if (options.redisEraseSlice) redisOptions.eraseSlice = *options.redisEraseSlice;
    auto redis = std::make_unique<RedisStore>(loop, std::move(redisOptions));
    // Tests only (cluster_outage_test): see RedisStore::dropAnnouncementsForTest.
    if (const char* every = std::getenv("CHATD_TEST_DROP_PUBLISH")) {
      redis->dropAnnouncementsForTest(static_cast<unsigned>(std::strtoul(every, nullptr, 10)));
    }
    return redis;
  }
  if (options.backend != "sqlite") {
    error = "unknown store backend \"" + options.backend + "\"";
    return nullptr;
  }
  auto sqlite = SqliteStore::open(loop, options.dataDir + "/chatd.db", error, options.historyMax);
  if (!sqlite) return nullptr;
  sqlite->measureWith(options.metrics);
  if (options.checkpointWorkers && !sqlite->checkpointOn(*options.checkpointWorkers, error)) return nullptr;
  return sqlite;
}

std::unique_ptr<Bus> openBus(reactor::EventLoop& loop, const StoreOptions& options, std::string& error) {
  if (options.backend != "redis") return std::make_unique<LocalBus>();
  std::optional<std::vector<RedisOptions>> shards = redisShards(options, error);
  if (!shards) return nullptr;
  return std::make_unique<RedisBus>(loop, std::move(*shards), options.keyPrefix);
}

void fetchClusterSecret(reactor::EventLoop& loop, const StoreOptions& options, const std::string& candidate,
                        std::function<void(std::optional<std::string> secret, const std::string& error)> done) {
  std::string error;
  std::optional<std::vector<RedisOptions>> shards = redisShards(options, error);
  if (!shards) return done(std::nullopt, error);
  const RedisOptions directory = shards->front();
  auto counted = [&loop, directory, prefix = options.keyPrefix, candidate,
                  done = std::move(done)](const std::string& refused) {
    if (!refused.empty()) return done(std::nullopt, refused);
    fetchSharedSecret(loop, directory, prefix, candidate, done);
  };
  checkShardCount(loop, directory, options.keyPrefix, shards->size(), std::move(counted));
}

std::unique_ptr<PresenceBoard> openPresenceBoard(reactor::EventLoop& loop, const StoreOptions& options,
                                                 std::string& error) {
  if (options.backend != "redis") return std::make_unique<LocalPresenceBoard>();
  // On the directory: presence changes with sessions, not per message.
  std::optional<std::vector<RedisOptions>> shards = redisShards(options, error);
  if (!shards) return nullptr;
  return std::make_unique<RedisPresenceBoard>(
      loop, RedisPresenceOptions{std::move(shards->front()), options.keyPrefix, options.presenceLeaseMs});
}

}  // namespace chatd::store
