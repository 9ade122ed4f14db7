// SqliteStore's messages beyond the store contract (store_contract_messages_test.cc):
// the group commit of appends, and --history-max's trimming amortized over them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/store_test_fixture.h"

namespace chatd::store {
namespace {

int countCommits(void* counter) {
  ++*static_cast<int*>(counter);
  return 0;  // 0: let the commit proceed
}

class SqliteStoreMessages : public StoreTest {};

TEST_F(SqliteStoreMessages, OneIterationsAppendsShareOneCommitThatPrecedesTheirAcks) {
  const int64_t room = create("talk", store::RoomKind::kPublic, ann_).id;
  int commits = 0;
  sqlite3_commit_hook(store_->database().raw(), countCommits, &commits);
  std::vector<int> commitsSeenByAcks;
  for (int i = 0; i < 50; ++i) {
    store_->appendMessage(room, i % 2 ? bob_ : ann_, "m" + std::to_string(i), "", nullptr, [&](StoreStatus s, AppendResult) {
      EXPECT_EQ(s, StoreStatus::kOk);
      commitsSeenByAcks.push_back(commits);
      if (commitsSeenByAcks.size() == 50) loop_.stop();
    });
  }
  loop_.run();
  sqlite3_commit_hook(store_->database().raw(), nullptr, nullptr);
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(commitsSeenByAcks, std::vector<int>(50, 1));
}

TEST_F(SqliteStoreMessages, TrimmingRunsEveryEighthOfTheLimitAndBoundsTheRoom) {
  historyMax_ = 16;  // trimEvery(16) = 2: the odd seqs run no DELETE
  openStore();
  ASSERT_EQ(SqliteStore::trimEvery(historyMax_), 2);
  const int64_t room = create("talk", store::RoomKind::kPublic, ann_).id;
  SqliteStatement* rows = store_->database().prepare("SELECT count(*), min(seq) FROM messages WHERE room_id = ?1");
  ASSERT_TRUE(rows);
  for (int64_t seq = 1; seq <= 60; ++seq) {
    auto append = [&](auto done) { store_->appendMessage(room, ann_, "m", "c" + std::to_string(seq), nullptr, done); };
    ASSERT_EQ(await<AppendResult>(append).message.seq, seq);
    int64_t held = 0;
    int64_t first = 0;
    auto fromRow = [&](const SqliteStatement& s) {
      first = s.columnInt(1);
      return s.columnInt(0);
    };
    ASSERT_EQ(readOne(rows->bind(1, room), fromRow, held), StoreStatus::kOk);
    const int64_t expected = seq <= 16 ? seq : (seq % 2 == 0 ? 16 : 17);
    EXPECT_EQ(held, expected) << "after seq " << seq;
    EXPECT_EQ(first, seq - held + 1);
  }
}

}  // namespace
}  // namespace chatd::store
