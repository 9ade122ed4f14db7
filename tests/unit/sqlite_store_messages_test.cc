// SqliteStore's messages beyond the store contract (store_contract_messages_test.cc):
// the group commit of appends.
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
    store_->appendMessage(room, i % 2 ? bob_ : ann_, "m" + std::to_string(i), "", [&](StoreStatus s, AppendResult) {
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

}  // namespace
}  // namespace chatd::store
