// SqliteStore's file records (FileStore).
#include "store/SqliteStore.h"

namespace chatd::store {

namespace {

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
      db_->prepare("SELECT id, owner_id, name, content_type, size, sha256, created_at FROM files WHERE id = ?1");
  FileRecord file;
  const StoreStatus status =
      select ? readOne(select->bind(1, id),
                       [](SqliteStatement& s) {
                         return FileRecord{s.columnText(0), s.columnInt(1), s.columnText(2), s.columnText(3),
                                           s.columnInt(4),  s.columnText(5), s.columnInt(6)};
                       },
                       file)
             : StoreStatus::kFailed;
  answer(std::move(done), status, std::move(file));
}

void SqliteStore::fileBytesOf(int64_t ownerId, Callback<int64_t> done) {
  StoreStatus status = StoreStatus::kOk;
  const int64_t bytes = bytesOf(*db_, ownerId, status);
  answer(std::move(done), status, bytes);
}

}  // namespace chatd::store
