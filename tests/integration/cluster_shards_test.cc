// A cluster sharded over two redis-servers (--redis given twice): rooms on
// both shards, members on different nodes chatting in them, history and
// resume from either node, and a node given another shard count refused.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/cluster_fixture.h"

namespace chatd::testing {
namespace {

class ClusterShardsTest : public ClusterFixture {
 protected:
  // A node given both instances, the fixture's first (the directory).
  void startShardedNode() { startNode({"--redis", second_.url()}); }

  static constexpr std::string_view kRoomKey = "chatd:room:";
  // How many rooms `server` holds: its "chatd:room:<id>" hashes.
  static size_t roomsOn(const store::test::RedisServer& server) {
    redisContext* context = redisConnect("127.0.0.1", server.port());
    size_t rooms = 0;
    if (context != nullptr && context->err == 0) {
      if (auto* reply = static_cast<redisReply*>(redisCommand(context, "KEYS chatd:room:*"))) {
        for (size_t i = 0; i < reply->elements; ++i) {
          const std::string id(reply->element[i]->str + kRoomKey.size(), reply->element[i]->len - kRoomKey.size());
          rooms += id.find_first_not_of("0123456789") == std::string::npos;  // not room:next, not room:<id>:...
        }
        freeReplyObject(reply);
      }
    }
    if (context != nullptr) redisFree(context);
    return rooms;
  }

  store::test::RedisServer second_;
};

TEST_F(ClusterShardsTest, MembersOnDifferentNodesChatInRoomsOnBothShards) {
  startShardedNode();
  startShardedNode();
  const Account ann = signUp(port(0), "ann");
  const Account bob = signUp(port(1), "bob");
  std::vector<int64_t> rooms = {kLobby};
  for (const char* name : {"one", "two", "three", "four"}) {
    const HttpReply created = httpCallAs(ann.token, port(0), "POST", "/api/v1/rooms",
                                         std::string(R"({"kind":"public","name":")") + name + "\"}");
    ASSERT_EQ(created.status, 201) << created.body;
    rooms.push_back(std::stoll(jsonField(created.body, "id")));
  }
  EXPECT_GT(roomsOn(redis_), 0u) << "no room on the directory";
  EXPECT_GT(roomsOn(second_), 0u) << "no room on the second shard";
  EXPECT_EQ(roomsOn(redis_) + roomsOn(second_), rooms.size());

  ChatClient annOnA(port(0), "ann@a");
  ChatClient bobOnB(port(1), "bob@b");
  ASSERT_EQ(annOnA.connect(ann.token).type(), "welcome");
  ASSERT_EQ(bobOnB.connect(bob.token).type(), "welcome");
  for (const int64_t room : rooms) {
    ASSERT_EQ(annOnA.join(room).type(), "joined") << room;
    ASSERT_EQ(bobOnB.join(room).type(), "joined") << room;
  }
  annOnA.drain();
  bobOnB.drain();
  for (const int64_t room : rooms) {
    const std::string where = "room " + std::to_string(room);
    ASSERT_EQ(annOnA.sendMessage(room, "from ann").type(), "ack") << where;
    const Json heardByBob = bobOnB.expect("message");
    EXPECT_EQ(heardByBob.integer("room_id"), room);
    EXPECT_EQ(heardByBob.string("data.user.username"), "ann") << where;
    ASSERT_EQ(bobOnB.sendMessage(room, "from bob").type(), "ack") << where;
    EXPECT_EQ(annOnA.expect("message").string("data.content"), "from bob") << where;
  }

  // History from either node, senders named from the directory; resume on the other.
  for (const size_t node : {0u, 1u}) {
    for (const int64_t room : rooms) {
      const HttpReply page = httpCallAs(bob.token, port(node), "GET",
                                        "/api/v1/rooms/" + std::to_string(room) + "/messages");
      ASSERT_EQ(page.status, 200) << page.body;
      const Json messages(page.body);
      ASSERT_EQ(messages.size("messages"), 2u) << page.body;
      EXPECT_EQ(messages.string("messages.0.user.username"), "ann") << page.body;
      EXPECT_EQ(messages.string("messages.1.content"), "from bob");
    }
  }
  ChatClient bobOnA(port(0), "bob@a");
  ASSERT_EQ(bobOnA.connect(bob.token).type(), "welcome");
  for (const int64_t room : rooms) {
    ASSERT_TRUE(bobOnA.send(R"({"type":"join_room","room_id":)" + std::to_string(room) + R"(,"since":1})"));
    EXPECT_EQ(bobOnA.expect("joined").integer("last_seq"), 2);
    EXPECT_EQ(bobOnA.expect("message").string("data.content"), "from bob");
  }
}

TEST_F(ClusterShardsTest, ANodeGivenAnotherShardCountIsRefused) {
  startShardedNode();
  try {
    startNode();  // the directory alone: it would look for every room there
    FAIL() << "a node with one of the two shards started";
  } catch (const std::runtime_error& refused) {
    EXPECT_NE(std::string(refused.what()).find("sharded over 2"), std::string::npos) << refused.what();
  }
  // The cluster's nodes are not disturbed.
  EXPECT_EQ(httpCall(port(0), "GET", "/readyz").status, 200);
}

}  // namespace
}  // namespace chatd::testing
