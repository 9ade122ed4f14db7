// WAL checkpoints run on a worker, not inside a commit on the loop: the WAL
// still gets folded into the database, and nothing is lost on the way.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <thread>

#include "reactor/WorkerPool.h"
#include "tests/unit/store_test_fixture.h"

namespace chatd::store {
namespace {

class SqliteCheckpoint : public StoreTest {
 protected:
  // Declared after the store: destroyed first, finishing its jobs while the store lives.
  reactor::WorkerPool workers_{loop_, 1};
};

TEST_F(SqliteCheckpoint, TheWalIsCheckpointedOnAWorkerAndNothingIsLost) {
  std::string error;
  ASSERT_TRUE(store_->checkpointOn(workers_, error)) << error;
  const int64_t room = create("big", RoomKind::kPublic, ann_).id;
  const std::string content(2000, 'x');
  constexpr int kMessages = 3000;  // ~6 MB: several times past the 1000-page threshold
  int answered = 0;
  for (int i = 0; i < kMessages; ++i) {
    store_->appendMessage(room, ann_, content, "", nullptr, [&](StoreStatus s, AppendResult) {
      EXPECT_EQ(s, StoreStatus::kOk);
      ++answered;
    });
    if (i % 100 == 99) {
      // One batch per loop iteration, as from a busy server.
      loop_.runInLoop([this] { loop_.stop(); });
      loop_.run();
    }
  }
  // Wait (bounded) for the worker's checkpoints to report back on the loop.
  for (int spins = 0; spins < 500 && store_->checkpoints() == 0; ++spins) {
    loop_.runInLoop([this] { loop_.stop(); });
    loop_.run();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(answered, kMessages);
  EXPECT_GE(store_->checkpoints(), 1u);
  const auto last = await<MessagePage>([&](auto done) { store_->messagesBefore(room, kMessages + 1, 1, done); }).messages;
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].seq, kMessages);
}

}  // namespace
}  // namespace chatd::store
