#include "store/SqliteStore.h"

#include <algorithm>
#include <chrono>

#include "store/Schema.h"

namespace chatd::store {

namespace {

// The columns readUser() reads, followed by each caller's WHERE clause.
#define CHATD_SELECT_USER \
  "SELECT id, username, coalesce(nickname, ''), created_at, coalesce(password_hash, ''), state, " \
  "coalesce(last_seen, 0), coalesce(avatar_file_id, '') FROM users "

}  // namespace

int64_t SqliteStore::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string usernameKey(std::string_view username) {
  std::string key(username);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return key;
}

std::unique_ptr<SqliteStore> SqliteStore::open(reactor::EventLoop& loop, const std::string& path, std::string& error,
                                               uint32_t historyMax) {
  auto db = SqliteDatabase::open(path, error);
  if (!db || !migrate(*db, error)) return nullptr;
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(loop, std::move(db)));
  store->path_ = path;
  store->historyMax_ = historyMax;
  return store;
}

bool SqliteStore::checkpointOn(reactor::WorkerPool& workers, std::string& error) {
  checkpointer_ = Checkpointer::open(path_, workers, error);
  if (!checkpointer_) return false;
  // Replaces SQLite's autocheckpoint, which is itself a WAL hook.
  sqlite3_wal_hook(
      db_->raw(),
      [](void* checkpointer, sqlite3*, const char*, int pages) {
        static_cast<Checkpointer*>(checkpointer)->walGrew(pages);
        return SQLITE_OK;
      },
      checkpointer_.get());
  return true;
}

SqliteStore::SqliteStore(reactor::EventLoop& loop, std::unique_ptr<SqliteDatabase> db)
    : db_(std::move(db)), writes_(loop, *db_, &reads_) {}

template <typename Bind>
StoreStatus SqliteStore::readUser(const char* sql, Bind bind, Credentials& out) {
  SqliteStatement* statement = db_->prepare(sql);
  if (!statement) return StoreStatus::kFailed;
  bind(*statement);
  auto fromRow = [](const SqliteStatement& s) {
    return Credentials{User{s.columnInt(0), s.columnText(1), s.columnText(2), s.columnInt(3),
                            static_cast<UserState>(s.columnInt(5)), s.columnInt(6), s.columnText(7)},
                       s.columnText(4)};
  };
  return readOne(*statement, fromRow, out);
}

void SqliteStore::createUser(std::string username, std::string nickname, std::string passwordHash,
                             Callback<User> done) {
  auto created = std::make_shared<Credentials>();
  auto status = std::make_shared<StoreStatus>(StoreStatus::kFailed);
  created->user = {0, username, nickname, nowMs()};
  writes_.enqueue(
      [=](SqliteDatabase& db) {
        SqliteStatement* insert = db.prepare(
            "INSERT INTO users (username, username_key, nickname, password_hash, created_at) "
            "VALUES (?1, ?2, nullif(?3, ''), ?4, ?5)");
        if (!insert) return false;
        const bool ok = insert->bind(1, username).bind(2, usernameKey(username)).bind(3, nickname)
                            .bind(4, passwordHash).bind(5, created->user.createdAt).run();
        if (!ok) {
          const bool taken = sqlite3_extended_errcode(db.raw()) == SQLITE_CONSTRAINT_UNIQUE;
          *status = taken ? StoreStatus::kConflict : StoreStatus::kFailed;
          return false;
        }
        created->user.id = db.lastInsertRowid();
        *status = StoreStatus::kOk;
        return true;
      },
      [=, done = std::move(done)](bool committed) {
        done(committed ? StoreStatus::kOk : (*status == StoreStatus::kOk ? StoreStatus::kFailed : *status),
             created->user);
      });
}

void SqliteStore::findCredentials(std::string usernameKey, Callback<Credentials> done) {
  Credentials found;
  const StoreStatus status = readUser(
      CHATD_SELECT_USER "WHERE username_key = ?1",
      [&](SqliteStatement& s) { s.bind(1, usernameKey); }, found);
  answer(std::move(done), status, std::move(found));
}

StoreStatus SqliteStore::readUserById(int64_t id, User& out) {
  Credentials found;
  const StoreStatus status =
      readUser(CHATD_SELECT_USER "WHERE id = ?1", [&](SqliteStatement& s) { s.bind(1, id); }, found);
  out = std::move(found.user);
  return status;
}

void SqliteStore::findUser(int64_t id, Callback<User> done) {
  User found;
  const StoreStatus status = readUserById(id, found);
  answer(std::move(done), status, std::move(found));
}

void SqliteStore::findUsers(std::vector<int64_t> ids, Callback<std::vector<User>> done) {
  std::vector<User> found;
  found.reserve(std::min(ids.size(), kMaxUsersFound));
  for (size_t i = 0; i < ids.size() && i < kMaxUsersFound; ++i) {
    User one;
    const StoreStatus status = readUserById(ids[i], one);
    if (status == StoreStatus::kFailed) return answer(std::move(done), status, std::vector<User>{});
    if (status == StoreStatus::kOk) found.push_back(std::move(one));
  }
  answer(std::move(done), StoreStatus::kOk, std::move(found));
}

void SqliteStore::findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) {
  Credentials found;
  const StoreStatus status = readUser(
      CHATD_SELECT_USER "WHERE external_subject = ?1",
      [&](SqliteStatement& s) { s.bind(1, subject); }, found);
  if (status != StoreStatus::kNotFound) return answer(std::move(done), status, std::move(found.user));
  // Username keys of external users live under "ext:", which no registered
  // name can take; their usernames are the name and "#ID", which no
  // registered name can look like and no other user has.
  // No nickname: clients show a nickname before the username, and the
  // name alone would not tell two such users apart.
  const User fresh{0, name.empty() ? "user" : name, "", nowMs()};
  enqueueWrite<User>(
      [=, this](SqliteDatabase& db, User& out) {
        // Two first requests of one subject may share a batch: the second
        // finds the row the first inserted.
        SqliteStatement* insert = db.prepare(
            "INSERT INTO users (username, username_key, nickname, external_subject, created_at) "
            "VALUES (?1, ?2, nullif(?3, ''), ?4, ?5) ON CONFLICT (external_subject) DO NOTHING");
        if (!insert || !insert->bind(1, fresh.username).bind(2, "ext:" + subject).bind(3, fresh.nickname)
                            .bind(4, subject).bind(5, fresh.createdAt).run()) {
          return failureStatus(db);
        }
        if (db.changes() > 0) {
          SqliteStatement* handle = db.prepare("UPDATE users SET username = username || '#' || id WHERE id = ?1");
          if (!handle || !handle->bind(1, db.lastInsertRowid()).run()) return failureStatus(db);
        }
        Credentials stored;  // read on the same connection, inside this write
        const StoreStatus status = readUser(
            CHATD_SELECT_USER "WHERE external_subject = ?1", [&](SqliteStatement& s) { s.bind(1, subject); }, stored);
        out = stored.user;
        return status;
      },
      std::move(done));
}

void SqliteStore::setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) {
  enqueueWrite<bool>(
      [=](SqliteDatabase& db, bool& updated) {
        SqliteStatement* update = db.prepare("UPDATE users SET last_seen = ?2 WHERE id = ?1");
        if (!update || !update->bind(1, userId).bind(2, atMs).run()) return StoreStatus::kFailed;
        updated = db.changes() > 0;
        return updated ? StoreStatus::kOk : StoreStatus::kNotFound;
      },
      std::move(done));
}

bool SqliteStore::eraseTraces(SqliteDatabase& db, int64_t userId) {
  // Tombstones as deleteMessage() leaves them: no content, reactions or attachments.
  static constexpr const char* kSteps[] = {
      "DELETE FROM reactions WHERE user_id = ?1 OR message_id IN (SELECT id FROM messages WHERE sender_id = ?1)",
      "DELETE FROM message_files WHERE message_id IN (SELECT id FROM messages WHERE sender_id = ?1)",
      "UPDATE messages SET deleted = 1, content = '', details = NULL WHERE sender_id = ?1 AND deleted = 0",
      "DELETE FROM room_members WHERE user_id = ?1",
      "UPDATE users SET avatar_file_id = NULL WHERE id = ?1",
  };
  for (const char* sql : kSteps) {
    SqliteStatement* step = db.prepare(sql);
    if (!step || !step->bind(1, userId).run()) return false;
  }
  return true;
}

void SqliteStore::setUserState(int64_t userId, UserState state, Callback<User> done) {
  enqueueWrite<User>(
      [=, this](SqliteDatabase& db, User& out) {
        Credentials found;
        const StoreStatus status = readUser(
            CHATD_SELECT_USER "WHERE id = ?1", [&](SqliteStatement& s) { s.bind(1, userId); }, found);
        if (status != StoreStatus::kOk) return status;
        if (found.user.state == UserState::kDeleted && state != UserState::kDeleted) return StoreStatus::kConflict;
        SqliteStatement* update = db.prepare("UPDATE users SET state = ?2 WHERE id = ?1");
        if (!update || !update->bind(1, userId).bind(2, static_cast<int64_t>(state)).run()) return failureStatus(db);
        if (state == UserState::kDeleted && found.user.state != UserState::kDeleted && !eraseTraces(db, userId)) {
          return failureStatus(db);
        }
        out = found.user;
        out.state = state;
        if (state == UserState::kDeleted) out.avatarFileId.clear();
        return StoreStatus::kOk;
      },
      std::move(done));
}

void SqliteStore::updateProfile(int64_t userId, std::optional<std::string> nickname,
                                std::optional<std::string> avatarFileId, Callback<User> done) {
  enqueueWrite<User>(
      [=, this](SqliteDatabase& db, User& out) {
        // A NULL parameter keeps the column as it is; '' clears it.
        SqliteStatement* update = db.prepare(
            "UPDATE users SET nickname = CASE WHEN ?2 IS NULL THEN nickname ELSE nullif(?2, '') END, "
            "avatar_file_id = CASE WHEN ?3 IS NULL THEN avatar_file_id ELSE nullif(?3, '') END WHERE id = ?1");
        if (!update) return StoreStatus::kFailed;
        update->bind(1, userId);
        if (nickname) update->bind(2, *nickname);
        if (avatarFileId) update->bind(3, *avatarFileId);
        if (!update->run()) return failureStatus(db);
        if (db.changes() == 0) return StoreStatus::kNotFound;
        return readUserById(userId, out);  // on the same connection, inside this write
      },
      std::move(done));
}

void SqliteStore::isAvatar(std::string fileId, Callback<bool> done) {
  SqliteStatement* select = db_->prepare("SELECT EXISTS (SELECT 1 FROM users WHERE avatar_file_id = ?1)");
  bool found = false;
  const StoreStatus status =
      select ? readOne(select->bind(1, fileId), [](SqliteStatement& s) { return s.columnInt(0) != 0; }, found)
             : StoreStatus::kFailed;
  answer(std::move(done), status, found);
}

void SqliteStore::revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) {
  enqueueWrite<bool>(
      [=](SqliteDatabase& db, bool& stored) {
        // A second logout with the same token keeps the first row.
        SqliteStatement* insert =
            db.prepare("INSERT OR IGNORE INTO revoked_tokens (token_id, expires_at) VALUES (?1, ?2)");
        stored = insert && insert->bind(1, key).bind(2, expiresAt).run();
        return stored ? StoreStatus::kOk : StoreStatus::kFailed;
      },
      std::move(done));
}

void SqliteStore::revokedTokens(int64_t nowSeconds, Callback<std::vector<RevokedToken>> done) {
  // Read now; the expired ones are forgotten by a write queued behind it.
  std::vector<RevokedToken> live;
  SqliteStatement* select = db_->prepare(
      "SELECT token_id, expires_at FROM revoked_tokens WHERE expires_at > ?1 ORDER BY expires_at, token_id");
  auto fromRow = [](const SqliteStatement& s) { return RevokedToken{s.columnText(0), s.columnInt(1)}; };
  const StoreStatus status = select ? readAll(select->bind(1, nowSeconds), fromRow, live) : StoreStatus::kFailed;
  if (status != StoreStatus::kOk) live.clear();
  enqueueWrite<bool>(
      [=](SqliteDatabase& db, bool& purged) {
        SqliteStatement* purge = db.prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?1");
        purged = purge && purge->bind(1, nowSeconds).run();
        return purged ? StoreStatus::kOk : StoreStatus::kFailed;
      },
      [](StoreStatus, bool) {});
  answer(std::move(done), status, std::move(live));
}

bool SqliteStore::ready() {
  SqliteStatement* probe = db_->prepare("SELECT 1 FROM rooms LIMIT 1");
  int found = 0;
  return probe && readOne(*probe, [](SqliteStatement& s) { return static_cast<int>(s.columnInt(0)); }, found) !=
                      StoreStatus::kFailed;
}

}  // namespace chatd::store
