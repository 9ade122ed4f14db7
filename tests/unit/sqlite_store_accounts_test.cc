// SqliteStore's accounts beyond the store contract (store_contract_accounts_test.cc):
// what is seen in the tables.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/store_test_fixture.h"

namespace chatd::store {
namespace {

using Tokens = std::vector<std::pair<std::string, int64_t>>;

class SqliteStoreAccounts : public StoreTest {
 protected:
  bool revoke(std::string key, int64_t expiresAt) {
    return await<bool>([&](auto done) { store_->revokeToken(key, expiresAt, done); });
  }
  // One loop iteration: the writes queued so far commit.
  void settle() {
    loop_.runInLoop([this] { loop_.stop(); });
    loop_.run();
  }
  // What revokedTokens(now) answers, as (key, expiresAt) pairs.
  Tokens revoked(int64_t now) {
    Tokens out;
    for (const RevokedToken& t :
         await<std::vector<RevokedToken>>([&](auto done) { store_->revokedTokens(now, done); })) {
      out.emplace_back(t.key, t.expiresAt);
    }
    return out;
  }
  // The one integer `sql` selects, read on a second connection.
  int64_t queryInt(const char* sql) {
    auto other = file_.open();
    SqliteStatement* select = other->prepare(sql);
    EXPECT_TRUE(select) << other->errorMessage();
    if (!select || select->step() != SqliteStatement::Step::kRow) return -1;
    const int64_t value = select->columnIsNull(0) ? -2 : select->columnInt(0);
    select->reset();
    return value;
  }
};

TEST_F(SqliteStoreAccounts, LastSeenIsWrittenToTheUsersRow) {
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'ann'"), -2);  // NULL: never seen
  EXPECT_TRUE(await<bool>([&](auto done) { store_->setLastSeen(ann_, 1'700'000'000'123, done); }));
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'ann'"), 1'700'000'000'123);
  EXPECT_TRUE(await<bool>([&](auto done) { store_->setLastSeen(ann_, 1'700'000'000'456, done); }));
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'ann'"), 1'700'000'000'456);
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'bob'"), -2);
}

TEST_F(SqliteStoreAccounts, ARevocationIsOneRowDeletedOnceExpired) {
  EXPECT_TRUE(revoke("a", 100));
  EXPECT_TRUE(revoke("a", 500));
  EXPECT_TRUE(revoke("b", 200));
  EXPECT_EQ(queryInt("SELECT count(*) FROM revoked_tokens"), 2);
  EXPECT_EQ(revoked(150), (Tokens{{"b", 200}}));
  settle();
  EXPECT_EQ(queryInt("SELECT count(*) FROM revoked_tokens"), 1);  // "a" is gone, not just hidden
  EXPECT_EQ(revoked(1000), Tokens{});
  settle();
  EXPECT_EQ(queryInt("SELECT count(*) FROM revoked_tokens"), 0);
}

}  // namespace
}  // namespace chatd::store
