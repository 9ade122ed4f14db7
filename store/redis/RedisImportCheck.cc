// verifyImport(): the counts of a copied database read back from Redis.
// Totals first (keys that list an entity), then every user and every room
// page by page, each page's reads pipelined.
#include <functional>
#include <string>
#include <vector>

#include "store/redis/RedisDecode.h"
#include "store/redis/RedisImport.h"
#include "store/redis/RedisKeys.h"

namespace chatd::store {
namespace {

constexpr int kPage = 500;
using Step = SqliteStatement::Step;

// Counts each reactions record's users: also proves every record unpacks.
constexpr const char* kCountReactions = R"LUA(
local n = 0
for _, record in ipairs(redis.call('HVALS', KEYS[1])) do
  for _, users in pairs(cmsgpack.unpack(record)) do n = n + #users end
end
return n
)LUA";

// The database's counts, and the first difference from Redis's.
class Check {
 public:
  Check(SqliteDatabase& db, RedisPipeline& redis, const std::string& prefix) : db_(db), redis_(redis), p_(prefix) {}

  bool run(ImportCounts& counts, std::string& error);

 private:
  bool countTotals(ImportCounts& counts);
  bool checkUsers(const ImportCounts& counts);
  bool checkRooms(const ImportCounts& counts);
  // Reads the integer answer of `command` (nil: 0) and compares it with
  // `expected` once it comes; `what` names the count in the error.
  void expect(std::vector<std::string> command, int64_t expected, std::string what);
  // Adds the integer answer of `command` to `sum`.
  void add(std::vector<std::string> command, int64_t& sum);
  // Keeps the first difference.
  void compare(const std::string& what, int64_t expected, int64_t found) {
    if (found == expected || !difference_.empty()) return;
    difference_ = what + ": " + std::to_string(expected) + " in the database, " + std::to_string(found) + " in redis";
  }
  bool fail(const char* what) {
    unreadable_ = std::string("cannot read the database's ") + what + ": " + db_.errorMessage();
    return false;
  }

  SqliteDatabase& db_;
  RedisPipeline& redis_;
  const std::string& p_;
  std::string difference_;
  std::string unreadable_;
};

void Check::expect(std::vector<std::string> command, int64_t expected, std::string what) {
  redis_.read(std::move(command), [this, expected, what = std::move(what)](const RedisReply& reply) {
    compare(what, expected, replyInt(reply));
  });
}

void Check::add(std::vector<std::string> command, int64_t& sum) {
  redis_.read(std::move(command), [&sum](const RedisReply& reply) { sum += replyInt(reply); });
}

bool Check::countTotals(ImportCounts& counts) {
  SqliteStatement* select = db_.prepare(
      "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM users WHERE external_subject IS NOT NULL), "
      "(SELECT count(*) FROM rooms), (SELECT count(*) FROM rooms WHERE kind = 'public'), "
      "(SELECT count(*) FROM rooms WHERE direct_key IS NOT NULL), (SELECT count(*) FROM room_members), "
      "(SELECT count(*) FROM room_members WHERE last_read_seq > 0), (SELECT count(*) FROM messages), "
      "(SELECT count(*) FROM reactions), (SELECT count(*) FROM revoked_tokens), "
      "(SELECT coalesce(max(id), 0) FROM users), (SELECT coalesce(max(id), 0) FROM rooms), "
      "(SELECT coalesce(max(id), 0) FROM messages), (SELECT count(*) FROM invites), "
      "(SELECT count(DISTINCT avatar_file_id) FROM users)");
  if (!select || select->step() != Step::kRow) return fail("the totals");
  counts = {select->columnInt(0), select->columnInt(1), select->columnInt(2), select->columnInt(3),
            select->columnInt(4), select->columnInt(5), select->columnInt(6), select->columnInt(7),
            select->columnInt(8), select->columnInt(9), select->columnInt(13)};
  expect({"GET", p_ + "user:next"}, select->columnInt(10), "user:next");
  expect({"GET", p_ + "room:next"}, select->columnInt(11), "room:next");
  expect({"GET", p_ + "msg:next"}, select->columnInt(12), "msg:next");
  expect({"SCARD", p_ + "avatars"}, select->columnInt(14), "avatars");
  select->reset();
  expect({"HLEN", p_ + "usernames"}, counts.users - counts.externalUsers, "usernames");
  expect({"HLEN", p_ + "external"}, counts.externalUsers, "external users");
  expect({"ZCARD", p_ + "rooms:public"}, counts.publicRooms, "public rooms");
  expect({"HLEN", p_ + "direct"}, counts.directRooms, "direct rooms");
  expect({"ZCARD", p_ + "revoked"}, counts.revokedTokens, "revoked tokens");
  expect({"ZCARD", p_ + "invites"}, counts.invites, "invites");
  return true;
}

bool Check::checkUsers(const ImportCounts& counts) {
  SqliteStatement* select = db_.prepare("SELECT id FROM users WHERE id > ?1 ORDER BY id LIMIT ?2");
  if (!select) return fail("users");
  int64_t users = 0;
  int64_t memberships = 0;  // through each user's rooms
  for (int64_t after = 0, rows = kPage; rows == kPage;) {
    select->bind(1, after).bind(2, kPage);
    Step step;
    for (rows = 0; (step = select->step()) == Step::kRow; ++rows) {
      after = select->columnInt(0);
      add({"EXISTS", redis_keys::user(p_, after)}, users);
      add({"ZCARD", redis_keys::user(p_, after) + ":rooms"}, memberships);
    }
    select->reset();
    if (step == Step::kError) return fail("users");
  }
  std::string error;
  if (!redis_.wait(error)) return false;
  compare("users", counts.users, users);
  compare("the users' rooms (memberships)", counts.memberships, memberships);
  return difference_.empty();
}

bool Check::checkRooms(const ImportCounts& counts) {
  SqliteStatement* select = db_.prepare(
      "SELECT r.id, r.last_seq, (SELECT count(*) FROM messages WHERE room_id = r.id), "
      "(SELECT count(*) FROM room_members WHERE room_id = r.id), "
      "(SELECT count(*) FROM room_members WHERE room_id = r.id AND last_read_seq > 0), "
      "(SELECT count(*) FROM messages m JOIN reactions x ON x.message_id = m.id WHERE m.room_id = r.id), "
      "coalesce((SELECT nullif(min(seq), 1) FROM messages WHERE room_id = r.id), 0), "
      "(SELECT count(*) FROM room_members WHERE room_id = r.id AND max(last_read_seq, last_received_seq) > 0) "
      "FROM rooms r WHERE r.id > ?1 ORDER BY r.id LIMIT ?2");
  if (!select) return fail("rooms");
  int64_t rooms = 0;
  for (int64_t after = 0, rows = kPage; rows == kPage;) {
    select->bind(1, after).bind(2, kPage);
    Step step;
    for (rows = 0; (step = select->step()) == Step::kRow; ++rows) {
      after = select->columnInt(0);
      const std::string room = "room " + std::to_string(after) + ": ";
      add({"EXISTS", redis_keys::room(p_, after)}, rooms);
      expect({"HGET", redis_keys::room(p_, after), "last_seq"}, select->columnInt(1), room + "last_seq");
      // A trimmed room's first_seq (absent, read as 0, for one that starts at 1).
      expect({"HGET", redis_keys::room(p_, after), "first_seq"}, select->columnInt(6), room + "first_seq");
      expect({"HLEN", redis_keys::roomPart(p_, after, "log")}, select->columnInt(2), room + "messages");
      expect({"HLEN", redis_keys::roomPart(p_, after, "ids")}, select->columnInt(2), room + "message ids");
      expect({"ZCARD", redis_keys::roomPart(p_, after, "joined")}, select->columnInt(3), room + "members");
      expect({"HLEN", redis_keys::roomPart(p_, after, "roles")}, select->columnInt(3), room + "roles");
      expect({"HLEN", redis_keys::roomPart(p_, after, "reads")}, select->columnInt(4), room + "read marks");
      expect({"ZCARD", redis_keys::roomPart(p_, after, "received")}, select->columnInt(7), room + "received marks");
      expect({"EVAL", kCountReactions, "1", redis_keys::roomPart(p_, after, "reactions")}, select->columnInt(5),
             room + "reactions");
    }
    select->reset();
    if (step == Step::kError) return fail("rooms");
  }
  std::string error;
  if (!redis_.wait(error)) return false;
  compare("rooms", counts.rooms, rooms);
  return difference_.empty();
}

bool Check::run(ImportCounts& counts, std::string& error) {
  const bool same = countTotals(counts) && checkUsers(counts) && checkRooms(counts);
  std::string failure;
  if (!redis_.wait(failure)) {
    error = failure;
  } else if (!unreadable_.empty()) {
    error = unreadable_;
  } else if (!same || !difference_.empty()) {
    error = "the copy differs: " + difference_;
  }
  return error.empty();
}

}  // namespace

std::optional<ImportCounts> verifyImport(SqliteDatabase& db, RedisPipeline& redis, const std::string& prefix,
                                         std::string& error) {
  ImportCounts counts;
  if (!Check(db, redis, prefix).run(counts, error)) return std::nullopt;
  return counts;
}

}  // namespace chatd::store
