// What RedisStore's rooms must do beyond the store contract: decisions that
// hold when two nodes (two RedisStores on one Redis) make them at once, and
// the key layout of RedisKeys.h (a deleted room leaves no key behind; the
// hourly quota trims itself; joined members sort by numeric id). Users are
// written straight into their keys, so that these tests need nothing but
// the rooms part. Skipped where redis-server is not installed.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/redis/RedisStore.h"
#include "store/redis/RedisUrl.h"
#include "tests/unit/reactor_test_util.h"
#include "tests/unit/redis_server.h"

namespace chatd::store {
namespace {

constexpr uint64_t kLimitMs = 5000;
constexpr const char* kPrefix = "t:";

class RedisStoreRoomsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::haveRedisServer()) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_TRUE(server_.ready());
    sync_ = redisConnect("127.0.0.1", server_.port());
    ASSERT_TRUE(sync_ != nullptr && sync_->err == 0);
    for (auto [id, name] : {std::pair{2, "ann"}, std::pair{9, "bob"}, std::pair{10, "cat"}}) {
      redis({"HSET", user(id), "username", name, "created_at", "1"});
    }
    redis({"SET", std::string(kPrefix) + "user:next", "10"});
    nodeA_ = node();
    nodeB_ = node();
  }
  void TearDown() override {
    if (sync_ != nullptr) redisFree(sync_);
  }

  std::unique_ptr<RedisStore> node() {
    RedisStoreOptions options;
    options.shards = {{.address = *parseRedisUrl(server_.url())}};
    options.keyPrefix = kPrefix;
    return std::make_unique<RedisStore>(loop_, options);
  }
  static std::string user(int64_t id) { return std::string(kPrefix) + "user:" + std::to_string(id); }
  static std::string room(int64_t id) { return std::string(kPrefix) + "room:" + std::to_string(id); }

  // One blocking command on the side; integers and strings come back as text, arrays as their length.
  std::string redis(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(sync_, argv.size(), argv.data(), lengths.data()));
    EXPECT_NE(reply, nullptr);
    if (reply == nullptr) return "";
    std::string text;
    if (reply->type == REDIS_REPLY_INTEGER) text = std::to_string(reply->integer);
    if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS) text.assign(reply->str, reply->len);
    if (reply->type == REDIS_REPLY_ARRAY) text = std::to_string(reply->elements);
    freeReplyObject(reply);
    return text;
  }

  // Runs the loop until `expected` answers have come.
  void runUntilAnswered(const int& answered, int expected) {
    while (answered < expected) reactor::test::runWithin(loop_, kLimitMs);
  }
  template <typename T, typename Call>
  T await(Call call, StoreStatus expected = StoreStatus::kOk) {
    std::optional<T> result;
    int answered = 0;
    call([&](StoreStatus status, T value) {
      EXPECT_EQ(status, expected);
      result = std::move(value);
      ++answered;
      loop_.stop();
    });
    runUntilAnswered(answered, 1);
    return result ? std::move(*result) : T{};
  }

  test::RedisServer server_;
  redisContext* sync_ = nullptr;
  reactor::EventLoop loop_;
  std::unique_ptr<RedisStore> nodeA_;
  std::unique_ptr<RedisStore> nodeB_;
};

TEST_F(RedisStoreRoomsTest, TwoNodesOpeningAPairsDirectRoomAtOnceMakeOne) {
  std::vector<DirectRoom> opened;
  int answered = 0;
  auto collect = [&](StoreStatus status, DirectRoom direct) {
    EXPECT_EQ(status, StoreStatus::kOk);
    opened.push_back(direct);
    if (++answered == 2) loop_.stop();
  };
  nodeA_->openDirectRoom(2, 9, collect);
  nodeB_->openDirectRoom(9, 2, collect);
  runUntilAnswered(answered, 2);
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_EQ(opened[0].room.id, opened[1].room.id);
  EXPECT_NE(opened[0].created, opened[1].created);
  EXPECT_EQ(redis({"HGET", std::string(kPrefix) + "direct", "2:9"}), std::to_string(opened[0].room.id));
  EXPECT_EQ(redis({"HLEN", room(opened[0].room.id) + ":roles"}), "2");
}

TEST_F(RedisStoreRoomsTest, TwoNodesCreatingAtOnceShareTheHourlyQuota) {
  std::vector<StoreStatus> statuses;
  int answered = 0;
  auto collect = [&](StoreStatus status, Room) {
    statuses.push_back(status);
    if (++answered == 2) loop_.stop();
  };
  nodeA_->createRoom("a", RoomKind::kPublic, std::nullopt, 2, 1, collect);
  nodeB_->createRoom("b", RoomKind::kPublic, std::nullopt, 2, 1, collect);
  runUntilAnswered(answered, 2);
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<StoreStatus>{StoreStatus::kOk, StoreStatus::kOverQuota}));
}

TEST_F(RedisStoreRoomsTest, RoomsOlderThanAnHourLeaveTheQuota) {
  const std::string created = user(2) + ":created";
  redis({"ZADD", created, "1000", "77"});  // a room of 1970: long out of the hour
  await<Room>([&](auto done) { nodeA_->createRoom("r", RoomKind::kPrivate, std::nullopt, 2, 1, done); });
  EXPECT_EQ(redis({"ZCARD", created}), "1");
  EXPECT_EQ(redis({"ZSCORE", created, "77"}), "");
}

TEST_F(RedisStoreRoomsTest, DeletingARoomLeavesNoKeyOfItBehind) {
  const Room doomed =
      await<Room>([&](auto done) { nodeA_->createRoom("doomed", RoomKind::kPublic, std::string("t"), 2, 5, done); });
  await<Room>([&](auto done) { nodeA_->joinRoom(doomed.id, 9, done); });
  // What the messages part keeps under the room.
  for (const char* part : {"log", "ids", "clients", "reactions", "reads"}) {
    redis({"HSET", room(doomed.id) + ":" + part, "1", "x"});
  }
  const DirectRoom direct = await<DirectRoom>([&](auto done) { nodeA_->openDirectRoom(2, 9, done); });
  const std::string kept = redis({"KEYS", room(direct.room.id) + "*"});

  EXPECT_TRUE(await<bool>([&](auto done) { nodeB_->deleteRoom(doomed.id, done); }));
  EXPECT_EQ(redis({"KEYS", room(doomed.id) + "*"}), "0");
  EXPECT_EQ(redis({"ZSCORE", std::string(kPrefix) + "rooms:public", std::to_string(doomed.id)}), "");
  EXPECT_EQ(redis({"ZSCORE", user(9) + ":rooms", std::to_string(doomed.id)}), "");
  EXPECT_EQ(redis({"ZCARD", user(2) + ":created"}), "0");  // the owner may create it again
  EXPECT_EQ(redis({"KEYS", room(direct.room.id) + "*"}), kept);

  EXPECT_TRUE(await<bool>([&](auto done) { nodeB_->deleteRoom(direct.room.id, done); }));
  EXPECT_EQ(redis({"HLEN", std::string(kPrefix) + "direct"}), "0");
  EXPECT_EQ(redis({"ZCARD", user(2) + ":rooms"}), "0");
  EXPECT_TRUE(await<DirectRoom>([&](auto done) { nodeA_->openDirectRoom(9, 2, done); }).created);
}

TEST_F(RedisStoreRoomsTest, MembersWhoJoinedInOneMillisecondArePagedByNumericId) {
  const Room room = await<Room>([&](auto done) { nodeA_->createRoom("r", RoomKind::kPublic, std::nullopt, 2, 0, done); });
  // 10 and 9 join in the same millisecond, after the owner.
  const std::string joined = this->room(room.id) + ":joined";
  const int64_t at = std::stoll(redis({"ZSCORE", joined, "00000000000000000002"})) + 5;
  for (const char* id : {"10", "9"}) {
    redis({"HSET", this->room(room.id) + ":roles", id, "1"});
    redis({"ZADD", joined, std::to_string(at), std::string(20 - std::strlen(id), '0') + id});
  }
  std::vector<int64_t> ids;
  MemberCursor after;
  for (;;) {
    const auto page =
        await<std::vector<RoomMember>>([&](auto done) { nodeB_->listMembers(room.id, after, 1, done); });
    if (page.empty()) break;
    ids.push_back(page[0].user.id);
    after = {page[0].joinedAt, page[0].user.id};
  }
  EXPECT_EQ(ids, (std::vector<int64_t>{2, 9, 10}));
}

}  // namespace
}  // namespace chatd::store
