// Chooses and opens the store backend the configuration names, so that the
// composition code (app/Application.cc) names no backend: "sqlite" (the
// embedded default) or "redis" (a cluster node); and the bus and the
// presence board that go with it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reactor/EventLoop.h"
#include "reactor/WorkerPool.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"
#include "store/StoreMetrics.h"

namespace chatd::store {

struct StoreOptions {
  std::string backend = "sqlite";
  std::string dataDir;  // sqlite: the database is dataDir/chatd.db; the directory must exist
  uint32_t historyMax = 0;  // > 0: each room keeps its newest historyMax messages (MessageLog)
  // sqlite: where WAL checkpoints run (see SqliteStore::checkpointOn); null:
  // SQLite's own, inside a commit on the loop. Borrowed; outlives the store.
  reactor::WorkerPool* checkpointWorkers = nullptr;
  // redis: redis://[:password@]host[:port][/db] or unix:///path, one per
  // shard; the first is the directory (store/redis/RedisShards.h).
  std::vector<std::string> redisUrls;
  std::string keyPrefix = "chatd:";   // redis: every key's name starts with it
  uint64_t presenceLeaseMs = 5000;    // redis: how long a node's presence entries outlive it
  // redis, tests only: RedisStoreOptions::eraseSlice (unset: its default), so
  // that a short room log takes several slices.
  std::optional<uint32_t> redisEraseSlice;
  StoreMetrics* metrics = nullptr;    // borrowed; outlives the store, the bus and the board; null: not measured
};

// The opened store, or nullptr with `error` (an unknown backend included).
// Borrows the loop, which outlives the store.
std::unique_ptr<Store> openStore(reactor::EventLoop& loop, const StoreOptions& options, std::string& error);

// The bus to the other processes of the store: none for "sqlite" (a LocalBus),
// Redis pub/sub for "redis". Null with `error` as openStore.
std::unique_ptr<Bus> openBus(reactor::EventLoop& loop, const StoreOptions& options, std::string& error);

// "redis" only: the JWT secret every node shares (RedisSharedSecret.h), set
// to `candidate` by the first node; an error instead when the cluster's data
// is sharded over another number of instances (RedisShardCount.h).
void fetchClusterSecret(reactor::EventLoop& loop, const StoreOptions& options, const std::string& candidate,
                        std::function<void(std::optional<std::string> secret, const std::string& error)> done);

// Who is online across the nodes: in process for sqlite, in the store's
// Redis for redis. Null with `error` as openStore.
std::unique_ptr<PresenceBoard> openPresenceBoard(reactor::EventLoop& loop, const StoreOptions& options,
                                                 std::string& error);

}  // namespace chatd::store
