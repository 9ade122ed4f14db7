// SqliteStore's messages: per-room sequence numbers, idempotent sends, history
// pages and read marks. Reads answer at once; writes go through GroupCommit
// and answer after their COMMIT.
//
// Indexes: UNIQUE (room_id, seq) on messages is the index both history queries
// walk (room_id = ? AND seq > / < ?, in seq order), and the partial unique
// index on (sender_id, client_id) finds a resent message; no other is needed.
#include <algorithm>

#include "store/SqliteStore.h"

namespace chatd::store {

namespace {

constexpr int kMaxPage = 1000;

// The columns messageFromRow() reads, followed by each caller's WHERE clause.
#define CHATD_SELECT_MESSAGE                                                                       \
  "SELECT id, room_id, seq, sender_id, kind, content, coalesce(client_id, ''), created_at, "      \
  "coalesce(edited_at, 0), deleted FROM messages "

Message messageFromRow(const SqliteStatement& s) {
  return Message{s.columnInt(0),  s.columnInt(1),  s.columnInt(2), s.columnInt(3), s.columnText(4),
                 s.columnText(5), s.columnText(6), s.columnInt(7), s.columnInt(8), s.columnInt(9) != 0};
}

int64_t firstColumn(const SqliteStatement& s) { return s.columnInt(0); }

// Answers `done` with the rows of `select`, bound to (room, seq, limit), in
// ascending seq order.
void answerPage(SqliteStatement* select, int64_t roomId, int64_t seq, int limit, bool descending,
                Store::Callback<std::vector<Message>> done) {
  std::vector<Message> page;
  StoreStatus status = StoreStatus::kFailed;
  if (select) {
    status = readAll(select->bind(1, roomId).bind(2, seq).bind(3, std::clamp(limit, 1, kMaxPage)), messageFromRow,
                     page);
  }
  if (status != StoreStatus::kOk) page.clear();
  if (descending) std::reverse(page.begin(), page.end());
  done(status, std::move(page));
}

}  // namespace

void SqliteStore::appendMessage(int64_t roomId, int64_t senderId, std::string content, std::string clientId,
                                Callback<AppendResult> done) {
  enqueueWrite<AppendResult>(
      [=](SqliteDatabase& db, AppendResult& out) {
        // Looked up inside the write, so a resend queued in the same batch as
        // the original finds it too.
        if (!clientId.empty()) {
          SqliteStatement* find = db.prepare(CHATD_SELECT_MESSAGE "WHERE sender_id = ?1 AND client_id = ?2");
          if (!find) return StoreStatus::kFailed;
          const StoreStatus found = readOne(find->bind(1, senderId).bind(2, clientId), messageFromRow, out.message);
          if (found != StoreStatus::kNotFound) {
            out.duplicate = found == StoreStatus::kOk;
            return found;
          }
        }
        // The batch holds the write lock, so seqs follow commit order; a
        // failed insert rolls the bump back with its savepoint.
        SqliteStatement* bump = db.prepare("UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ?1 RETURNING last_seq");
        Message& m = out.message;
        const StoreStatus bumped = bump ? readOne(bump->bind(1, roomId), firstColumn, m.seq) : StoreStatus::kFailed;
        if (bumped != StoreStatus::kOk) return bumped;
        m.roomId = roomId;
        m.senderId = senderId;
        m.kind = "text";
        m.content = content;
        m.clientId = clientId;
        m.createdAt = nowMs();
        SqliteStatement* insert = db.prepare(
            "INSERT INTO messages (room_id, seq, sender_id, kind, content, client_id, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7)");
        if (!insert) return StoreStatus::kFailed;
        if (!insert->bind(1, roomId).bind(2, m.seq).bind(3, senderId).bind(4, m.kind).bind(5, content)
                 .bind(6, clientId).bind(7, m.createdAt).run()) {
          return failureStatus(db);
        }
        m.id = db.lastInsertRowid();
        return StoreStatus::kOk;
      },
      std::move(done));
}

void SqliteStore::messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<std::vector<Message>> done) {
  answerPage(db_->prepare(CHATD_SELECT_MESSAGE "WHERE room_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"), roomId,
             afterSeq, limit, false, std::move(done));
}

void SqliteStore::messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<std::vector<Message>> done) {
  // Walked downwards from beforeSeq so that LIMIT keeps the nearest ones.
  answerPage(db_->prepare(CHATD_SELECT_MESSAGE "WHERE room_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3"), roomId,
             beforeSeq, limit, true, std::move(done));
}

void SqliteStore::markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  enqueueWrite<int64_t>(
      [=](SqliteDatabase& db, int64_t& stored) {
        SqliteStatement* update = db.prepare(
            "UPDATE room_members SET last_read_seq = "
            "max(last_read_seq, min(?3, (SELECT last_seq FROM rooms WHERE id = ?1))) "
            "WHERE room_id = ?1 AND user_id = ?2 RETURNING last_read_seq");
        return update ? readOne(update->bind(1, roomId).bind(2, userId).bind(3, seq), firstColumn, stored)
                      : StoreStatus::kFailed;
      },
      std::move(done));
}

}  // namespace chatd::store
