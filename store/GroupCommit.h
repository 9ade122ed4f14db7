// Group commit: every write queued during one loop iteration runs in a
// single transaction when the iteration ends, and each write's completion is
// called only after that COMMIT, so whoever is told "done" (an ack to a
// client) can rely on the write having reached the database file.
//
// Each write runs inside its own SAVEPOINT: one that fails (a constraint, a
// duplicate) is rolled back alone and reported as failed; the others commit.
//
// Each flush first answers the reads parked in `reads` (see ReadAnswers), so
// a read's answer, taken before this batch ran, goes out before the batch's
// completions. Borrows the loop, the database and the reads; all outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "reactor/EventLoop.h"
#include "store/ReadAnswers.h"
#include "store/SqliteDatabase.h"
#include "store/StoreMetrics.h"

namespace chatd::store {

class GroupCommit final : public reactor::Flushable {
 public:
  // Runs on the loop thread inside the batch's transaction; false = failed.
  using Write = std::function<bool(SqliteDatabase&)>;
  // Runs after the COMMIT (ok) or after the write or the whole batch failed.
  using Done = std::function<void(bool ok)>;

  GroupCommit(reactor::EventLoop& loop, SqliteDatabase& db, ReadAnswers* reads = nullptr)
      : loop_(loop), db_(db), reads_(reads) {}

  void enqueue(Write write, Done done);
  // Asks for a flush at the end of this iteration (after parking a read).
  void requestFlush() { loop_.requestFlush(this, flushQueued_); }
  void flush() override;

  // Times each batch's transaction into `metrics` (borrowed; outlives this).
  void measureWith(OperationMetrics* metrics) { metrics_ = metrics; }
  uint64_t transactions() const { return transactions_; }  // batches committed or attempted

 private:
  struct Pending {
    Write write;
    Done done;
  };

  reactor::EventLoop& loop_;
  SqliteDatabase& db_;
  ReadAnswers* reads_;
  std::vector<Pending> pending_;
  OperationMetrics* metrics_ = nullptr;
  uint64_t transactions_ = 0;
  bool flushQueued_ = false;
};

}  // namespace chatd::store
