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

// An app backend's new user making two first requests at once: both calls
// land in one batch, and both must answer the one user.
TEST_F(SqliteStoreAccounts, TwoFirstSightingsOfASubjectInOneBatchAreOneUser) {
  std::vector<std::pair<StoreStatus, User>> answers;
  for (int i = 0; i < 2; ++i) {
    store_->findOrCreateExternalUser("app:7", "Rita", [&](StoreStatus s, User u) {
      answers.emplace_back(s, u);
      if (answers.size() == 2) loop_.stop();
    });
  }
  loop_.run();
  ASSERT_EQ(answers.size(), 2u);
  for (const auto& [status, user] : answers) {
    EXPECT_EQ(status, StoreStatus::kOk);
    EXPECT_EQ(user.username, "Rita#" + std::to_string(user.id));  // unlike any registered name
    EXPECT_EQ(user.nickname, "");
  }
  EXPECT_EQ(answers[0].second.id, answers[1].second.id);
  EXPECT_GT(answers[0].second.id, 0);
}

TEST_F(SqliteStoreAccounts, LastSeenIsStoredForKnownUsersOnly) {
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'ann'"), -2);  // NULL: never seen
  EXPECT_TRUE(await<bool>([&](auto done) { store_->setLastSeen(ann_, 1'700'000'000'123, done); }));
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'ann'"), 1'700'000'000'123);
  EXPECT_TRUE(await<bool>([&](auto done) { store_->setLastSeen(ann_, 1'700'000'000'456, done); }));
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'ann'"), 1'700'000'000'456);
  EXPECT_EQ(queryInt("SELECT last_seen FROM users WHERE username = 'bob'"), -2);
  await<bool>([&](auto done) { store_->setLastSeen(987654, 1, done); }, StoreStatus::kNotFound);
}

TEST_F(SqliteStoreAccounts, RevokingIsIdempotentAndExpiredTokensAreForgotten) {
  EXPECT_TRUE(revoke("a", 100));
  EXPECT_TRUE(revoke("a", 100));
  EXPECT_TRUE(revoke("a", 500));  // the first revocation stands
  EXPECT_TRUE(revoke("c", 300));
  EXPECT_TRUE(revoke("b", 200));
  EXPECT_EQ(queryInt("SELECT count(*) FROM revoked_tokens"), 3);
  EXPECT_EQ(revoked(99), (Tokens{{"a", 100}, {"b", 200}, {"c", 300}}));
  EXPECT_EQ(revoked(150), (Tokens{{"b", 200}, {"c", 300}}));
  settle();
  EXPECT_EQ(queryInt("SELECT count(*) FROM revoked_tokens"), 2);  // "a" is gone, not just hidden
  EXPECT_EQ(revoked(200), (Tokens{{"c", 300}}));  // expiring at `now` is expired
  EXPECT_EQ(revoked(1000), Tokens{});
  settle();
  EXPECT_EQ(queryInt("SELECT count(*) FROM revoked_tokens"), 0);
}

TEST_F(SqliteStoreAccounts, RevokedTokensSurviveARestart) {
  EXPECT_TRUE(revoke("kept", 1000));
  EXPECT_TRUE(revoke("expired", 10));
  openStore();
  EXPECT_EQ(revoked(500), (Tokens{{"kept", 1000}}));
  openStore();
  EXPECT_EQ(revoked(500), (Tokens{{"kept", 1000}}));
}

// Like every read, the list is answered later in the loop, never inside the
// call; the purge of expired entries follows as a write.
TEST_F(SqliteStoreAccounts, RevokedTokensAnswersLaterInTheLoop) {
  revoke("old", 10);
  revoke("fresh", 1000);
  Tokens seen;
  bool answered = false;
  store_->revokedTokens(100, [&](StoreStatus s, std::vector<RevokedToken> tokens) {
    EXPECT_EQ(s, StoreStatus::kOk);
    for (const RevokedToken& t : tokens) seen.emplace_back(t.key, t.expiresAt);
    answered = true;
    loop_.stop();
  });
  EXPECT_FALSE(answered);
  loop_.run();
  EXPECT_EQ(seen, (Tokens{{"fresh", 1000}}));
  revoke("later", 2000);  // committed in the purge's batch, after it
  EXPECT_EQ(revoked(0), (Tokens{{"fresh", 1000}, {"later", 2000}}));  // "old" is forgotten
}

}  // namespace
}  // namespace chatd::store
