// A thin RAII layer over SQLite for the store: one connection, prepared
// statements only (cached by their SQL), errors as values, no exceptions.
// Opened in WAL mode with foreign keys on. Not thread-safe: owned and used by
// the loop thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chatd::store {

class SqliteStatement {
 public:
  enum class Step { kRow, kDone, kError };

  explicit SqliteStatement(sqlite3_stmt* statement) : statement_(statement) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sqlite3_finalize(statement_); }

  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bindNull(int index);
  // Bytes as a BLOB, or NULL when empty.
  SqliteStatement& bindBlob(int index, std::string_view bytes);

  Step step();
  // step() to completion, for statements that return no rows; true when done.
  bool run();
  void reset();

  int columnCount() const { return sqlite3_column_count(statement_); }
  int64_t columnInt(int column) const { return sqlite3_column_int64(statement_, column); }
  std::string columnText(int column) const;
  std::string columnBlob(int column) const;
  bool columnIsNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* statement_;
};

class SqliteDatabase {
 public:
  // Opens the database at `path`, creating it if needed unless `create` is
  // false (then a missing file fails); nullptr and `error` on failure.
  static std::unique_ptr<SqliteDatabase> open(const std::string& path, std::string& error, bool create = true);
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase();

  // For schema changes and pragmas: SQL without parameters.
  bool exec(const char* sql);
  // A cached prepared statement for `sql`, reset and unbound, or nullptr when
  // it does not compile (see errorMessage()). The cache is keyed by the
  // pointer: pass string literals.
  SqliteStatement* prepare(const char* sql);

  int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  const char* errorMessage() const { return sqlite3_errmsg(db_); }
  int userVersion();
  bool setUserVersion(int version);
  sqlite3* raw() const { return db_; }

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> statements_;
};

}  // namespace chatd::store
