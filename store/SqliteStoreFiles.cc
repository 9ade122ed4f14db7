// SqliteStore's file records (FileStore). message_files says which messages
// carry which files (MessageLog::append() writes it, deleteMessage() and the
// foreign keys' cascades from trimmed messages and deleted rooms remove it):
// a file is shared with its rooms' readers, and collectable without rows.
#include "store/SqliteStore.h"

namespace chatd::store {

namespace {

#define CHATD_FILE_COLUMNS "id, owner_id, name, content_type, size, sha256, created_at"

FileRecord fileFromRow(const SqliteStatement& s) {
  return FileRecord{s.columnText(0), s.columnInt(1), s.columnText(2), s.columnText(3),
                    s.columnInt(4),  s.columnText(5), s.columnInt(6)};
}

int64_t bytesOf(SqliteDatabase& db, int64_t ownerId, StoreStatus& status) {
  SqliteStatement* sum = db.prepare("SELECT COALESCE(SUM(size), 0) FROM files WHERE owner_id = ?1");
  int64_t bytes = 0;
  status = sum ? readOne(sum->bind(1, ownerId), [](SqliteStatement& s) { return s.columnInt(0); }, bytes)
               : StoreStatus::kFailed;
  return bytes;
}

}  // namespace

void SqliteStore::addFile(FileRecord file, uint64_t quotaBytes, Callback<FileRecord> done) {
  file.createdAt = nowMs();
  enqueueWrite<FileRecord>(
      [file = std::move(file), quotaBytes](SqliteDatabase& db, FileRecord& out) {
        StoreStatus status = StoreStatus::kOk;
        const int64_t used = bytesOf(db, file.ownerId, status);
        if (status != StoreStatus::kOk) return StoreStatus::kFailed;
        if (quotaBytes > 0 && static_cast<uint64_t>(used + file.size) > quotaBytes) {
          out.size = used;
          return StoreStatus::kOverQuota;
        }
        SqliteStatement* insert = db.prepare(
            "INSERT INTO files (id, owner_id, name, content_type, size, sha256, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!insert || !insert->bind(1, file.id).bind(2, file.ownerId).bind(3, file.name).bind(4, file.contentType)
                            .bind(5, file.size).bind(6, file.sha256).bind(7, file.createdAt).run()) {
          return insert ? failureStatus(db) : StoreStatus::kFailed;
        }
        out = file;
        return StoreStatus::kOk;
      },
      std::move(done));
}

void SqliteStore::findFile(std::string id, Callback<FileRecord> done) {
  SqliteStatement* select =
      db_->prepare("SELECT " CHATD_FILE_COLUMNS " FROM files WHERE id = ?1");
  FileRecord file;
  const StoreStatus status = select ? readOne(select->bind(1, id), fileFromRow, file) : StoreStatus::kFailed;
  answer(std::move(done), status, std::move(file));
}

void SqliteStore::fileBytesOf(int64_t ownerId, Callback<int64_t> done) {
  StoreStatus status = StoreStatus::kOk;
  const int64_t bytes = bytesOf(*db_, ownerId, status);
  answer(std::move(done), status, bytes);
}

void SqliteStore::fileSharedWith(std::string id, int64_t userId, Callback<bool> done) {
  SqliteStatement* select = db_->prepare(
      "SELECT EXISTS (SELECT 1 FROM message_files f JOIN rooms r ON r.id = f.room_id WHERE f.file_id = ?1 AND "
      "(r.kind = 'public' OR EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = f.room_id AND m.user_id = ?2)))");
  bool shared = false;
  const StoreStatus status =
      select ? readOne(select->bind(1, id).bind(2, userId), [](SqliteStatement& s) { return s.columnInt(0) != 0; },
                       shared)
             : StoreStatus::kFailed;
  answer(std::move(done), status, shared);
}

void SqliteStore::collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<CollectedFile>> done) {
  enqueueWrite<std::vector<CollectedFile>>(
      [=](SqliteDatabase& db, std::vector<CollectedFile>& out) {
        SqliteStatement* collect = db.prepare(
            "DELETE FROM files WHERE id IN (SELECT id FROM files WHERE created_at < ?1 AND NOT EXISTS "
            "(SELECT 1 FROM message_files WHERE file_id = files.id) AND NOT EXISTS "
            "(SELECT 1 FROM users WHERE avatar_file_id = files.id) LIMIT ?2) "
            "RETURNING " CHATD_FILE_COLUMNS);
        if (!collect) return StoreStatus::kFailed;
        auto fromRow = [](const SqliteStatement& s) { return CollectedFile{fileFromRow(s)}; };
        if (const StoreStatus status = readAll(collect->bind(1, uploadedBeforeMs).bind(2, limit), fromRow, out);
            status != StoreStatus::kOk) {
          return status;
        }
        for (CollectedFile& c : out) {
          SqliteStatement* copies = db.prepare("SELECT NOT EXISTS (SELECT 1 FROM files WHERE sha256 = ?1)");
          if (!copies || readOne(copies->bind(1, c.file.sha256), [](SqliteStatement& s) { return s.columnInt(0) != 0; },
                                 c.lastCopy) != StoreStatus::kOk) {
            return StoreStatus::kFailed;
          }
        }
        return StoreStatus::kOk;
      },
      std::move(done));
}

}  // namespace chatd::store
