#include "store/redis/RedisImport.h"

#include <cstdio>
#include <vector>

#include "store/MessageDetails.h"
#include "store/RoomKinds.h"
#include "store/Schema.h"
#include "store/redis/MsgPackWriter.h"
#include "store/redis/RedisKeys.h"

namespace chatd::store {
namespace {

// Rows per page: a page is one command per key it touches (an HSET of 500
// fields), small enough that a few in flight stay a few MiB.
constexpr int kPage = 500;

using Command = std::vector<std::string>;
using Step = SqliteStatement::Step;
std::string text(int64_t value) { return std::to_string(value); }

// A command that sets many fields of one key (HSET, ZADD, SADD): sent only
// when something was added.
struct Fields {
  Command command;
  explicit Fields(std::initializer_list<std::string> head) : command(head) {}
  void add(std::string member) { command.push_back(std::move(member)); }
  void add(std::string a, std::string b) {
    command.push_back(std::move(a));
    command.push_back(std::move(b));
  }
  void sendTo(RedisPipeline& redis) {
    if (command.size() > 2) redis.write(std::move(command));
  }
};

// A glob that matches exactly the keys starting with `prefix`.
std::string prefixPattern(const std::string& prefix) {
  std::string pattern;
  for (const char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "*";
}

class Importer {
 public:
  Importer(SqliteDatabase& db, RedisPipeline& redis, std::string prefix)
      : db_(db), redis_(redis), p_(std::move(prefix)) {}

  bool targetEmpty(std::string& error);
  bool copy(const std::string& jwtSecret, std::string& error);

 private:
  struct RoomRow {
    int64_t id;
    std::string name, kind, topic, directKey;
    bool hasTopic;
    int64_t createdBy, createdAt, lastSeq;
    int64_t firstSeq;  // the oldest message kept (> 1: --history-max trimmed the room)
  };
  struct ReactionRow {
    int64_t messageId;
    std::string emoji;
    int64_t userId;
  };

  // Each copies one entity page by page; false with error_ when reading fails.
  bool copyUsers();
  // A table of (text key, expiry) rows into a ZSET scored by expiry:
  // `select` takes the key to page after and the page size.
  bool copyExpiring(const char* select, const std::string& zset, const char* what);
  bool copyRegistrationMode();
  bool copyRooms();
  bool copyRoom(const RoomRow& room);
  bool copyMembers(int64_t roomId);
  bool copyMessages(int64_t roomId);
  bool copyReactions(int64_t roomId, int64_t fromSeq, int64_t toSeq);
  // File records with their reference counts, the rooms that share each,
  // the per-room counts, the blobs' record counts and the owners' bytes.
  bool copyFiles();
  bool copyFileRooms();
  bool setCounter(const char* name, const char* maxSql);
  bool fail(const char* what) {
    error_ = std::string("reading ") + what + ": " + db_.errorMessage();
    return false;
  }

  SqliteDatabase& db_;
  RedisPipeline& redis_;
  const std::string p_;
  std::string error_;
};

bool Importer::targetEmpty(std::string& error) {
  // SCAN until a key turns up or the cursor comes back to 0.
  std::string cursor = "0";
  bool found = false;
  do {
    redis_.read({"SCAN", cursor, "MATCH", prefixPattern(p_), "COUNT", "100"}, [&](const RedisReply& reply) {
      if (reply.elements.size() != 2) return;
      cursor = reply.elements[0].text;
      found = !reply.elements[1].elements.empty();
    });
    if (!redis_.wait(error)) return false;
  } while (!found && cursor != "0");
  if (found) error = "the target is not empty: it has keys under the prefix '" + p_ + "'";
  return !found;
}

bool Importer::copy(const std::string& jwtSecret, std::string& error) {
  const bool copied = copyUsers() &&
                      copyExpiring("SELECT token_id, expires_at FROM revoked_tokens WHERE token_id > ?1 "
                                   "ORDER BY token_id LIMIT ?2",
                                   p_ + "revoked", "revoked tokens") &&
                      copyExpiring("SELECT digest, expires_at FROM invites WHERE digest > ?1 ORDER BY digest LIMIT ?2",
                                   p_ + "invites", "invites") &&
                      copyRegistrationMode() && copyRooms() && copyFiles() && copyFileRooms() &&
                      setCounter("user:next", "SELECT coalesce(max(id), 0) FROM users") &&
                      setCounter("room:next", "SELECT coalesce(max(id), 0) FROM rooms") &&
                      setCounter("msg:next", "SELECT coalesce(max(id), 0) FROM messages");
  if (!copied) {
    error = error_;
    return false;
  }
  if (!jwtSecret.empty()) redis_.write({"SET", p_ + "jwt-secret", jwtSecret});
  // One instance: nodes given several --redis URLs are refused (RedisShardCount.h).
  redis_.write({"SET", p_ + "shards", "1"});
  return redis_.wait(error);
}

bool Importer::copyUsers() {
  SqliteStatement* select = db_.prepare(
      "SELECT id, username, username_key, nickname, password_hash, external_subject, created_at, last_seen, state, "
      "avatar_file_id FROM users WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!select) return fail("users");
  for (int64_t after = 0, rows = kPage; rows == kPage;) {
    Fields usernames{"HSET", p_ + "usernames"};
    Fields external{"HSET", p_ + "external"};
    Fields avatars{"SADD", p_ + "avatars"};
    select->bind(1, after).bind(2, kPage);
    Step step;
    for (rows = 0; (step = select->step()) == Step::kRow; ++rows) {
      after = select->columnInt(0);
      Fields user{"HSET", redis_keys::user(p_, after)};
      user.add("username", select->columnText(1));
      user.add("created_at", text(select->columnInt(6)));
      // A NULL column stays an absent field.
      if (!select->columnIsNull(3)) user.add("nickname", select->columnText(3));
      if (!select->columnIsNull(4)) user.add("password_hash", select->columnText(4));
      if (!select->columnIsNull(7)) user.add("last_seen", text(select->columnInt(7)));
      // Active is the absent field; a ban or deletion goes along.
      if (select->columnInt(8) != 0) user.add("state", text(select->columnInt(8)));
      if (!select->columnIsNull(9)) {
        user.add("avatar", select->columnText(9));
        avatars.add(select->columnText(9));
      }
      user.sendTo(redis_);
      // A user known only from tokens signs in by subject, never by name.
      if (select->columnIsNull(5)) {
        usernames.add(select->columnText(2), text(after));
      } else {
        external.add(select->columnText(5), text(after));
      }
    }
    select->reset();
    if (step == Step::kError) return fail("users");
    usernames.sendTo(redis_);
    external.sendTo(redis_);
    avatars.sendTo(redis_);
  }
  return true;
}

bool Importer::copyExpiring(const char* sql, const std::string& zset, const char* what) {
  SqliteStatement* select = db_.prepare(sql);
  if (!select) return fail(what);
  std::string after;
  for (int rows = kPage; rows == kPage;) {
    Fields scored{"ZADD", zset};
    select->bind(1, after).bind(2, kPage);
    Step step;
    for (rows = 0; (step = select->step()) == Step::kRow; ++rows) {
      after = select->columnText(0);
      scored.add(text(select->columnInt(1)), after);
    }
    select->reset();
    if (step == Step::kError) return fail(what);
    scored.sendTo(redis_);
  }
  return true;
}

bool Importer::copyRegistrationMode() {
  SqliteStatement* select = db_.prepare("SELECT value FROM settings WHERE name = 'registration'");
  if (!select) return fail("settings");
  const Step step = select->step();
  if (step == Step::kRow) redis_.write({"HSET", p_ + "settings", "registration", select->columnText(0)});
  select->reset();
  return step != Step::kError || fail("settings");
}

bool Importer::copyRooms() {
  SqliteStatement* select = db_.prepare(
      "SELECT id, name, kind, topic, coalesce(created_by, 0), created_at, coalesce(direct_key, ''), last_seq, "
      "coalesce((SELECT min(seq) FROM messages WHERE room_id = rooms.id), 1) "
      "FROM rooms WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!select) return fail("rooms");
  for (int64_t after = 0;;) {
    // A page of rooms is read whole before their members and messages are.
    std::vector<RoomRow> page;
    select->bind(1, after).bind(2, kPage);
    Step step;
    while ((step = select->step()) == Step::kRow) {
      page.push_back({select->columnInt(0), select->columnText(1), select->columnText(2), select->columnText(3),
                      select->columnText(6), !select->columnIsNull(3), select->columnInt(4), select->columnInt(5),
                      select->columnInt(7), select->columnInt(8)});
    }
    select->reset();
    if (step == Step::kError) return fail("rooms");
    for (const RoomRow& room : page) {
      if (!copyRoom(room)) return false;
    }
    if (page.size() < static_cast<size_t>(kPage)) return true;
    after = page.back().id;
  }
}

bool Importer::copyRoom(const RoomRow& room) {
  const std::string id = text(room.id);
  Fields fields{"HSET", redis_keys::room(p_, room.id)};
  fields.add("name", room.name);
  fields.add("kind", room.kind);
  if (room.hasTopic) fields.add("topic", room.topic);
  fields.add("created_at", text(room.createdAt));
  fields.add("last_seq", text(room.lastSeq));
  if (room.firstSeq > 1) fields.add("first_seq", text(room.firstSeq));  // pages start there
  if (!room.directKey.empty()) fields.add("direct", room.directKey);  // for deleteRoom
  fields.sendTo(redis_);
  if (room.kind == roomKindName(RoomKind::kPublic)) redis_.write({"ZADD", p_ + "rooms:public", id, id});
  if (!room.directKey.empty()) redis_.write({"HSET", p_ + "direct", room.directKey, id});
  // The hourly quota counts the rooms made by createRoom, not direct rooms.
  if (room.createdBy != 0 && room.directKey.empty()) {
    redis_.write({"ZADD", redis_keys::user(p_, room.createdBy) + ":created", text(room.createdAt), id});
  }
  return copyMembers(room.id) && copyMessages(room.id);
}

bool Importer::copyMembers(int64_t roomId) {
  SqliteStatement* select = db_.prepare(
      "SELECT user_id, role, joined_at, last_read_seq, max(last_read_seq, last_received_seq) FROM room_members "
      "WHERE room_id = ?1 AND user_id > ?2 "
      "ORDER BY user_id LIMIT ?3");
  if (!select) return fail("members");
  const std::string room = text(roomId);
  for (int64_t after = 0, rows = kPage; rows == kPage;) {
    Fields roles{"HSET", redis_keys::roomPart(p_, roomId, "roles")};
    Fields joined{"ZADD", redis_keys::roomPart(p_, roomId, "joined")};
    Fields reads{"HSET", redis_keys::roomPart(p_, roomId, "reads")};
    Fields received{"ZADD", redis_keys::roomPart(p_, roomId, "received")};
    select->bind(1, roomId).bind(2, after).bind(3, kPage);
    Step step;
    for (rows = 0; (step = select->step()) == Step::kRow; ++rows) {
      after = select->columnInt(0);
      const MemberRole role = parseMemberRole(select->columnText(1)).value_or(MemberRole::kMember);
      roles.add(text(after), text(static_cast<int>(role)));
      char padded[24];
      std::snprintf(padded, sizeof padded, "%020lld", static_cast<long long>(after));
      joined.add(text(select->columnInt(2)), padded);
      if (select->columnInt(3) > 0) reads.add(text(after), text(select->columnInt(3)));
      if (select->columnInt(4) > 0) received.add(text(select->columnInt(4)), text(after));
      redis_.write({"ZADD", redis_keys::user(p_, after) + ":rooms", room, room});
    }
    select->reset();
    if (step == Step::kError) return fail("members");
    roles.sendTo(redis_);
    joined.sendTo(redis_);
    reads.sendTo(redis_);
    received.sendTo(redis_);
  }
  return true;
}

bool Importer::copyMessages(int64_t roomId) {
  SqliteStatement* select = db_.prepare(
      "SELECT id, seq, sender_id, kind, content, coalesce(client_id, ''), created_at, coalesce(edited_at, 0), "
      "deleted, details FROM messages WHERE room_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  if (!select) return fail("messages");
  MsgPackWriter record;
  for (int64_t after = 0, rows = kPage; rows == kPage;) {
    Fields log{"HSET", redis_keys::roomPart(p_, roomId, "log")};
    Fields ids{"HSET", redis_keys::roomPart(p_, roomId, "ids")};
    Fields clients{"HSET", redis_keys::roomPart(p_, roomId, "clients")};
    const int64_t first = after + 1;
    select->bind(1, roomId).bind(2, after).bind(3, kPage);
    Step step;
    for (rows = 0; (step = select->step()) == Step::kRow; ++rows) {
      const int64_t id = select->columnInt(0);
      after = select->columnInt(1);
      const std::string seq = text(after);
      const std::string clientId = select->columnText(5);
      // [id, sender_id, kind, content, client_id, created_at, edited_at, deleted, details(, file ids)]
      const std::string details = select->columnBlob(9);
      Message carried;
      decodeMessageDetails(details, carried);
      record.array(carried.attachments.empty() ? 9 : 10).integer(id).integer(select->columnInt(2)).string(select->columnText(3));
      record.string(select->columnText(4)).string(clientId).integer(select->columnInt(6));
      record.integer(select->columnInt(7)).integer(select->columnInt(8) != 0 ? 1 : 0);
      record.string(details);
      if (!carried.attachments.empty()) {
        record.array(static_cast<uint32_t>(carried.attachments.size()));
        for (const Attachment& a : carried.attachments) record.string(a.fileId);
      }
      log.add(seq, record.take());
      ids.add(text(id), seq);
      if (!clientId.empty()) clients.add(text(select->columnInt(2)) + ":" + clientId, seq);
    }
    select->reset();
    if (step == Step::kError) return fail("messages");
    log.sendTo(redis_);
    ids.sendTo(redis_);
    clients.sendTo(redis_);
    if (rows > 0 && !copyReactions(roomId, first, after)) return false;
  }
  return true;
}

bool Importer::copyFiles() {
  SqliteStatement* select = db_.prepare(
      "SELECT id, owner_id, name, content_type, size, sha256, created_at, "
      "(SELECT count(*) FROM message_files WHERE file_id = files.id) FROM files WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!select) return fail("files");
  std::string after;
  for (;;) {
    select->bind(1, after).bind(2, kPage);
    Fields idle{"ZADD", p_ + "files:idle"};
    Step step;
    int count = 0;
    for (; (step = select->step()) == Step::kRow; ++count) {
      after = select->columnText(0);
      const std::string owner = text(select->columnInt(1));
      const std::string size = text(select->columnInt(4));
      const std::string createdAt = text(select->columnInt(6));
      const int64_t refs = select->columnInt(7);
      redis_.write({"HSET", p_ + "file:" + after, "owner_id", owner, "name", select->columnText(2), "content_type",
                    select->columnText(3), "size", size, "sha256", select->columnText(5), "created_at", createdAt,
                    "refs", text(refs)});
      redis_.write({"INCRBY", redis_keys::userPart(p_, select->columnInt(1), "file-bytes"), size});
      redis_.write({"HINCRBY", p_ + "blobs", select->columnText(5), "1"});
      if (refs == 0) idle.add(createdAt, after);
    }
    select->reset();
    if (step == Step::kError) return fail("files");
    idle.sendTo(redis_);
    if (count < kPage) return true;
  }
}

bool Importer::copyFileRooms() {
  SqliteStatement* select = db_.prepare(
      "SELECT file_id, room_id, count(*) FROM message_files GROUP BY file_id, room_id "
      "HAVING (file_id, room_id) > (?1, ?2) ORDER BY file_id, room_id LIMIT ?3");
  if (!select) return fail("message files");
  std::string afterFile;
  for (int64_t afterRoom = 0;;) {
    select->bind(1, afterFile).bind(2, afterRoom).bind(3, kPage);
    Step step;
    int count = 0;
    for (; (step = select->step()) == Step::kRow; ++count) {
      afterFile = select->columnText(0);
      afterRoom = select->columnInt(1);
      redis_.write({"SADD", p_ + "file:" + afterFile + ":rooms", text(afterRoom)});
      redis_.write({"HINCRBY", redis_keys::roomPart(p_, afterRoom, "files"), afterFile, text(select->columnInt(2))});
    }
    select->reset();
    if (step == Step::kError) return fail("message files");
    if (count < kPage) return true;
  }
}

bool Importer::copyReactions(int64_t roomId, int64_t fromSeq, int64_t toSeq) {
  SqliteStatement* select = db_.prepare(
      "SELECT r.message_id, r.emoji, r.user_id FROM messages m JOIN reactions r ON r.message_id = m.id "
      "WHERE m.room_id = ?1 AND m.seq BETWEEN ?2 AND ?3 ORDER BY m.seq, r.emoji, r.created_at, r.user_id");
  if (!select) return fail("reactions");
  std::vector<ReactionRow> rows;
  select->bind(1, roomId).bind(2, fromSeq).bind(3, toSeq);
  Step step;
  while ((step = select->step()) == Step::kRow) {
    rows.push_back({select->columnInt(0), select->columnText(1), select->columnInt(2)});
  }
  select->reset();
  if (step == Step::kError) return fail("reactions");
  // {emoji: [user id, ...], ...} per message: rows come grouped by message,
  // then emoji, each emoji's users in the order they reacted.
  Fields reactions{"HSET", redis_keys::roomPart(p_, roomId, "reactions")};
  MsgPackWriter record;
  for (size_t message = 0; message < rows.size();) {
    size_t end = message;
    uint32_t emoji = 0;
    for (; end < rows.size() && rows[end].messageId == rows[message].messageId; ++end) {
      if (end == message || rows[end].emoji != rows[end - 1].emoji) ++emoji;
    }
    record.map(emoji);
    for (size_t first = message; first < end;) {
      size_t last = first;
      while (last < end && rows[last].emoji == rows[first].emoji) ++last;
      record.string(rows[first].emoji).array(static_cast<uint32_t>(last - first));
      for (size_t i = first; i < last; ++i) record.integer(rows[i].userId);
      first = last;
    }
    reactions.add(text(rows[message].messageId), record.take());
    message = end;
  }
  reactions.sendTo(redis_);
  return true;
}

bool Importer::setCounter(const char* name, const char* maxSql) {
  SqliteStatement* select = db_.prepare(maxSql);
  if (!select || select->step() != Step::kRow) return fail(name);
  const int64_t max = select->columnInt(0);
  select->reset();
  redis_.write({"SET", p_ + name, text(max)});
  return true;
}

}  // namespace

std::optional<ImportCounts> importIntoRedis(const ImportOptions& options, std::string& error) {
  auto db = SqliteDatabase::open(options.databasePath, error, /*create=*/false);
  if (!db) return std::nullopt;
  const int version = db->userVersion();
  if (version != kSchemaVersion) {
    error = options.databasePath + " has schema version " + std::to_string(version) + ", not " +
            std::to_string(kSchemaVersion) + ": " +
            (version > kSchemaVersion ? "written by a newer chatd"
             : version > 0            ? "start this chatd on it once to upgrade it"
                                      : "not a chatd database");
    return std::nullopt;
  }
  RedisPipeline redis(options.redis);
  if (!redis.connect(error)) return std::nullopt;
  // One snapshot from the first read to the last.
  if (!db->exec("BEGIN")) {
    error = std::string("cannot read ") + options.databasePath + ": " + db->errorMessage();
    return std::nullopt;
  }
  Importer importer(*db, redis, options.prefix);
  std::optional<ImportCounts> counts;
  if (importer.targetEmpty(error) && importer.copy(options.jwtSecret, error)) {
    counts = verifyImport(*db, redis, options.prefix, error);
  }
  db->exec("ROLLBACK");
  return counts;
}

}  // namespace chatd::store
