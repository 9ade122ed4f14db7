#include "store/GroupCommit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/Schema.h"
#include "tests/unit/temp_database.h"

namespace chatd::store {
namespace {

int countCommits(void* counter) {
  ++*static_cast<int*>(counter);
  return 0;  // 0: let the commit proceed
}

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = file_.open();
    ASSERT_TRUE(db_);
    std::string error;
    ASSERT_TRUE(migrate(*db_, error)) << error;
    sqlite3_commit_hook(db_->raw(), countCommits, &commits_);
  }
  // A write that inserts a user called `name`.
  static GroupCommit::Write insertUser(std::string name) {
    return [name](SqliteDatabase& db) {
      SqliteStatement* s = db.prepare("INSERT INTO users (username, username_key, created_at) VALUES (?1, ?1, 0)");
      return s && s->bind(1, name).run();
    };
  }
  int64_t users() {
    SqliteStatement* s = db_->prepare("SELECT count(*) FROM users");
    return s->step() == SqliteStatement::Step::kRow ? s->columnInt(0) : -1;
  }

  TempDatabaseFile file_;  // declared first: outlives the connection
  std::unique_ptr<SqliteDatabase> db_;
  int commits_ = 0;
};

TEST_F(GroupCommitTest, WritesOfOneIterationShareOneCommitAndHearDoneAfterIt) {
  reactor::EventLoop loop;
  GroupCommit group(loop, *db_);
  std::vector<int> done;
  int commitsSeenByFirstDone = -1;
  for (int i = 0; i < 100; ++i) {
    group.enqueue(insertUser("u" + std::to_string(i)), [&, i](bool ok) {
      EXPECT_TRUE(ok);
      if (i == 0) commitsSeenByFirstDone = commits_;
      done.push_back(i);
      if (done.size() == 100) loop.stop();
    });
  }
  EXPECT_TRUE(done.empty());  // nothing is done before the iteration ends
  loop.run();
  EXPECT_EQ(commits_, 1);
  EXPECT_EQ(commitsSeenByFirstDone, 1);  // the completion came after the COMMIT
  EXPECT_EQ(group.transactions(), 1u);
  EXPECT_EQ(users(), 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(done[static_cast<size_t>(i)], i);  // in order
}

TEST_F(GroupCommitTest, AFailedWriteIsRolledBackAloneAndReported) {
  reactor::EventLoop loop;
  GroupCommit group(loop, *db_);
  std::vector<bool> results;
  auto record = [&](bool ok) {
    results.push_back(ok);
    if (results.size() == 3) loop.stop();
  };
  group.enqueue(insertUser("same"), record);
  group.enqueue(insertUser("same"), record);  // violates the unique username key
  group.enqueue(insertUser("other"), record);
  loop.run();
  EXPECT_EQ(results, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(users(), 2);
  EXPECT_EQ(commits_, 1);
}

TEST_F(GroupCommitTest, WritesQueuedByACompletionGoInTheNextBatch) {
  reactor::EventLoop loop;
  GroupCommit group(loop, *db_);
  int finished = 0;
  group.enqueue(insertUser("first"), [&](bool ok) {
    EXPECT_TRUE(ok);
    group.enqueue(insertUser("second"), [&](bool ok2) {
      EXPECT_TRUE(ok2);
      finished = 2;
      loop.stop();
    });
  });
  loop.run();
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(commits_, 2);
  EXPECT_EQ(users(), 2);
}

TEST_F(GroupCommitTest, CommittedWritesSurviveReopening) {
  {
    reactor::EventLoop loop;
    GroupCommit group(loop, *db_);
    group.enqueue(insertUser("durable"), [&](bool ok) {
      EXPECT_TRUE(ok);
      loop.stop();
    });
    loop.run();
  }
  db_.reset();
  db_ = file_.open();
  ASSERT_TRUE(db_);
  EXPECT_EQ(users(), 1);
}

}  // namespace
}  // namespace chatd::store
