// A SQLite database in a fresh /tmp file for store tests, removed with its WAL
// files when the test ends.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "store/SqliteDatabase.h"

namespace chatd::store {

class TempDatabaseFile {
 public:
  TempDatabaseFile() {
    char name[] = "/tmp/chatd-store-XXXXXX";
    const int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    if (fd >= 0) close(fd);
    path_ = name;
  }
  ~TempDatabaseFile() {
    for (const char* suffix : {"", "-wal", "-shm"}) unlink((path_ + suffix).c_str());
  }

  std::unique_ptr<SqliteDatabase> open() const {
    std::string error;
    auto db = SqliteDatabase::open(path_, error);
    EXPECT_TRUE(db) << error;
    return db;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace chatd::store
