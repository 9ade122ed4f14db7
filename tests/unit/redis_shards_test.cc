// Sharding over several Redis instances (RedisShards.h): the room -> shard
// map itself, and where a store on two redis-servers puts each key.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <array>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "store/redis/RedisShards.h"
#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

TEST(RedisShards, TheMapIsFixedByTheRoomIdAndTheShardCount) {
  // Every node of every version must compute these: changing them moves rooms.
  EXPECT_EQ(mixRoomId(1), 0x5692161d100b05e5ULL);
  EXPECT_EQ(mixRoomId(2), 0xdbd238973a2b148aULL);
  std::string twoShards, threeShards;
  for (int64_t room = 1; room <= 8; ++room) {
    twoShards += std::to_string(shardOfRoom(room, 2));
    threeShards += std::to_string(shardOfRoom(room, 3));
    EXPECT_EQ(shardOfRoom(room, 1), 0u);  // one instance: everything where it was before sharding
  }
  EXPECT_EQ(twoShards, "01011101");
  EXPECT_EQ(threeShards, "12022202");
}

TEST(RedisShards, ConsecutiveRoomIdsSpreadEvenly) {
  constexpr size_t kShards = 4;
  constexpr int64_t kRooms = 100'000;
  std::array<int64_t, kShards> rooms{};
  for (int64_t room = 1; room <= kRooms; ++room) ++rooms[shardOfRoom(room, kShards)];
  for (const int64_t count : rooms) {
    EXPECT_GT(count, kRooms / kShards * 95 / 100);
    EXPECT_LT(count, kRooms / kShards * 105 / 100);
  }
}

// A store on the two shared redis-servers, and what each of them holds.
class RedisShardsLayout : public StoreContract<ShardedRedisBackend> {
 protected:
  static test::RedisServer& server(size_t shard) {
    return shard == 0 ? test::sharedRedisServer() : test::sharedSecondRedisServer();
  }
  // Every key under the backend's prefix on `shard`, without the prefix.
  std::vector<std::string> keysOn(size_t shard) {
    redisContext* context = redisConnect("127.0.0.1", server(shard).port());
    std::vector<std::string> keys;
    if (context == nullptr || context->err != 0) {
      ADD_FAILURE() << "cannot reach shard " << shard;
    } else if (auto* reply = static_cast<redisReply*>(redisCommand(context, "KEYS %s*", backend_.prefix().c_str()))) {
      for (size_t i = 0; i < reply->elements; ++i) {
        const size_t skip = backend_.prefix().size();
        keys.emplace_back(reply->element[i]->str + skip, reply->element[i]->len - skip);
      }
      freeReplyObject(reply);
    }
    if (context != nullptr) redisFree(context);
    return keys;
  }
  // The room a key belongs to ("room:<id>" or "room:<id>:..."), or 0 for none.
  static int64_t roomOf(const std::string& key) {
    if (key.rfind("room:", 0) != 0 || key.size() < 6 || !std::isdigit(static_cast<unsigned char>(key[5]))) return 0;
    return std::stoll(key.substr(5));
  }
};

TEST_F(RedisShardsLayout, ARoomsKeysLiveOnItsShardAndTheAccountsOnTheFirst) {
  std::set<int64_t> rooms{1};
  for (int i = 0; i < 5; ++i) rooms.insert(create("r", RoomKind::kPublic, ann_).id);
  rooms.insert(await<DirectRoom>([&](auto done) { store_->openDirectRoom(ann_, bob_, done); }).room.id);
  std::set<int64_t> ids;
  for (const int64_t room : rooms) {
    await<Room>([&](auto done) { store_->joinRoom(room, bob_, done); });
    for (const char* text : {"one", "two"}) {
      const Message m =
          await<AppendResult>([&](auto done) { store_->appendMessage(room, bob_, text, text, nullptr, done); }).message;
      EXPECT_TRUE(ids.insert(m.id).second) << "message id " << m.id << " given twice";
      EXPECT_EQ(static_cast<size_t>(m.id % 2), shardOfRoom(room, 2)) << "message ids: msg:next * 2 + shard";
      await<ReactionChange>([&](auto done) { store_->toggleReaction(room, m.id, ann_, "+1", 5, done); });
    }
    await<int64_t>([&](auto done) { store_->markRead(room, bob_, 2, done); });
    // Read back from either shard with the sender named (from the directory).
    const std::vector<Message> page =
        await<MessagePage>([&](auto done) { store_->messagesAfter(room, 0, 10, done); }).messages;
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].senderUsername, "bob");
    EXPECT_EQ(page[1].reactions.size(), 1u);
  }
  std::array<size_t, 2> roomsOn{};
  for (size_t shard = 0; shard < 2; ++shard) {
    for (const std::string& key : keysOn(shard)) {
      const int64_t room = roomOf(key);
      if (room != 0) {
        EXPECT_EQ(shardOfRoom(room, 2), shard) << key;
        roomsOn[shard] += key.find(':', 5) == std::string::npos;
      } else if (key != "msg:next") {  // one per shard
        EXPECT_EQ(shard, 0u) << key << ": not a room's, so the directory's";
      }
    }
  }
  EXPECT_GT(roomsOn[0], 0u);
  EXPECT_GT(roomsOn[1], 0u);
  EXPECT_EQ(roomsOn[0] + roomsOn[1], rooms.size());
}

}  // namespace
}  // namespace chatd::store
