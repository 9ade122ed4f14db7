#include "store/Checkpointer.h"

#include "reactor/Log.h"

namespace chatd::store {

std::unique_ptr<Checkpointer> Checkpointer::open(const std::string& path, reactor::WorkerPool& workers,
                                                 std::string& error) {
  sqlite3* db = nullptr;
  // NOMUTEX: one job at a time uses it, whichever worker runs the job.
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    error = "cannot open " + path + " for checkpoints: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return nullptr;
  }
  // A checkpoint copies WAL frames into the database file; it needs no page
  // cache to speak of, and SQLite's default (2 MiB) would be memory held for nothing.
  sqlite3_exec(db, "PRAGMA cache_size=-64", nullptr, nullptr, nullptr);
  return std::unique_ptr<Checkpointer>(new Checkpointer(db, workers));
}

Checkpointer::~Checkpointer() { sqlite3_close(db_); }

void Checkpointer::walGrew(int pages) {
  if (pages < kPages || running_) return;
  running_ = true;
  auto result = std::make_shared<int>(SQLITE_OK);
  workers_.submit(
      [this, result] {
        int walPages = 0;
        int copied = 0;
        *result = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, &walPages, &copied);
      },
      [this, result] {
        running_ = false;
        ++checkpoints_;
        if (*result != SQLITE_OK && *result != SQLITE_BUSY) {
          LOG_WARN("WAL checkpoint failed: %s", sqlite3_errstr(*result));
        }
      });
}

}  // namespace chatd::store
