// A SqliteStore on a fresh temp file, with two users (ann and bob) and a loop
// to run writes to their COMMIT; the base of the store's unit tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "store/SqliteStore.h"
#include "tests/unit/temp_database.h"

namespace chatd::store {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    openStore();
    ann_ = await<User>([&](auto done) { store_->createUser("ann", "", "hash", done); }).id;
    bob_ = await<User>([&](auto done) { store_->createUser("bob", "", "hash", done); }).id;
  }

  // (Re)opens the store on the same file, as a restarted server would.
  void openStore() {
    store_.reset();
    std::string error;
    store_ = SqliteStore::open(loop_, file_.path(), error, historyMax_);
    ASSERT_TRUE(store_) << error;
  }

  // Runs one store call and the loop until it answers (reads at the end of
  // the iteration, writes after their COMMIT); checks the status.
  template <typename T, typename Call>
  T await(Call call, StoreStatus expected = StoreStatus::kOk) {
    std::optional<T> result;
    StoreStatus status = StoreStatus::kFailed;
    call([&](StoreStatus s, T value) {
      status = s;
      result = std::move(value);
      loop_.stop();
    });
    if (!result) loop_.run();
    EXPECT_EQ(status, expected);
    return result ? std::move(*result) : T{};
  }
  Room create(const char* name, RoomKind kind, int64_t owner) {
    return await<Room>([&](auto done) { store_->createRoom(name, kind, std::nullopt, owner, 0, done); });
  }
  // Runs `sql` on a second connection.
  void exec(const char* sql) {
    auto other = file_.open();
    ASSERT_TRUE(other->exec(sql)) << other->errorMessage();
  }

  TempDatabaseFile file_;  // declared first: outlives the store
  reactor::EventLoop loop_;
  std::unique_ptr<SqliteStore> store_;
  uint32_t historyMax_ = 0;  // openStore()'s --history-max
  int64_t ann_ = 0;
  int64_t bob_ = 0;
};

}  // namespace chatd::store
