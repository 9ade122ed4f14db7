// SqliteStore's rooms: memberships, roles, direct rooms. Reads answer at the
// end of the iteration; writes go through GroupCommit and answer after their
// COMMIT.
#include <algorithm>
#include <memory>
#include <utility>

#include "store/SqliteStore.h"

namespace chatd::store {

namespace {

// A room as one user sees it: the room's columns and that user's membership.
// ?1 is the user; each caller adds its WHERE clause.
#define CHATD_SELECT_ROOM                                                                                 \
  "SELECT r.id, r.name, r.kind, r.topic, r.created_at, r.last_seq, coalesce(m.role, ''), "               \
  "coalesce(m.last_read_seq, 0) FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?1 "

// A membership with its user; ?1 is the room.
#define CHATD_SELECT_MEMBER                                                                        \
  "SELECT u.id, u.username, coalesce(u.nickname, ''), u.created_at, m.role, m.joined_at, "       \
  "u.state, coalesce(u.last_seen, 0), coalesce(u.avatar_file_id, '') "                          \
  "FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = ?1 "

// The schema's CHECKs admit only the named kinds and roles; anything else
// would read as the most closed one.
RoomKind kindFromColumn(const SqliteStatement& s, int column) {
  return parseRoomKind(s.columnText(column)).value_or(RoomKind::kPrivate);
}
MemberRole roleFromColumn(const SqliteStatement& s, int column) {
  return parseMemberRole(s.columnText(column)).value_or(MemberRole::kNone);
}

Room roomFromRow(const SqliteStatement& s) {
  Room room;
  room.id = s.columnInt(0);
  room.name = s.columnText(1);
  room.kind = kindFromColumn(s, 2);
  if (!s.columnIsNull(3)) room.topic = s.columnText(3);
  room.createdAt = s.columnInt(4);
  room.lastSeq = s.columnInt(5);
  room.role = roleFromColumn(s, 6);
  room.lastReadSeq = s.columnInt(7);
  return room;
}

RoomMember memberFromRow(const SqliteStatement& s) {
  return RoomMember{User{s.columnInt(0), s.columnText(1), s.columnText(2), s.columnInt(3),
                         static_cast<UserState>(s.columnInt(6)), s.columnInt(7), s.columnText(8)},
                    roleFromColumn(s, 4), s.columnInt(5)};
}

// Adds a membership unless one exists (whatever its role).
StoreStatus insertMember(SqliteDatabase& db, int64_t roomId, int64_t userId, MemberRole role, int64_t now) {
  SqliteStatement* insert = db.prepare(
      "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  if (!insert) return StoreStatus::kFailed;
  const bool ok = insert->bind(1, roomId).bind(2, userId).bind(3, memberRoleName(role)).bind(4, now).run();
  return ok ? StoreStatus::kOk : failureStatus(db);
}

StoreStatus readMember(SqliteDatabase& db, int64_t roomId, int64_t userId, RoomMember& out) {
  SqliteStatement* select = db.prepare(CHATD_SELECT_MEMBER "AND m.user_id = ?2");
  return select ? readOne(select->bind(1, roomId).bind(2, userId), memberFromRow, out) : StoreStatus::kFailed;
}

// Every row of `select` (bound; null when it did not compile) through
// `fromRow`; none unless kOk.
template <typename T, typename FromRow>
StoreStatus readList(SqliteStatement* select, FromRow fromRow, std::vector<T>& rows) {
  const StoreStatus status = select ? readAll(*select, fromRow, rows) : StoreStatus::kFailed;
  if (status != StoreStatus::kOk) rows.clear();
  return status;
}

constexpr int64_t kHourMs = 3'600'000;

std::string directKey(int64_t a, int64_t b) {
  return std::to_string(std::min(a, b)) + ":" + std::to_string(std::max(a, b));
}

}  // namespace

StoreStatus SqliteStore::readRoom(SqliteDatabase& db, int64_t roomId, int64_t userId, Room& out) {
  SqliteStatement* select = db.prepare(CHATD_SELECT_ROOM "WHERE r.id = ?2");
  return select ? readOne(select->bind(1, userId).bind(2, roomId), roomFromRow, out) : StoreStatus::kFailed;
}

void SqliteStore::listRooms(int64_t userId, int64_t afterRoomId, int limit, Callback<std::vector<Room>> done) {
  SqliteStatement* select = db_->prepare(
      CHATD_SELECT_ROOM "WHERE r.id > ?2 AND (r.kind = ?4 OR m.user_id IS NOT NULL) ORDER BY r.id LIMIT ?3");
  if (select) {
    select->bind(1, userId).bind(2, afterRoomId).bind(3, std::clamp(limit, 1, kMaxListPage));
    select->bind(4, roomKindName(RoomKind::kPublic));
  }
  std::vector<Room> rooms;
  const StoreStatus status = readList(select, roomFromRow, rooms);
  answer(std::move(done), status, std::move(rooms));
}

void SqliteStore::findRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  Room room;
  const StoreStatus status = readRoom(*db_, roomId, userId, room);
  answer(std::move(done), status, std::move(room));
}

void SqliteStore::createRoom(std::string name, RoomKind kind, std::optional<std::string> topic, int64_t ownerId,
                             uint32_t maxPerHour, Callback<Room> done) {
  enqueueWrite<Room>(
      [=](SqliteDatabase& db, Room& out) {
        const int64_t now = nowMs();
        if (maxPerHour > 0) {
          // Counted inside the write: creates racing in one batch see each other.
          SqliteStatement* recent = db.prepare(
              "SELECT count(*), coalesce(min(created_at), 0) FROM rooms WHERE created_by = ?1 AND created_at > ?2");
          auto fromRow = [](const SqliteStatement& s) { return std::pair(s.columnInt(0), s.columnInt(1)); };
          std::pair<int64_t, int64_t> countAndOldest;
          if (!recent || readOne(recent->bind(1, ownerId).bind(2, now - kHourMs), fromRow, countAndOldest) !=
                             StoreStatus::kOk) {
            return StoreStatus::kFailed;
          }
          out.createdAt = countAndOldest.second;
          if (countAndOldest.first >= maxPerHour) return StoreStatus::kOverQuota;
        }
        SqliteStatement* insert = db.prepare(
            "INSERT INTO rooms (name, kind, topic, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!insert) return StoreStatus::kFailed;
        insert->bind(1, name).bind(2, roomKindName(kind)).bind(4, ownerId).bind(5, now);
        if (topic) {
          insert->bind(3, *topic);
        } else {
          insert->bindNull(3);
        }
        if (!insert->run()) return failureStatus(db);
        const int64_t roomId = db.lastInsertRowid();
        const StoreStatus added = insertMember(db, roomId, ownerId, MemberRole::kOwner, now);
        return added == StoreStatus::kOk ? readRoom(db, roomId, ownerId, out) : added;
      },
      std::move(done));
}

void SqliteStore::joinRoom(int64_t roomId, int64_t userId, Callback<Room> done) {
  enqueueWrite<Room>(
      [=](SqliteDatabase& db, Room& out) {
        const StoreStatus added = insertMember(db, roomId, userId, MemberRole::kMember, nowMs());
        return added == StoreStatus::kOk ? readRoom(db, roomId, userId, out) : added;
      },
      std::move(done));
}

void SqliteStore::setMemberRole(int64_t roomId, int64_t userId, MemberRole role, Callback<RoomMember> done) {
  enqueueWrite<RoomMember>(
      [=](SqliteDatabase& db, RoomMember& out) {
        // The owner's row is left alone, whoever asks.
        SqliteStatement* upsert = db.prepare(
            "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role WHERE role != ?5");
        if (!upsert) return StoreStatus::kFailed;
        upsert->bind(1, roomId).bind(2, userId).bind(3, memberRoleName(role)).bind(4, nowMs());
        if (!upsert->bind(5, memberRoleName(MemberRole::kOwner)).run()) return failureStatus(db);
        const StoreStatus found = readMember(db, roomId, userId, out);
        if (found != StoreStatus::kOk) return found;
        return out.role == role ? StoreStatus::kOk : StoreStatus::kConflict;
      },
      std::move(done));
}

void SqliteStore::removeMember(int64_t roomId, int64_t userId, Callback<bool> done) {
  enqueueWrite<bool>(
      [=](SqliteDatabase& db, bool& removed) {
        SqliteStatement* remove =
            db.prepare("DELETE FROM room_members WHERE room_id = ?1 AND user_id = ?2 AND role != ?3");
        if (!remove || !remove->bind(1, roomId).bind(2, userId).bind(3, memberRoleName(MemberRole::kOwner)).run()) {
          return StoreStatus::kFailed;
        }
        removed = db.changes() > 0;
        if (removed) return StoreStatus::kOk;
        RoomMember left;
        const StoreStatus found = readMember(db, roomId, userId, left);
        return found == StoreStatus::kOk ? StoreStatus::kConflict : found;  // still there: the owner
      },
      std::move(done));
}

void SqliteStore::deleteRoom(int64_t roomId, Callback<bool> done) {
  enqueueWrite<bool>(
      [=](SqliteDatabase& db, bool& deleted) {
        SqliteStatement* remove = db.prepare("DELETE FROM rooms WHERE id = ?1");
        if (!remove || !remove->bind(1, roomId).run()) return StoreStatus::kFailed;
        deleted = db.changes() > 0;
        return deleted ? StoreStatus::kOk : StoreStatus::kNotFound;
      },
      std::move(done));
}

void SqliteStore::listMembers(int64_t roomId, MemberCursor after, int limit, Callback<std::vector<RoomMember>> done) {
  SqliteStatement* select = db_->prepare(
      CHATD_SELECT_MEMBER "AND (m.joined_at, m.user_id) > (?2, ?3) ORDER BY m.joined_at, m.user_id LIMIT ?4");
  if (select) {
    select->bind(1, roomId).bind(2, after.joinedAt).bind(3, after.userId).bind(4, std::clamp(limit, 1, kMaxListPage));
  }
  std::vector<RoomMember> members;
  const StoreStatus status = readList(select, memberFromRow, members);
  answer(std::move(done), status, std::move(members));
}

void SqliteStore::openDirectRoom(int64_t userId, int64_t otherId, Callback<DirectRoom> done) {
  const std::string key = directKey(userId, otherId);
  SqliteStatement* select = db_->prepare(CHATD_SELECT_ROOM "WHERE r.direct_key = ?2");
  DirectRoom found;
  const StoreStatus status =
      select ? readOne(select->bind(1, userId).bind(2, key), roomFromRow, found.room) : StoreStatus::kFailed;
  if (status != StoreStatus::kNotFound) return answer(std::move(done), status, std::move(found));
  enqueueWrite<DirectRoom>(
      [=](SqliteDatabase& db, DirectRoom& out) {
        const int64_t now = nowMs();
        // Named after both users; ON CONFLICT: another write of this batch made it first.
        SqliteStatement* insert = db.prepare(
            "INSERT INTO rooms (name, kind, created_by, created_at, direct_key) "
            "SELECT coalesce((SELECT username FROM users WHERE id = ?1), '') || ' & ' || "
            "coalesce((SELECT username FROM users WHERE id = ?2), ''), ?5, ?1, ?3, ?4 "
            "WHERE true ON CONFLICT (direct_key) DO NOTHING");
        if (!insert || !insert->bind(1, std::min(userId, otherId)).bind(2, std::max(userId, otherId))
                             .bind(3, now).bind(4, key).bind(5, roomKindName(RoomKind::kDirect)).run()) {
          return failureStatus(db);
        }
        out.created = db.changes() > 0;
        SqliteStatement* find = db.prepare("SELECT id FROM rooms WHERE direct_key = ?1");
        int64_t roomId = 0;
        auto id = [](const SqliteStatement& s) { return s.columnInt(0); };
        if (!find || readOne(find->bind(1, key), id, roomId) != StoreStatus::kOk) return StoreStatus::kFailed;
        for (const int64_t member : {userId, otherId}) {
          const StoreStatus added = insertMember(db, roomId, member, MemberRole::kMember, now);
          if (added != StoreStatus::kOk) return added;
        }
        return readRoom(db, roomId, userId, out.room);
      },
      std::move(done));
}

void SqliteStore::shareRoom(int64_t userId, int64_t otherId, Callback<bool> done) {
  // The first user's rooms (room_members_by_user), each looked up for the other (the primary key).
  SqliteStatement* select = db_->prepare(
      "SELECT EXISTS (SELECT 1 FROM room_members a JOIN room_members b ON b.room_id = a.room_id AND b.user_id = ?2 "
      "WHERE a.user_id = ?1)");
  bool shared = false;
  const StoreStatus status =
      select ? readOne(select->bind(1, userId).bind(2, otherId),
                       [](const SqliteStatement& s) { return s.columnInt(0) != 0; }, shared)
             : StoreStatus::kFailed;
  answer(std::move(done), status, shared);
}

}  // namespace chatd::store
