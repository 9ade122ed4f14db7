// RedisBus: two buses (two nodes) on one real redis-server. Interest (rooms,
// users, the cluster channel), local delivery at once without the echo,
// reconnect after the server died with the channels subscribed again and the
// heal listener called; sharded over two, each channel on its instance.
// Skipped where redis-server is not installed.
#include "store/redis/RedisBus.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include <algorithm>

#include "store/redis/RedisShards.h"
#include "tests/unit/reactor_test_util.h"
#include "tests/unit/redis_server.h"

namespace chatd::store {
namespace {

using Kind = RoomEvent::Kind;

constexpr uint64_t kLimitMs = 5000;

// Runs the loop until `done` holds (checked every 10 ms); fails after `limitMs`.
void runUntil(reactor::EventLoop& loop, const std::function<bool()>& done, uint64_t limitMs = kLimitMs) {
  struct Poll final : reactor::TimerHandler {
    Poll(reactor::EventLoop& l, const std::function<bool()>& d) : loop(l), done(d) {}
    void handleTimer(reactor::Timer&) override {
      if (done()) return loop.stop();
      loop.scheduleTimer(timer, 10);
    }
    reactor::EventLoop& loop;
    const std::function<bool()>& done;
    reactor::Timer timer{this};
  } poll(loop, done);
  loop.scheduleTimer(poll.timer, 0);
  reactor::test::runWithin(loop, limitMs);
  EXPECT_TRUE(done());
}

// One node's bus and what its subscriber heard.
struct Node {
  Node(reactor::EventLoop& loop, const std::string& url) : Node(loop, std::vector<std::string>{url}) {}
  // Sharded over `urls`, the directory first.
  Node(reactor::EventLoop& loop, const std::vector<std::string>& urls, RedisBusTiming timing = {}) {
    std::vector<RedisOptions> shards;
    for (const std::string& url : urls) shards.push_back(RedisOptions{.address = *parseRedisUrl(url)});
    bus = std::make_unique<RedisBus>(loop, std::move(shards), "test:", timing);
    bus->subscribe([this](const RoomEvent& event) { heard.push_back(event); });
    bus->onMissed([this](int64_t roomId) {
      if (roomId == 0) {
        ++heals;
      } else {
        healedRooms.push_back(roomId);
      }
    });
  }
  bool listening() const { return bus->unavailableReason().empty(); }
  size_t count(Kind kind, int64_t roomId) const {
    size_t n = 0;
    for (const RoomEvent& event : heard) n += event.kind == kind && event.roomId == roomId;
    return n;
  }

  std::unique_ptr<RedisBus> bus;
  std::vector<RoomEvent> heard;
  int heals = 0;  // of every room
  std::vector<int64_t> healedRooms;
};

class RedisBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (system("command -v redis-server >/dev/null 2>&1") != 0) GTEST_SKIP() << "redis-server is not installed";
  }
  void bothListening(Node& a, Node& b) {
    runUntil(loop_, [&] { return a.listening() && b.listening(); });
  }

  reactor::EventLoop loop_;
};

// The channels `server` has subscribers on, sorted, but the nodes' heartbeat channels.
std::vector<std::string> channelsOn(const test::RedisServer& server) {
  std::vector<std::string> channels;
  redisContext* context = redisConnect("127.0.0.1", server.port());
  if (context != nullptr && context->err == 0) {
    if (auto* reply = static_cast<redisReply*>(redisCommand(context, "PUBSUB CHANNELS"))) {
      for (size_t i = 0; i < reply->elements; ++i) {
        channels.emplace_back(reply->element[i]->str, reply->element[i]->len);
      }
      freeReplyObject(reply);
    }
  }
  if (context != nullptr) redisFree(context);
  std::erase_if(channels, [](const std::string& channel) { return channel.ends_with(":alive"); });
  std::sort(channels.begin(), channels.end());
  return channels;
}

TEST_F(RedisBusTest, ShardedARoomsChannelIsOnItsShardAndUsersOnTheDirectory) {
  test::RedisServer directory;
  test::RedisServer second;
  ASSERT_TRUE(directory.ready() && second.ready());
  ASSERT_EQ(shardOfRoom(1, 2), 0u);
  ASSERT_EQ(shardOfRoom(2, 2), 1u);
  Node a(loop_, {directory.url(), second.url()});
  Node b(loop_, {directory.url(), second.url()});
  for (const int64_t room : {1, 2}) b.bus->watchRoom(room);
  b.bus->watchUser(5);
  bothListening(a, b);  // every shard's SUBSCRIBE confirmed
  EXPECT_EQ(channelsOn(directory),
            (std::vector<std::string>{"test:events", "test:room:1:events", "test:user:5:events"}));
  EXPECT_EQ(channelsOn(second), std::vector<std::string>{"test:room:2:events"});
  for (const int64_t room : {1, 2}) {
    a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = room, .seq = 1, .payload = "hi"});
  }
  a.bus->publish(
      RoomEvent{.kind = Kind::kDirectMessage, .roomId = 3, .seq = 1, .userId = 6, .peerId = 5, .payload = ""});
  runUntil(loop_, [&] {
    return b.count(Kind::kMessage, 1) == 1 && b.count(Kind::kMessage, 2) == 1 && b.count(Kind::kDirectMessage, 3) == 1;
  });
}

TEST_F(RedisBusTest, NodeIdsAreRandomAndNonZero) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  Node b(loop_, server.url());
  EXPECT_NE(a.bus->nodeId(), 0u);
  EXPECT_NE(a.bus->nodeId(), b.bus->nodeId());
}

TEST_F(RedisBusTest, AWatchedRoomHearsTheOtherNodeOnceAndTheOriginHearsNoEcho) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  Node b(loop_, server.url());
  a.bus->watchRoom(7);
  b.bus->watchRoom(7);
  bothListening(a, b);
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 7, .seq = 1, .originSession = 99, .payload = "hi"});
  // Delivered to its own node before publish() returned.
  ASSERT_EQ(a.count(Kind::kMessage, 7), 1u);
  EXPECT_EQ(a.heard[0].originNode, a.bus->nodeId());
  runUntil(loop_, [&] { return b.count(Kind::kMessage, 7) == 1; });
  const RoomEvent& got = b.heard.back();
  EXPECT_EQ(got.originNode, a.bus->nodeId());
  EXPECT_EQ(got.originSession, 99u);
  EXPECT_EQ(got.seq, 1);
  EXPECT_EQ(got.payload, "hi");
  // A marker from b, after which a's echo (if any) would have arrived too.
  b.bus->publish(RoomEvent{.kind = Kind::kTyping, .roomId = 7, .userId = 3, .payload = ""});
  runUntil(loop_, [&] { return a.count(Kind::kTyping, 7) == 1; });
  EXPECT_EQ(a.count(Kind::kMessage, 7), 1u);
  EXPECT_EQ(b.count(Kind::kTyping, 7), 1u);
}

TEST_F(RedisBusTest, ARoomWatchedIsHealedOnceItsSubscriptionIsConfirmed) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  runUntil(loop_, [&] { return a.listening(); });
  a.bus->watchRoom(7);
  a.bus->watchUser(3);  // users are not healed: their events are direct messages and ended memberships
  runUntil(loop_, [&] { return !a.healedRooms.empty(); });
  EXPECT_EQ(a.healedRooms, std::vector<int64_t>{7});
}

TEST_F(RedisBusTest, OnlyWatchedRoomsAreHeardAndUnwatchStops) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  Node b(loop_, server.url());
  b.bus->watchRoom(7);
  b.bus->watchRoom(8);
  bothListening(a, b);
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 9, .seq = 1, .payload = ""});
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 8, .seq = 1, .payload = ""});
  runUntil(loop_, [&] { return b.count(Kind::kMessage, 8) == 1; });
  EXPECT_EQ(b.count(Kind::kMessage, 9), 0u);
  b.bus->unwatchRoom(8);
  // The unsubscribe and b's marker leave on one connection, in order.
  b.bus->publish(RoomEvent{.kind = Kind::kTyping, .roomId = 7, .payload = ""});
  a.bus->watchRoom(7);
  runUntil(loop_, [&] { return a.bus->unavailableReason().empty(); });
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 8, .seq = 2, .payload = ""});
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 7, .seq = 1, .payload = ""});
  runUntil(loop_, [&] { return b.count(Kind::kMessage, 7) == 1; });
  EXPECT_EQ(b.count(Kind::kMessage, 8), 1u);
}

TEST_F(RedisBusTest, DirectMessagesAndEndedMembershipsFollowTheirUsers) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  Node b(loop_, server.url());
  b.bus->watchUser(42);  // a session of user 42 here, in no room yet
  bothListening(a, b);
  a.bus->publish(RoomEvent{.kind = Kind::kDirectMessage, .roomId = 5, .seq = 1, .userId = 41, .peerId = 42, .payload = ""});
  a.bus->publish(RoomEvent{.kind = Kind::kMembershipEnded, .roomId = 6, .userId = 42, .payload = ""});
  a.bus->publish(RoomEvent{.kind = Kind::kMembershipEnded, .roomId = 6, .userId = 43, .payload = ""});
  a.bus->publish(RoomEvent{.kind = Kind::kDirectMessage, .roomId = 4, .seq = 1, .userId = 41, .peerId = 42, .payload = ""});
  runUntil(loop_, [&] { return b.count(Kind::kDirectMessage, 4) == 1; });
  EXPECT_EQ(b.count(Kind::kDirectMessage, 5), 1u);
  ASSERT_EQ(b.count(Kind::kMembershipEnded, 6), 1u);
  EXPECT_EQ(b.heard[1].userId, 42);
}

TEST_F(RedisBusTest, RevokedTokensReachEveryNode) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  Node b(loop_, server.url());
  bothListening(a, b);
  a.bus->publish(RoomEvent{.kind = Kind::kTokenRevoked, .payload = "key"});
  runUntil(loop_, [&] { return b.count(Kind::kTokenRevoked, 0) == 1; });
  EXPECT_EQ(b.heard.back().payload, "key");
}

TEST_F(RedisBusTest, ReconnectsSubscribesAgainAndHeals) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, server.url());
  Node b(loop_, server.url());
  b.bus->watchRoom(7);
  b.bus->watchUser(42);
  bothListening(a, b);
  const int healsBefore = b.heals;
  server.kill();
  runUntil(loop_, [&] { return !a.listening() && !b.listening(); });
  EXPECT_NE(b.bus->unavailableReason().find("redis"), std::string::npos) << b.bus->unavailableReason();
  // Published while down: lost to b, delivered here all the same.
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 7, .seq = 1, .payload = ""});
  EXPECT_EQ(a.count(Kind::kMessage, 7), 1u);
  ASSERT_TRUE(server.restart());
  runUntil(loop_, [&] { return a.listening() && b.listening() && b.heals > healsBefore; }, 10000);
  a.bus->publish(RoomEvent{.kind = Kind::kMessage, .roomId = 7, .seq = 2, .payload = ""});
  a.bus->publish(RoomEvent{.kind = Kind::kDirectMessage, .roomId = 5, .seq = 1, .userId = 41, .peerId = 42, .payload = ""});
  runUntil(loop_, [&] { return b.count(Kind::kDirectMessage, 5) == 1 && b.count(Kind::kMessage, 7) == 1; });
  EXPECT_EQ(b.heard[0].seq, 2);
}

TEST_F(RedisBusTest, ASubscriberThatHearsNothingIsReconnectedAndHeals) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  Node a(loop_, std::vector<std::string>{server.url()}, RedisBusTiming{.heartbeatMs = 50, .silentMs = 300});
  runUntil(loop_, [&] { return a.listening(); });
  const int healsBefore = a.heals;
  // Hung, not gone: the sockets stay open, and no command of the bus's own waits.
  server.pause();
  runUntil(loop_, [&] { return !a.listening(); }, 3000);
  EXPECT_NE(a.bus->unavailableReason().find("heard nothing"), std::string::npos) << a.bus->unavailableReason();
  server.resume();
  runUntil(loop_, [&] { return a.listening() && a.heals > healsBefore; }, 10000);
}

}  // namespace
}  // namespace chatd::store
