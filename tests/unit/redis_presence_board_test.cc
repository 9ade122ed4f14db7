// RedisPresenceBoard against a real redis-server: two boards are two nodes
// of one chat server (one Redis, one key prefix). First arrival and last
// departure across them; a node that stops renewing its lease (killed) has
// its users swept and announced offline by a survivor within three leases;
// a live node is never swept; who is online in a room, read from any node.
// Skipped where redis-server is not installed.
#include "store/redis/RedisPresenceBoard.h"

#include <gtest/gtest.h>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/unit/redis_server.h"

namespace chatd::store {
namespace {

constexpr uint64_t kLeaseMs = 300;
constexpr uint64_t kLimitMs = 5000;

bool haveRedisServer() { return system("command -v redis-server >/dev/null 2>&1") == 0; }

// (room, user, came online) as a board's listener heard it.
using News = std::tuple<int64_t, int64_t, bool>;

struct Recorder final : PresenceBoard::Listener {
  std::vector<News> heard;
  void cameOnline(int64_t roomId, int64_t userId) override { heard.emplace_back(roomId, userId, true); }
  void wentOffline(int64_t roomId, int64_t userId) override { heard.emplace_back(roomId, userId, false); }
};

class RedisPresenceBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveRedisServer()) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_TRUE(server().ready()) << "redis-server did not start";
  }

  // A node: a board under this test's prefix, heard by `recorder`.
  std::unique_ptr<RedisPresenceBoard> node(Recorder& recorder) {
    RedisPresenceOptions options;
    options.connection.address = *parseRedisUrl(server().url());
    options.keyPrefix = prefix_;
    options.leaseMs = kLeaseMs;
    auto board = std::make_unique<RedisPresenceBoard>(loop_, options);
    board->setListener(&recorder);
    return board;
  }

  // Runs the loop until `done` holds (checked every 10 ms) or kLimitMs
  // passed; answers how long it took.
  uint64_t runUntil(const std::function<bool()>& done) {
    const uint64_t start = loop_.nowMs();
    Poll poll{loop_, done, start + kLimitMs};
    poll.check();
    loop_.run();
    return loop_.nowMs() - start;
  }
  // Runs the loop for `ms`, whatever happens.
  void runFor(uint64_t ms) {
    const uint64_t until = loop_.nowMs() + ms;
    runUntil([&] { return loop_.nowMs() >= until; });
  }

  // A board's online() answer for the room, the ids sorted.
  PresenceBoard::OnlineUsers onlineIn(PresenceBoard& board, int64_t roomId, size_t limit = 100) {
    std::optional<PresenceBoard::OnlineUsers> answer;
    board.online(roomId, limit, [&](PresenceBoard::OnlineUsers online) { answer = std::move(online); });
    runUntil([&] { return answer.has_value(); });
    if (!answer) return {{-1}, 0};
    std::sort(answer->userIds.begin(), answer->userIds.end());
    return *answer;
  }

  // One command on a connection of its own, as another client would; its integer answer.
  long long redisCommand(const std::string& command) {
    redisContext* context = redisConnect("127.0.0.1", server().port());
    long long answer = -1;
    if (auto* reply = static_cast<redisReply*>(::redisCommand(context, command.c_str()))) {
      answer = reply->integer;
      freeReplyObject(reply);
    }
    redisFree(context);
    return answer;
  }

  reactor::EventLoop loop_;
  const std::string prefix_ = test::uniqueKeyPrefix("presence");
  Recorder first_;
  Recorder second_;

 private:
  struct Poll final : reactor::TimerHandler {
    Poll(reactor::EventLoop& loop, std::function<bool()> done, uint64_t deadline)
        : loop(loop), done(std::move(done)), deadline(deadline) {}
    void check() {
      if (done() || loop.nowMs() >= deadline) return loop.stop();
      loop.scheduleTimer(timer, 10);
    }
    void handleTimer(reactor::Timer&) override { check(); }
    reactor::EventLoop& loop;
    std::function<bool()> done;
    uint64_t deadline;
    reactor::Timer timer{this};
  };

  static test::RedisServer& server() { return test::sharedRedisServer(); }
};

TEST_F(RedisPresenceBoardTest, AUserIsOnlineFromTheFirstArrivalToTheLastDepartureOnAnyNode) {
  auto a = node(first_);
  auto b = node(second_);
  a->arrive(7, 42);
  runUntil([&] { return !first_.heard.empty(); });
  EXPECT_EQ(first_.heard, (std::vector<News>{{7, 42, true}}));
  b->arrive(7, 42);  // already online: on the other node
  b->arrive(8, 42);  // another room: first there
  runUntil([&] { return !second_.heard.empty(); });
  runFor(50);
  EXPECT_EQ(second_.heard, (std::vector<News>{{8, 42, true}}));
  a->depart(7, 42);  // still online on the second node
  runFor(50);
  EXPECT_EQ(first_.heard.size(), 1u);
  b->depart(7, 42);
  runUntil([&] { return second_.heard.size() == 2; });
  EXPECT_EQ(second_.heard.back(), (News{7, 42, false}));
  EXPECT_EQ(first_.heard.size(), 1u);
}

TEST_F(RedisPresenceBoardTest, ADeadNodesUsersAreSweptWithinThreeLeasesAndAnnouncedOnce) {
  auto survivor = node(first_);
  auto dying = node(second_);
  survivor->arrive(1, 10);  // online on both: stays online
  dying->arrive(1, 10);
  dying->arrive(1, 11);
  dying->arrive(2, 11);
  runUntil([&] { return first_.heard.size() == 1 && second_.heard.size() == 2; });
  ASSERT_EQ(second_.heard.size(), 2u);
  dying.reset();  // as kill -9: no departure, no more renewals
  const uint64_t took = runUntil([&] { return first_.heard.size() == 3; });
  EXPECT_LE(took, 3 * kLeaseMs);
  std::sort(first_.heard.begin() + 1, first_.heard.end());  // a sweep tells in no set order
  EXPECT_EQ(first_.heard, (std::vector<News>{{1, 10, true}, {1, 11, false}, {2, 11, false}}));
  runFor(kLeaseMs);  // swept once: nothing more
  EXPECT_EQ(first_.heard.size(), 3u);
  // User 10 is still online (on the survivor): a newcomer elsewhere is not first.
  Recorder third;
  auto newcomer = node(third);
  newcomer->arrive(1, 10);
  newcomer->arrive(1, 11);
  runUntil([&] { return !third.heard.empty(); });
  runFor(50);
  EXPECT_EQ(third.heard, (std::vector<News>{{1, 11, true}}));
}

TEST_F(RedisPresenceBoardTest, LiveNodesRenewTheirLeasesAndAreNeverSwept) {
  auto a = node(first_);
  auto b = node(second_);
  a->arrive(3, 30);
  runUntil([&] { return !first_.heard.empty(); });
  runFor(4 * kLeaseMs);
  b->arrive(3, 30);  // still online on the first node
  runFor(50);
  EXPECT_EQ(first_.heard, (std::vector<News>{{3, 30, true}}));
  EXPECT_TRUE(second_.heard.empty());
}

// A node that was swept while it lived (it stalled past its lease, or lost
// Redis that long) puts its entries back at its next tick, and its users
// come online again.
TEST_F(RedisPresenceBoardTest, ANodeSweptWhileAliveRestoresItsEntries) {
  auto a = node(first_);
  a->arrive(5, 50);
  runUntil([&] { return !first_.heard.empty(); });
  // What another node's sweep does to it.
  EXPECT_EQ(redisCommand("ZREM " + prefix_ + "nodes " + a->owner()), 1);
  EXPECT_EQ(redisCommand("DEL " + prefix_ + "node:" + a->owner() + ":presence"), 1);
  EXPECT_EQ(redisCommand("HDEL " + prefix_ + "room:5:online 50"), 1);
  const uint64_t took = runUntil([&] { return first_.heard.size() == 2; });
  EXPECT_LE(took, kLeaseMs);
  EXPECT_EQ(first_.heard, (std::vector<News>{{5, 50, true}, {5, 50, true}}));
  EXPECT_EQ(redisCommand("HEXISTS " + prefix_ + "room:5:online 50"), 1);
  EXPECT_EQ(redisCommand("SISMEMBER " + prefix_ + "node:" + a->owner() + ":presence 5:50"), 1);
}

using Ids = std::vector<int64_t>;

TEST_F(RedisPresenceBoardTest, OnlineNamesTheRoomsUsersOfEveryNodeOnce) {
  auto a = node(first_);
  auto b = node(second_);
  a->arrive(7, 1);
  a->arrive(7, 2);
  // An answer sees the calls made on its node before it.
  PresenceBoard::OnlineUsers online = onlineIn(*a, 7);
  EXPECT_EQ(online.userIds, (Ids{1, 2}));
  EXPECT_EQ(online.count, 2u);
  b->arrive(7, 2);  // on both nodes: one user
  b->arrive(7, 3);
  b->arrive(8, 4);
  online = onlineIn(*b, 7);
  EXPECT_EQ(online.userIds, (Ids{1, 2, 3}));
  EXPECT_EQ(online.count, 3u);
  a->depart(7, 1);
  a->depart(7, 2);  // still on the second node
  online = onlineIn(*a, 7);
  EXPECT_EQ(online.userIds, (Ids{2, 3}));
  EXPECT_EQ(online.count, 2u);
  EXPECT_EQ(onlineIn(*a, 8).userIds, (Ids{4}));
  online = onlineIn(*a, 9);
  EXPECT_TRUE(online.userIds.empty());
  EXPECT_EQ(online.count, 0u);
}

// Past the limit the answer names that many (read with HSCAN: a room far
// larger than the list costs the list) and counts everyone.
TEST_F(RedisPresenceBoardTest, OnlineInARoomLargerThanTheLimitNamesTheLimitAndCountsEveryone) {
  auto a = node(first_);
  constexpr int64_t kUsers = 300;  // past Redis's compact hash encoding (128 entries)
  for (int64_t user = 1; user <= kUsers; ++user) a->arrive(5, user);
  const PresenceBoard::OnlineUsers online = onlineIn(*a, 5, 100);
  EXPECT_EQ(online.count, static_cast<size_t>(kUsers));
  ASSERT_EQ(online.userIds.size(), 100u);
  EXPECT_EQ(std::set<int64_t>(online.userIds.begin(), online.userIds.end()).size(), 100u) << "no user twice";
  EXPECT_GE(online.userIds.front(), 1);
  EXPECT_LE(online.userIds.back(), kUsers);
}

// Online anywhere (room 0): every node's users once each, paged by id; a
// dead node's users leave the list with its lease.
TEST_F(RedisPresenceBoardTest, OnlineAnywherePagesThroughEveryNodesUsersByIdUntilTheirNodeDies) {
  constexpr int64_t kAnywhere = PresenceBoard::kAnywhere;
  auto a = node(first_);
  auto b = node(second_);
  for (const int64_t user : {5, 1, 9}) a->arrive(kAnywhere, user);
  for (const int64_t user : {9, 3, 12}) b->arrive(kAnywhere, user);
  auto page = [&](PresenceBoard& board, int64_t after, size_t limit) {
    std::optional<PresenceBoard::OnlineUsers> answer;
    board.onlineAnywhere(after, limit, [&](PresenceBoard::OnlineUsers online) { answer = std::move(online); });
    runUntil([&] { return answer.has_value(); });
    return answer.value_or(PresenceBoard::OnlineUsers{{-1}, 0});
  };
  PresenceBoard::OnlineUsers online = page(*a, 0, 3);
  EXPECT_EQ(online.userIds, (Ids{1, 3, 5})) << "in id order, not sorted by the test";
  EXPECT_EQ(online.count, 5u);
  EXPECT_EQ(page(*b, 5, 3).userIds, (Ids{9, 12}));
  EXPECT_TRUE(page(*b, 12, 3).userIds.empty());

  a->depart(kAnywhere, 9);  // still on b
  a->depart(kAnywhere, 5);
  EXPECT_EQ(page(*b, 0, 10).userIds, (Ids{1, 3, 9, 12}));

  b.reset();  // b dies: a sweeps its users out
  for (int wait = 0; wait < 20 && page(*a, 0, 10).count != 1; ++wait) runFor(kLeaseMs / 2);
  EXPECT_EQ(page(*a, 0, 10).userIds, (Ids{1}));
  EXPECT_EQ(page(*a, 0, 10).count, 1u);
}

}  // namespace
}  // namespace chatd::store
