#include "store/GroupCommit.h"

namespace chatd::store {

void GroupCommit::enqueue(Write write, Done done) {
  pending_.push_back({std::move(write), std::move(done)});
  requestFlush();
}

void GroupCommit::flush() {
  // A read answered here may queue writes: they join this batch.
  if (reads_) reads_->answerAll();
  if (pending_.empty()) return;
  std::vector<Pending> batch;
  batch.swap(pending_);  // a completion may enqueue the next batch
  ++transactions_;
  const uint64_t startedUs = metrics_ ? reactor::EventLoop::monotonicUs() : 0;
  std::vector<bool> ok(batch.size(), false);
  bool committed = db_.exec("BEGIN IMMEDIATE");
  for (size_t i = 0; committed && i < batch.size(); ++i) {
    if (!db_.exec("SAVEPOINT write")) {
      committed = false;
      break;
    }
    ok[i] = batch[i].write(db_);
    if (!ok[i]) db_.exec("ROLLBACK TO write");
    db_.exec("RELEASE write");
  }
  committed = committed && db_.exec("COMMIT");
  if (!committed) db_.exec("ROLLBACK");
  if (metrics_) metrics_->completed(startedUs, committed);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(committed && ok[i]);
  }
}

}  // namespace chatd::store
