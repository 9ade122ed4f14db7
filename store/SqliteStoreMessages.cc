// SqliteStore's messages: per-room sequence numbers, idempotent sends, history
// pages, read and received marks, edits, deletes and reactions. Reads answer
// at the end of the iteration; writes go through GroupCommit and answer after
// their COMMIT.
//
// Indexes: UNIQUE (room_id, seq) on messages is the index both history queries
// walk (room_id = ? AND seq > / < ?, in seq order), and the partial unique
// index on (sender_id, client_id) finds a resent message. The primary key of
// reactions starts with message_id, so a page's reactions are found by joining
// its seq range to them, and a message's by a prefix of that key.
// room_members_by_received (room_id, last_received_seq) gives a room's
// watermarks furthest first.
#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "store/MessageDetails.h"
#include "store/SqliteStore.h"

namespace chatd::store {

namespace {

constexpr int kMaxPage = 1000;

// The columns messageFromRow() reads: after SELECT (CHATD_SELECT_MESSAGE,
// followed by each caller's WHERE clause) or RETURNING.
#define CHATD_MESSAGE_COLUMNS \
  "id, room_id, seq, sender_id, kind, content, coalesce(client_id, ''), created_at, coalesce(edited_at, 0), deleted, " \
  "details "
// A SELECT also names the sender (RETURNING cannot read another table).
#define CHATD_SELECT_MESSAGE                                                                                \
  "SELECT " CHATD_MESSAGE_COLUMNS ", (SELECT username FROM users WHERE id = sender_id), "                  \
  "coalesce((SELECT nickname FROM users WHERE id = sender_id), ''), "                                      \
  "coalesce((SELECT avatar_file_id FROM users WHERE id = sender_id), '') FROM messages "

Message messageFromRow(const SqliteStatement& s) {
  Message m;
  m.id = s.columnInt(0);
  m.roomId = s.columnInt(1);
  m.seq = s.columnInt(2);
  m.senderId = s.columnInt(3);
  m.kind = s.columnText(4);
  m.content = s.columnText(5);
  m.clientId = s.columnText(6);
  m.createdAt = s.columnInt(7);
  m.editedAt = s.columnInt(8);
  m.deleted = s.columnInt(9) != 0;
  decodeMessageDetails(s.columnBlob(10), m);
  if (s.columnCount() > 11) {
    m.senderUsername = s.columnText(11);
    m.senderNickname = s.columnText(12);
    m.senderAvatarFileId = s.columnText(13);
  }
  return m;
}

int64_t firstColumn(const SqliteStatement& s) { return s.columnInt(0); }

// One message of one room, deleted or not; its reactions are not filled in.
StoreStatus readMessage(SqliteDatabase& db, int64_t roomId, int64_t messageId, Message& out) {
  SqliteStatement* select = db.prepare(CHATD_SELECT_MESSAGE "WHERE id = ?1 AND room_id = ?2");
  return select ? readOne(select->bind(1, messageId).bind(2, roomId), messageFromRow, out) : StoreStatus::kFailed;
}

// Fills in the reactions of `messages`, all of room `roomId` in ascending seq
// order, with one query over their seq range: counts grouped by (seq, emoji),
// in that order, merged in one walk.
StoreStatus fillReactions(SqliteDatabase& db, int64_t roomId, std::span<Message> messages) {
  if (messages.empty()) return StoreStatus::kOk;
  struct Row {
    int64_t seq;
    ReactionCount reaction;
  };
  SqliteStatement* select = db.prepare(
      "SELECT m.seq, r.emoji, count(*) FROM messages m JOIN reactions r ON r.message_id = m.id "
      "WHERE m.room_id = ?1 AND m.seq BETWEEN ?2 AND ?3 GROUP BY m.seq, r.emoji ORDER BY m.seq, r.emoji");
  if (!select) return StoreStatus::kFailed;
  std::vector<Row> rows;
  auto fromRow = [](const SqliteStatement& s) { return Row{s.columnInt(0), {s.columnText(1), s.columnInt(2)}}; };
  const StoreStatus status =
      readAll(select->bind(1, roomId).bind(2, messages.front().seq).bind(3, messages.back().seq), fromRow, rows);
  if (status != StoreStatus::kOk) return status;
  auto message = messages.begin();
  for (Row& row : rows) {
    while (message != messages.end() && message->seq < row.seq) ++message;
    if (message == messages.end()) break;
    if (message->seq == row.seq) message->reactions.push_back(std::move(row.reaction));
  }
  return StoreStatus::kOk;
}

// The rows of `sql`, bound to (room, seq, limit), in ascending seq order,
// reactions filled in, and where the room starts; no rows unless kOk.
StoreStatus readPage(SqliteDatabase& db, const char* sql, int64_t roomId, int64_t seq, int limit, bool descending,
                     MessagePage& page) {
  SqliteStatement* select = db.prepare(sql);
  StoreStatus status = StoreStatus::kFailed;
  if (select) {
    status = readAll(select->bind(1, roomId).bind(2, seq).bind(3, std::clamp(limit, 1, kMaxPage)), messageFromRow,
                     page.messages);
  }
  if (descending) std::reverse(page.messages.begin(), page.messages.end());
  if (status == StoreStatus::kOk) status = fillReactions(db, roomId, page.messages);
  // The oldest row held (one step down the (room_id, seq) index); a room
  // without any has had no message yet.
  SqliteStatement* first = db.prepare("SELECT coalesce(min(seq), 1) FROM messages WHERE room_id = ?1");
  if (status == StoreStatus::kOk) {
    status = first ? readOne(first->bind(1, roomId), firstColumn, page.firstSeq) : StoreStatus::kFailed;
  }
  if (status != StoreStatus::kOk) page.messages.clear();
  return status;
}

// Trims room `roomId`, whose newest seq is `lastSeq`, to its newest
// `historyMax` messages (at most kMaxTrimmedAtOnce deleted); the foreign keys
// delete their reactions, and their client ids go with their rows.
bool trimRoom(SqliteDatabase& db, int64_t roomId, int64_t lastSeq, uint32_t historyMax) {
  SqliteStatement* trim = db.prepare(
      "DELETE FROM messages WHERE id IN "
      "(SELECT id FROM messages WHERE room_id = ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3)");
  return trim && trim->bind(1, roomId).bind(2, lastSeq - historyMax).bind(3, MessageLog::kMaxTrimmedAtOnce).run();
}

// Records that message `m` carries its attachments' files; a file that is
// gone fails the foreign key (kNotFound).
StoreStatus referenceFiles(SqliteDatabase& db, const Message& m) {
  for (const Attachment& a : m.attachments) {
    SqliteStatement* insert =
        db.prepare("INSERT OR IGNORE INTO message_files (message_id, file_id, room_id) VALUES (?1, ?2, ?3)");
    if (!insert) return StoreStatus::kFailed;
    if (!insert->bind(1, m.id).bind(2, a.fileId).bind(3, m.roomId).run()) return failureStatus(db);
  }
  return StoreStatus::kOk;
}

}  // namespace

void SqliteStore::append(NewMessage message, std::shared_ptr<const MessageAnnouncement> /*announce*/,
                         Callback<AppendResult> done) {
  // Never announced here: the caller publishes on its in-process bus.
  enqueueWrite<AppendResult>(
      [=, this](SqliteDatabase& db, AppendResult& out) {
        const int64_t roomId = message.roomId;
        const int64_t senderId = message.senderId;
        // Looked up inside the write, so a resend queued in the same batch as
        // the original finds it too.
        if (!message.clientId.empty()) {
          SqliteStatement* find = db.prepare(CHATD_SELECT_MESSAGE "WHERE sender_id = ?1 AND client_id = ?2");
          if (!find) return StoreStatus::kFailed;
          const StoreStatus found =
              readOne(find->bind(1, senderId).bind(2, message.clientId), messageFromRow, out.message);
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
        m.kind = message.kind;
        m.content = message.content;
        m.clientId = message.clientId;
        m.attachments = message.attachments;
        m.call = message.call;
        m.createdAt = nowMs();
        SqliteStatement* insert = db.prepare(
            "INSERT INTO messages (room_id, seq, sender_id, kind, content, client_id, created_at, details) "
            "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?8)");
        if (!insert) return StoreStatus::kFailed;
        if (!insert->bind(1, roomId).bind(2, m.seq).bind(3, senderId).bind(4, m.kind).bind(5, m.content)
                 .bind(6, m.clientId).bind(7, m.createdAt).bindBlob(8, encodeMessageDetails(m.attachments, m.call)).run()) {
          return failureStatus(db);
        }
        m.id = db.lastInsertRowid();
        if (const StoreStatus referenced = referenceFiles(db, m); referenced != StoreStatus::kOk) return referenced;
        // Amortized: the appends between two trims run no statement for it.
        if (historyMax_ > 0 && m.seq > historyMax_ && m.seq % trimEvery(historyMax_) == 0 &&
            !trimRoom(db, roomId, m.seq, historyMax_)) {
          return StoreStatus::kFailed;
        }
        // Whoever posts a message has read the room up to it.
        SqliteStatement* read = db.prepare(
            "UPDATE room_members SET last_read_seq = max(last_read_seq, ?3), "
            "last_received_seq = max(last_received_seq, ?3) WHERE room_id = ?1 AND user_id = ?2");
        return read && read->bind(1, roomId).bind(2, senderId).bind(3, m.seq).run() ? StoreStatus::kOk
                                                                                  : StoreStatus::kFailed;
      },
      std::move(done));
}

void SqliteStore::messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<MessagePage> done) {
  MessagePage page;
  const StoreStatus status = readPage(*db_, CHATD_SELECT_MESSAGE "WHERE room_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                                      roomId, afterSeq, limit, false, page);
  answer(std::move(done), status, std::move(page));
}

void SqliteStore::messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<MessagePage> done) {
  // Walked downwards from beforeSeq so that LIMIT keeps the nearest ones.
  MessagePage page;
  const StoreStatus status = readPage(
      *db_, CHATD_SELECT_MESSAGE "WHERE room_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3", roomId, beforeSeq,
      limit, true, page);
  answer(std::move(done), status, std::move(page));
}

// The seq a mark moves to: the one asked for, capped at the room's last.
#define CHATD_CAPPED_SEQ "min(?3, (SELECT last_seq FROM rooms WHERE id = ?1))"

void SqliteStore::markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  moveMark("UPDATE room_members SET last_read_seq = max(last_read_seq, " CHATD_CAPPED_SEQ "), "
           "last_received_seq = max(last_received_seq, " CHATD_CAPPED_SEQ ") "
           "WHERE room_id = ?1 AND user_id = ?2 RETURNING last_read_seq",
           roomId, userId, seq, std::move(done));
}

void SqliteStore::markReceived(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  moveMark("UPDATE room_members SET last_received_seq = max(last_received_seq, " CHATD_CAPPED_SEQ ") "
           "WHERE room_id = ?1 AND user_id = ?2 RETURNING last_received_seq",
           roomId, userId, seq, std::move(done));
}

void SqliteStore::moveMark(const char* sql, int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  enqueueWrite<int64_t>(
      [=](SqliteDatabase& db, int64_t& stored) {
        SqliteStatement* update = db.prepare(sql);
        return update ? readOne(update->bind(1, roomId).bind(2, userId).bind(3, seq), firstColumn, stored)
                      : StoreStatus::kFailed;
      },
      std::move(done));
}

void SqliteStore::watermarks(int64_t roomId, int64_t fromSeq, Callback<std::vector<Watermark>> done) {
  // The (room_id, last_received_seq) index, walked down from the furthest.
  SqliteStatement* select = db_->prepare(
      "SELECT user_id, last_received_seq, last_read_seq FROM room_members "
      "WHERE room_id = ?1 AND last_received_seq >= ?2 ORDER BY last_received_seq DESC LIMIT ?3");
  std::vector<Watermark> marks;
  auto fromRow = [](const SqliteStatement& s) { return Watermark{s.columnInt(0), s.columnInt(1), s.columnInt(2)}; };
  const StoreStatus status =
      select ? readAll(select->bind(1, roomId).bind(2, fromSeq).bind(3, kMaxWatermarks), fromRow, marks)
             : StoreStatus::kFailed;
  answer(std::move(done), status, std::move(marks));
}


void SqliteStore::findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  Message found;
  StoreStatus status = readMessage(*db_, roomId, messageId, found);
  if (status == StoreStatus::kOk) status = fillReactions(*db_, roomId, std::span(&found, 1));
  answer(std::move(done), status, std::move(found));
}

void SqliteStore::editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) {
  enqueueWrite<Message>(
      [=](SqliteDatabase& db, Message& out) {
        SqliteStatement* update = db.prepare(
            "UPDATE messages SET content = ?3, edited_at = ?4 WHERE id = ?1 AND room_id = ?2 AND deleted = 0 "
            "RETURNING " CHATD_MESSAGE_COLUMNS);
        if (!update) return StoreStatus::kFailed;
        const StoreStatus updated =
            readOne(update->bind(1, messageId).bind(2, roomId).bind(3, content).bind(4, nowMs()), messageFromRow, out);
        return updated == StoreStatus::kOk ? fillReactions(db, roomId, std::span(&out, 1)) : updated;
      },
      std::move(done));
}

void SqliteStore::deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  enqueueWrite<Message>(
      [=](SqliteDatabase& db, Message& out) {
        SqliteStatement* update = db.prepare(
            "UPDATE messages SET deleted = 1, content = '', details = NULL WHERE id = ?1 AND room_id = ?2 "
            "AND deleted = 0 RETURNING " CHATD_MESSAGE_COLUMNS);
        if (!update) return StoreStatus::kFailed;
        const StoreStatus updated = readOne(update->bind(1, messageId).bind(2, roomId), messageFromRow, out);
        if (updated != StoreStatus::kOk) return updated;
        SqliteStatement* unreact = db.prepare("DELETE FROM reactions WHERE message_id = ?1");
        SqliteStatement* unshare = db.prepare("DELETE FROM message_files WHERE message_id = ?1");
        return unreact && unreact->bind(1, messageId).run() && unshare && unshare->bind(1, messageId).run()
                   ? StoreStatus::kOk
                   : StoreStatus::kFailed;
      },
      std::move(done));
}

void SqliteStore::toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji,
                                 uint32_t maxPerUser, Callback<ReactionChange> done) {
  enqueueWrite<ReactionChange>(
      [=](SqliteDatabase& db, ReactionChange& out) {
        const StoreStatus found = readMessage(db, roomId, messageId, out.message);
        if (found != StoreStatus::kOk) return found;
        if (out.message.deleted) return StoreStatus::kNotFound;
        SqliteStatement* remove =
            db.prepare("DELETE FROM reactions WHERE message_id = ?1 AND user_id = ?2 AND emoji = ?3");
        if (!remove || !remove->bind(1, messageId).bind(2, userId).bind(3, emoji).run()) return StoreStatus::kFailed;
        out.added = db.changes() == 0;
        if (out.added) {
          SqliteStatement* mine = db.prepare("SELECT count(*) FROM reactions WHERE message_id = ?1 AND user_id = ?2");
          int64_t distinct = 0;
          if (!mine || readOne(mine->bind(1, messageId).bind(2, userId), firstColumn, distinct) != StoreStatus::kOk) {
            return StoreStatus::kFailed;
          }
          if (distinct >= maxPerUser) return StoreStatus::kOverQuota;
          SqliteStatement* insert = db.prepare(
              "INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES (?1, ?2, ?3, ?4)");
          if (!insert) return StoreStatus::kFailed;
          // A user who does not exist fails the foreign key: kNotFound.
          if (!insert->bind(1, messageId).bind(2, userId).bind(3, emoji).bind(4, nowMs()).run()) {
            return failureStatus(db);
          }
        }
        SqliteStatement* count = db.prepare("SELECT count(*) FROM reactions WHERE message_id = ?1 AND emoji = ?2");
        return count ? readOne(count->bind(1, messageId).bind(2, emoji), firstColumn, out.count) : StoreStatus::kFailed;
      },
      std::move(done));
}

}  // namespace chatd::store
