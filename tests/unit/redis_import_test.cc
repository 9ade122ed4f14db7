// store/redis/RedisImport against a real redis-server: our MessagePack bytes
// are cmsgpack's, a database larger than a page is copied whole, a trimmed
// room keeps where it starts, a difference is found by the check, a
// non-empty target is refused (and a prefix's glob characters mean themselves).
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "store/Schema.h"
#include "store/redis/MsgPackWriter.h"
#include "store/redis/RedisImport.h"
#include "tests/unit/redis_server.h"
#include "tests/unit/temp_database.h"

namespace chatd::store {
namespace {

class RedisImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ready());
    context_.reset(redisConnect("127.0.0.1", server_.port()));
    ASSERT_TRUE(context_ && context_->err == 0);
  }

  // The string answer of a command (or its error's text).
  std::string text(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_.get(), static_cast<int>(args.size()), argv.data(), lengths.data()));
    std::string answer;
    if (reply != nullptr && reply->str != nullptr) answer.assign(reply->str, reply->len);
    if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) answer = std::to_string(reply->integer);
    if (reply != nullptr) freeReplyObject(reply);
    return answer;
  }

  ImportOptions options(const std::string& prefix) const {
    ImportOptions options;
    options.databasePath = file_.path();
    options.redis.address = *parseRedisUrl(server_.url());
    options.prefix = prefix;
    return options;
  }

  // A schema-current database: the lobby, `users` users (all members of the
  // lobby) and `messages` messages from user 1 there.
  void fill(int users, int messages) {
    auto db = file_.open();
    std::string error;
    ASSERT_TRUE(migrate(*db, error)) << error;
    ASSERT_TRUE(db->exec("BEGIN"));
    for (int i = 1; i <= users; ++i) {
      SqliteStatement* user = db->prepare(
          "INSERT INTO users (id, username, username_key, created_at) VALUES (?1, 'u' || ?1, 'u' || ?1, 1)");
      ASSERT_TRUE(user->bind(1, i).run());
      SqliteStatement* member = db->prepare(
          "INSERT INTO room_members (room_id, user_id, role, joined_at, last_read_seq) VALUES (1, ?1, 'member', ?1, ?1)");
      ASSERT_TRUE(member->bind(1, i).run());
    }
    for (int seq = 1; seq <= messages; ++seq) {
      SqliteStatement* message = db->prepare(
          "INSERT INTO messages (room_id, seq, sender_id, content, created_at) VALUES (1, ?1, 1, 'm' || ?1, ?1)");
      ASSERT_TRUE(message->bind(1, seq).run());
    }
    ASSERT_TRUE(db->exec("UPDATE rooms SET last_seq = (SELECT count(*) FROM messages) WHERE id = 1"));
    ASSERT_TRUE(db->exec("COMMIT"));
  }

  void exec(const char* sql) {
    auto db = file_.open();
    ASSERT_TRUE(db->exec(sql)) << db->errorMessage();
  }

  test::RedisServer server_;
  std::unique_ptr<redisContext, void (*)(redisContext*)> context_{nullptr, redisFree};
  TempDatabaseFile file_;
};

TEST_F(RedisImportTest, MsgPackBytesAreCmsgpacksForEachSize) {
  for (const int64_t value : {0LL, 1LL, 127LL, 128LL, 255LL, 256LL, 65535LL, 65536LL, 4294967295LL, 4294967296LL,
                              1733239000000LL, -1LL, -32LL, -33LL, -128LL, -129LL, -32768LL, -32769LL,
                              -2147483648LL, -2147483649LL}) {
    MsgPackWriter ours;
    ours.integer(value);
    EXPECT_EQ(ours.bytes(), text({"EVAL", "return cmsgpack.pack(tonumber(ARGV[1]))", "0", std::to_string(value)}))
        << value;
  }
  for (const size_t size : {0, 31, 32, 255, 256, 65535, 65536}) {
    MsgPackWriter ours;
    ours.string(std::string(size, 'x'));
    EXPECT_EQ(ours.bytes(), text({"EVAL", "return cmsgpack.pack(ARGV[1])", "0", std::string(size, 'x')})) << size;
  }
  for (const uint32_t count : {1u, 15u, 16u, 70000u}) {
    MsgPackWriter ours;
    ours.array(count);
    for (uint32_t i = 0; i < count; ++i) ours.integer(7);
    const std::string script = "local t = {} for i = 1, " + std::to_string(count) + " do t[i] = 7 end "
                               "return cmsgpack.pack(t)";
    EXPECT_EQ(ours.bytes(), text({"EVAL", script, "0"})) << count;
  }
  MsgPackWriter map;
  map.map(1).string("+1").array(2).integer(3).integer(4);
  EXPECT_EQ(map.bytes(), text({"EVAL", "return cmsgpack.pack({['+1'] = {3, 4}})", "0"}));
}

TEST_F(RedisImportTest, CopiesMoreThanAPageOfEachAndCountsThem) {
  fill(1'100, 1'300);
  std::string error;
  const std::optional<ImportCounts> counts = importIntoRedis(options("big:"), error);
  ASSERT_TRUE(counts) << error;
  EXPECT_EQ(counts->users, 1'100);
  EXPECT_EQ(counts->memberships, 1'100);
  EXPECT_EQ(counts->readMarks, 1'100);
  EXPECT_EQ(counts->messages, 1'300);
  EXPECT_EQ(text({"HLEN", "big:room:1:log"}), "1300");
  EXPECT_EQ(text({"HGET", "big:room:1", "last_seq"}), "1300");
  EXPECT_EQ(text({"ZCARD", "big:room:1:joined"}), "1100");
  EXPECT_EQ(text({"HGET", "big:room:1:reads", "1099"}), "1099");
  // A received mark is never behind the read one, whatever the file says.
  EXPECT_EQ(text({"ZSCORE", "big:room:1:received", "1099"}), "1099");
  EXPECT_EQ(text({"ZCARD", "big:room:1:received"}), "1100");
  EXPECT_EQ(text({"GET", "big:user:next"}), "1100");
  EXPECT_EQ(text({"GET", "big:msg:next"}), "1300");
}

TEST_F(RedisImportTest, ABannedOrDeletedUserStaysSo) {
  fill(3, 0);
  exec("UPDATE users SET state = 1 WHERE id = 2");
  exec("UPDATE users SET state = 2 WHERE id = 3");
  std::string error;
  ASSERT_TRUE(importIntoRedis(options("st:"), error)) << error;
  EXPECT_EQ(text({"HGET", "st:user:1", "state"}), "");
  EXPECT_EQ(text({"HGET", "st:user:2", "state"}), "1");
  EXPECT_EQ(text({"HGET", "st:user:3", "state"}), "2");
}

TEST_F(RedisImportTest, AvatarsGoAlongAndAreKnownAsAvatars) {
  fill(3, 0);
  exec("UPDATE users SET avatar_file_id = '0123456789abcdef0123456789abcdef' WHERE id = 2");
  std::string error;
  ASSERT_TRUE(importIntoRedis(options("av:"), error)) << error;
  EXPECT_EQ(text({"HGET", "av:user:1", "avatar"}), "");
  EXPECT_EQ(text({"HGET", "av:user:2", "avatar"}), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(text({"SISMEMBER", "av:avatars", "0123456789abcdef0123456789abcdef"}), "1");
  EXPECT_EQ(text({"SCARD", "av:avatars"}), "1");
}

TEST_F(RedisImportTest, TheRegistrationModeAndInvitesGoAlong) {
  fill(1, 0);
  exec("INSERT INTO settings (name, value) VALUES ('registration', 'invite')");
  exec("INSERT INTO invites (digest, expires_at) VALUES ('d1', 1800000000), ('d2', 1800000060)");
  std::string error;
  const std::optional<ImportCounts> counts = importIntoRedis(options("r:"), error);
  ASSERT_TRUE(counts) << error;
  EXPECT_EQ(counts->invites, 2);
  EXPECT_EQ(text({"HGET", "r:settings", "registration"}), "invite");
  EXPECT_EQ(text({"ZSCORE", "r:invites", "d2"}), "1800000060");
}

TEST_F(RedisImportTest, TheCheckFindsAMessageMissingFromTheCopy) {
  fill(3, 20);
  std::string error;
  ASSERT_TRUE(importIntoRedis(options("p:"), error)) << error;
  ASSERT_EQ(text({"HDEL", "p:room:1:log", "7"}), "1");

  auto db = file_.open();
  RedisPipeline redis(options("p:").redis);
  ASSERT_TRUE(redis.connect(error)) << error;
  EXPECT_FALSE(verifyImport(*db, redis, "p:", error));
  EXPECT_EQ(error, "the copy differs: room 1: messages: 20 in the database, 19 in redis");
}

TEST_F(RedisImportTest, ARoomTrimmedByHistoryMaxKeepsWhereItStarts) {
  fill(3, 20);
  exec("DELETE FROM messages WHERE seq <= 12");  // as --history-max 8 leaves it
  std::string error;
  ASSERT_TRUE(importIntoRedis(options("t:"), error)) << error;
  EXPECT_EQ(text({"HGET", "t:room:1", "first_seq"}), "13");
  EXPECT_EQ(text({"HLEN", "t:room:1:log"}), "8");
  ASSERT_EQ(text({"HDEL", "t:room:1", "first_seq"}), "1");

  auto db = file_.open();
  RedisPipeline redis(options("t:").redis);
  ASSERT_TRUE(redis.connect(error)) << error;
  EXPECT_FALSE(verifyImport(*db, redis, "t:", error));
  EXPECT_EQ(error, "the copy differs: room 1: first_seq: 13 in the database, 0 in redis");
}

TEST_F(RedisImportTest, RefusesATargetWithKeysUnderThePrefixOnly) {
  fill(1, 1);
  text({"SET", "aXb:room:1", "someone else's"});
  std::string error;
  ASSERT_TRUE(importIntoRedis(options("a*b:"), error)) << error;  // '*' is not a wildcard here
  EXPECT_EQ(text({"GET", "aXb:room:1"}), "someone else's");
  EXPECT_FALSE(importIntoRedis(options("a*b:"), error));
  EXPECT_EQ(error, "the target is not empty: it has keys under the prefix 'a*b:'");
}

TEST_F(RedisImportTest, RefusesADatabaseOfAnotherSchemaVersion) {
  auto db = file_.open();
  std::string error;
  ASSERT_TRUE(migrate(*db, error, kSchemaVersion - 1)) << error;
  EXPECT_FALSE(importIntoRedis(options("p:"), error));
  EXPECT_NE(error.find("start this chatd on it once"), std::string::npos) << error;
  EXPECT_EQ(text({"DBSIZE"}), "0");
}

}  // namespace
}  // namespace chatd::store
