// Chooses and opens the store backend the configuration names, so that the
// composition code (app/Application.cc) names no backend: "sqlite" (the
// embedded default) or "redis" (a cluster node); and the presence board that
// goes with it.
#pragma once

#include <memory>
#include <string>

#include "reactor/EventLoop.h"
#include "reactor/WorkerPool.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::store {

struct StoreOptions {
  std::string backend = "sqlite";
  std::string dataDir;  // sqlite: the database is dataDir/chatd.db; the directory must exist
  // sqlite: where WAL checkpoints run (see SqliteStore::checkpointOn); null:
  // SQLite's own, inside a commit on the loop. Borrowed; outlives the store.
  reactor::WorkerPool* checkpointWorkers = nullptr;
  std::string redisUrl;               // redis: redis://[:password@]host[:port][/db] or unix:///path
  std::string keyPrefix = "chatd:";   // redis: every key's name starts with it
  uint64_t presenceLeaseMs = 5000;    // redis: how long a node's presence entries outlive it
};

// The opened store, or nullptr with `error` (an unknown backend included).
// Borrows the loop, which outlives the store.
std::unique_ptr<Store> openStore(reactor::EventLoop& loop, const StoreOptions& options, std::string& error);

// Who is online across the nodes: in process for sqlite, in the store's
// Redis for redis. Null with `error` as openStore.
std::unique_ptr<PresenceBoard> openPresenceBoard(reactor::EventLoop& loop, const StoreOptions& options,
                                                 std::string& error);

}  // namespace chatd::store
