// WAL checkpoints off the loop thread. Left to itself SQLite checkpoints
// inside a COMMIT once the WAL passes ~1000 pages, on the thread that
// commits: the loop, which would stall for the checkpoint's fsyncs. Instead
// the store's WAL hook reports the WAL's size after each commit, and past
// kPages a worker checkpoints on a connection of its own, one checkpoint at a
// time, PASSIVE: the loop's reads and writes go on meanwhile.
//
// Owned by the store; borrows the pool, which must finish its jobs before
// this is destroyed (Application declares the pool after the store).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "reactor/WorkerPool.h"

namespace chatd::store {

class Checkpointer {
 public:
  static constexpr int kPages = 1000;  // SQLite's own autocheckpoint threshold

  // Opens the checkpoint connection to `path`; nullptr with `error` on failure.
  static std::unique_ptr<Checkpointer> open(const std::string& path, reactor::WorkerPool& workers, std::string& error);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  ~Checkpointer();

  // On the loop thread, after a commit left `pages` pages in the WAL.
  void walGrew(int pages);
  uint64_t checkpoints() const { return checkpoints_; }  // finished, on the loop's count

 private:
  Checkpointer(sqlite3* db, reactor::WorkerPool& workers) : db_(db), workers_(workers) {}

  sqlite3* db_;  // used by one worker job at a time, never by the loop
  reactor::WorkerPool& workers_;
  bool running_ = false;
  uint64_t checkpoints_ = 0;
};

}  // namespace chatd::store
