// SqliteStore's registration settings (RegistrationStore): the mode set
// through the admin API, a row of `settings`, and the unused invites, rows of
// `invites` (schema 5). The writes run one at a time on the loop's group
// commit, so a take deletes the row before any other take reads it.
#include <memory>
#include <utility>

#include "store/SqliteStore.h"

namespace chatd::store {

void SqliteStore::registrationMode(Callback<std::string> done) {
  std::string mode;
  SqliteStatement* select = db_->prepare("SELECT value FROM settings WHERE name = 'registration'");
  StoreStatus status = select ? readOne(*select, [](const SqliteStatement& s) { return s.columnText(0); }, mode)
                              : StoreStatus::kFailed;
  if (status == StoreStatus::kNotFound) status = StoreStatus::kOk;  // none set: ""
  answer(std::move(done), status, std::move(mode));
}

void SqliteStore::setRegistrationMode(std::string mode, Callback<bool> done) {
  enqueueWrite<bool>(
      [mode = std::move(mode)](SqliteDatabase& db, bool& stored) {
        SqliteStatement* upsert = db.prepare(
            "INSERT INTO settings (name, value) VALUES ('registration', ?1) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
        stored = upsert && upsert->bind(1, mode).run();
        return stored ? StoreStatus::kOk : StoreStatus::kFailed;
      },
      std::move(done));
}

void SqliteStore::clearRegistrationMode(Callback<bool> done) {
  enqueueWrite<bool>(
      [](SqliteDatabase& db, bool& cleared) {
        SqliteStatement* remove = db.prepare("DELETE FROM settings WHERE name = 'registration'");
        cleared = remove && remove->run();
        return cleared ? StoreStatus::kOk : StoreStatus::kFailed;
      },
      std::move(done));
}

void SqliteStore::createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                               Callback<bool> done) {
  enqueueWrite<bool>(
      [=, digest = std::move(digest)](SqliteDatabase& db, bool& stored) {
        SqliteStatement* purge = db.prepare("DELETE FROM invites WHERE expires_at <= ?1");
        if (!purge || !purge->bind(1, nowSeconds).run()) return StoreStatus::kFailed;
        SqliteStatement* count = db.prepare("SELECT count(*) FROM invites");
        int64_t waiting = 0;
        if (!count || readOne(*count, [](const SqliteStatement& s) { return s.columnInt(0); }, waiting) !=
                          StoreStatus::kOk) {
          return StoreStatus::kFailed;
        }
        if (waiting >= static_cast<int64_t>(maxWaiting)) return StoreStatus::kOverQuota;
        SqliteStatement* insert = db.prepare("INSERT INTO invites (digest, expires_at) VALUES (?1, ?2)");
        stored = insert && insert->bind(1, digest).bind(2, expiresAt).run();
        return stored ? StoreStatus::kOk : failureStatus(db);
      },
      std::move(done));
}

void SqliteStore::takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) {
  enqueueWrite<int64_t>(
      [=, digest = std::move(digest)](SqliteDatabase& db, int64_t& expiresAt) {
        SqliteStatement* take =
            db.prepare("DELETE FROM invites WHERE digest = ?1 AND expires_at > ?2 RETURNING expires_at");
        if (!take) return StoreStatus::kFailed;
        return readOne(take->bind(1, digest).bind(2, nowSeconds),
                       [](const SqliteStatement& s) { return s.columnInt(0); }, expiresAt);
      },
      std::move(done));
}

void SqliteStore::restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) {
  enqueueWrite<bool>(
      [=, digest = std::move(digest)](SqliteDatabase& db, bool& stored) {
        SqliteStatement* insert = db.prepare("INSERT OR IGNORE INTO invites (digest, expires_at) VALUES (?1, ?2)");
        stored = insert && insert->bind(1, digest).bind(2, expiresAt).run();
        return stored ? StoreStatus::kOk : StoreStatus::kFailed;
      },
      std::move(done));
}

}  // namespace chatd::store
