#include "store/SqliteDatabase.h"

namespace chatd::store {

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

SqliteStatement& SqliteStatement::bindBlob(int index, std::string_view bytes) {
  if (bytes.empty()) return bindNull(index);
  sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement::Step SqliteStatement::step() {
  switch (sqlite3_step(statement_)) {
    case SQLITE_ROW: return Step::kRow;
    case SQLITE_DONE: return Step::kDone;
    default: return Step::kError;
  }
}

bool SqliteStatement::run() {
  Step result;
  while ((result = step()) == Step::kRow) {
  }
  return result == Step::kDone;
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string SqliteStatement::columnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(statement_, column))) : std::string();
}

std::string SqliteStatement::columnBlob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  return bytes ? std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(statement_, column))) : std::string();
}

std::unique_ptr<SqliteDatabase> SqliteDatabase::open(const std::string& path, std::string& error, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    error = "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    sqlite3_close(raw);
    return nullptr;
  }
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw));
  // WAL: readers never block the writer. NORMAL: a commit survives the
  // process being killed (the OS has the WAL); only a power loss may undo the
  // last transactions. A busy timeout covers another process (a backup) holding a lock.
  if (!db->exec("PRAGMA journal_mode=WAL") || !db->exec("PRAGMA synchronous=NORMAL") ||
      !db->exec("PRAGMA foreign_keys=ON")) {
    error = "cannot configure " + path + ": " + db->errorMessage();
    return nullptr;
  }
  sqlite3_busy_timeout(raw, 2000);
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  statements_.clear();  // statements before the connection
  sqlite3_close(db_);
}

bool SqliteDatabase::exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

SqliteStatement* SqliteDatabase::prepare(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
      statements_.erase(sql);
      return nullptr;
    }
    slot = std::make_unique<SqliteStatement>(statement);
  }
  slot->reset();
  return slot.get();
}

int SqliteDatabase::userVersion() {
  SqliteStatement* statement = prepare("PRAGMA user_version");
  if (!statement) return -1;
  const int version = statement->step() == SqliteStatement::Step::kRow ? static_cast<int>(statement->columnInt(0)) : -1;
  statement->reset();  // a pending statement would hold a read snapshot open for good
  return version;
}

bool SqliteDatabase::setUserVersion(int version) {
  // PRAGMA takes no parameters; the value is our own integer, never input.
  return exec(("PRAGMA user_version=" + std::to_string(version)).c_str());
}

}  // namespace chatd::store
