// The store contract: what every backend of store/Store.h must do, as
// GoogleTest typed tests run once per backend in StoreBackends. A backend
// type opens a fresh, empty store (one with only the lobby) and can reopen
// the same data, as a restarted server would. tests/unit/store_contract_*
// hold the tests; what only one backend does (SQLite's schema, group commit,
// checkpoints) stays in that backend's own tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reactor/EventLoop.h"
#include "store/StoreFactory.h"
#include "tests/unit/redis_server.h"

namespace chatd::store {

// SQLite through the factory, in a fresh /tmp directory removed afterwards.
class SqliteBackend {
 public:
  SqliteBackend() {
    char name[] = "/tmp/chatd-contract-XXXXXX";
    EXPECT_NE(mkdtemp(name), nullptr);
    dir_ = name;
  }
  uint32_t historyMax = 0;  // the next open()'s --history-max
  ~SqliteBackend() {
    for (const char* file : {"/chatd.db", "/chatd.db-wal", "/chatd.db-shm"}) unlink((dir_ + file).c_str());
    rmdir(dir_.c_str());
  }
  std::unique_ptr<Store> open(reactor::EventLoop& loop) {
    std::string error;
    StoreOptions options;
    options.dataDir = dir_;
    options.historyMax = historyMax;
    auto store = openStore(loop, options, error);
    EXPECT_TRUE(store) << error;
    return store;
  }

 private:
  std::string dir_;
};

// Redis through the factory: one throwaway redis-server for the whole test
// binary (two for `kShards` 2: the rooms sharded over both), and a key
// prefix of its own per backend object, so that each test starts from an
// empty store and a reopen finds the same data.
template <size_t kShards>
class RedisShardsBackend {
 public:
  RedisShardsBackend() : prefix_(test::uniqueKeyPrefix("contract")) {}
  uint32_t historyMax = 0;  // the next open()'s --history-max
  std::unique_ptr<Store> open(reactor::EventLoop& loop) {
    std::string error;
    StoreOptions options;
    options.backend = "redis";
    for (test::RedisServer* server : {&test::sharedRedisServer(), &test::sharedSecondRedisServer()}) {
      if (options.redisUrls.size() == kShards) break;
      EXPECT_TRUE(server->ready()) << "redis-server did not start";
      options.redisUrls.push_back(server->url());
    }
    options.keyPrefix = prefix_;
    options.historyMax = historyMax;
    options.redisEraseSlice = kEraseSlice;
    auto store = openStore(loop, options, error);
    EXPECT_TRUE(store) << error;
    return store;
  }
  const std::string& prefix() const { return prefix_; }
  // A deleted user's erasure walks the room logs this many seqs at a time:
  // short, so that a test's room takes several slices.
  static constexpr uint32_t kEraseSlice = 4;

 private:
  std::string prefix_;
};
using RedisBackend = RedisShardsBackend<1>;
using ShardedRedisBackend = RedisShardsBackend<2>;

using StoreBackends = ::testing::Types<SqliteBackend, RedisBackend, ShardedRedisBackend>;

// A fresh store of `Backend` with two users, ann and bob.
template <typename Backend>
class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    reopen();
    ann_ = await<User>([&](auto done) { store_->createUser("ann", "", "hash", done); }).id;
    bob_ = await<User>([&](auto done) { store_->createUser("bob", "", "hash", done); }).id;
  }

  // Closes the store and opens it again on the same data, as a restarted server would.
  void reopen() {
    store_.reset();
    store_ = backend_.open(loop_);
    ASSERT_TRUE(store_);
  }

  // Runs one store call and the loop until it answers; checks the status,
  // and that the answer did not come inside the call (the completion rule).
  template <typename T, typename Call>
  T await(Call call, StoreStatus expected = StoreStatus::kOk) {
    std::optional<T> result;
    StoreStatus status = StoreStatus::kFailed;
    bool returned = false;
    call([&](StoreStatus s, T value) {
      EXPECT_TRUE(returned) << "a completion ran inside the call";
      status = s;
      result = std::move(value);
      loop_.stop();
    });
    returned = true;
    runUntil([&] { return result.has_value(); });
    EXPECT_EQ(status, expected);
    return result ? std::move(*result) : T{};
  }
  // Runs the loop until `done()` holds (checked after each iteration that
  // stops it: completions that count call loop_.stop()).
  template <typename Done>
  void runUntil(Done done) {
    while (!done()) loop_.run();
  }
  Room create(const char* name, RoomKind kind, int64_t owner) {
    return await<Room>([&](auto done) { store_->createRoom(name, kind, std::nullopt, owner, 0, done); });
  }

  Backend backend_;  // declared first: outlives the store
  reactor::EventLoop loop_;
  std::unique_ptr<Store> store_;
  int64_t ann_ = 0;
  int64_t bob_ = 0;
};

}  // namespace chatd::store
