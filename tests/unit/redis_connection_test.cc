// RedisConnection against a real redis-server on our EventLoop: round trips,
// pipelining, AUTH+SELECT from the URL, command timeout, refused connect,
// server death. Skipped where redis-server is not installed.
#include "store/redis/RedisConnection.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/reactor_test_util.h"
#include "tests/unit/redis_server.h"

namespace chatd::store {
namespace {

using reactor::test::runWithin;
using Kind = RedisReply::Kind;

constexpr uint64_t kLimitMs = 5000;

class RedisConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::haveRedisServer()) GTEST_SKIP() << "redis-server is not installed";
  }

  // A connection to `url` that records its state changes.
  std::unique_ptr<RedisConnection> connectTo(const std::string& url, uint64_t commandTimeoutMs = 2000,
                                             uint64_t deadAfterMs = 8000) {
    RedisOptions options;
    const auto address = parseRedisUrl(url);
    EXPECT_TRUE(address) << url;
    if (address) options.address = *address;
    options.commandTimeoutMs = commandTimeoutMs;
    options.deadAfterMs = deadAfterMs;
    auto connection = std::make_unique<RedisConnection>(loop_, options);
    connection->onConnected([this] { ++connects_; });
    connection->onDisconnected([this](const std::string& reason) {
      disconnectReasons_.push_back(reason);
      if (stopOnDisconnect_) loop_.stop();
    });
    connection->connect();
    return connection;
  }

  reactor::EventLoop loop_;
  int connects_ = 0;
  std::vector<std::string> disconnectReasons_;
  bool stopOnDisconnect_ = false;
};

TEST_F(RedisConnectionTest, SetThenGetRoundTrips) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  auto redis = connectTo(server.url());
  RedisReply set;
  RedisReply get;
  redis->command({"SET", "greeting", std::string_view("hi\0there", 8)}, [&](const RedisReply& r) { set = r; });
  redis->command({"GET", "greeting"}, [&](const RedisReply& r) {
    get = r;
    loop_.stop();
  });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(connects_, 1);
  EXPECT_TRUE(redis->connected());
  EXPECT_EQ(set.kind, Kind::kStatus);
  EXPECT_EQ(set.text, "OK");
  ASSERT_EQ(get.status, RedisStatus::kOk);
  EXPECT_EQ(get.kind, Kind::kString);
  EXPECT_EQ(get.text, std::string("hi\0there", 8));
}

TEST_F(RedisConnectionTest, UnixSocketRoundTrips) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  auto redis = connectTo("unix://" + server.socketPath());
  RedisReply pong;
  redis->command({"PING"}, [&](const RedisReply& r) {
    pong = r;
    loop_.stop();
  });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(connects_, 1);
  EXPECT_EQ(pong.kind, Kind::kStatus);
  EXPECT_EQ(pong.text, "PONG");
}

TEST_F(RedisConnectionTest, MissingUnixSocketReportsFailure) {
  stopOnDisconnect_ = true;
  auto redis = connectTo("unix:///nonexistent/chatd-redis.sock");
  RedisReply ping;
  redis->command({"PING"}, [&](const RedisReply& r) { ping = r; });
  EXPECT_TRUE(disconnectReasons_.empty()) << "reported later, never from inside connect()";
  runWithin(loop_, kLimitMs);
  ASSERT_EQ(disconnectReasons_.size(), 1u);
  EXPECT_EQ(ping.status, RedisStatus::kDisconnected);
}

TEST_F(RedisConnectionTest, TypedReplies) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  auto redis = connectTo(server.url());
  RedisReply missing, list, error;
  redis->command({"GET", "nothing"}, [&](const RedisReply& r) { missing = r; });
  redis->command({"RPUSH", "list", "a", "b"}, [](const RedisReply&) {});
  redis->command({"LRANGE", "list", "0", "-1"}, [&](const RedisReply& r) { list = r; });
  redis->command({"NOSUCHCOMMAND"}, [&](const RedisReply& r) {
    error = r;
    loop_.stop();
  });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(missing.kind, Kind::kNil);
  ASSERT_EQ(list.kind, Kind::kArray);
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].text, "b");
  EXPECT_EQ(error.status, RedisStatus::kOk);
  EXPECT_EQ(error.kind, Kind::kError);
  EXPECT_FALSE(error.ok());
}

TEST_F(RedisConnectionTest, PipelinedIncrsAnswerInOrder) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  auto redis = connectTo(server.url());
  constexpr int kCount = 1000;
  std::vector<int64_t> answers;
  long long readsBefore = -1;
  redis->onConnected([&] {
    readsBefore = server.stat("total_reads_processed");
    for (int i = 0; i < kCount; ++i) {
      redis->command({"INCR", "counter"}, [&](const RedisReply& r) {
        answers.push_back(r.kind == Kind::kInteger ? r.integer : -1);
        if (answers.size() == kCount) loop_.stop();
      });
    }
  });
  runWithin(loop_, kLimitMs);
  ASSERT_EQ(answers.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(answers[i], i + 1) << "answer " << i;
  // Written together, the 1,000 commands (~30 KB) reach the server in a few
  // reads (it reads 16 KB at a time), not one read per command.
  const long long reads = server.stat("total_reads_processed") - readsBefore;
  ASSERT_GE(readsBefore, 0);
  EXPECT_LT(reads, 20) << "server reads for " << kCount << " pipelined commands";
}

TEST_F(RedisConnectionTest, AuthAndSelectFromTheUrl) {
  test::RedisServer server("pa55");
  ASSERT_TRUE(server.ready());
  auto redis = connectTo(server.url(":pa55@", "/3"));
  RedisReply set, dbOfKey;
  redis->command({"SET", "where", "db3"}, [&](const RedisReply& r) { set = r; });
  // MOVE to db 3 fails (same db) only if we really are in db 3.
  redis->command({"MOVE", "where", "3"}, [&](const RedisReply& r) {
    dbOfKey = r;
    loop_.stop();
  });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(connects_, 1);
  EXPECT_TRUE(set.ok()) << set.text;
  EXPECT_FALSE(dbOfKey.ok()) << "MOVE to the current db is an error";
  EXPECT_TRUE(disconnectReasons_.empty());
}

TEST_F(RedisConnectionTest, WrongPasswordDisconnects) {
  test::RedisServer server("pa55");
  ASSERT_TRUE(server.ready());
  stopOnDisconnect_ = true;
  auto redis = connectTo(server.url(":wrong@"));
  RedisReply ping;
  redis->command({"PING"}, [&](const RedisReply& r) { ping = r; });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(connects_, 0);
  ASSERT_EQ(disconnectReasons_.size(), 1u);
  EXPECT_NE(disconnectReasons_[0].find("handshake"), std::string::npos) << disconnectReasons_[0];
  // Pipelined behind the failed AUTH: the server refused it (NOAUTH) or it was cut off.
  EXPECT_FALSE(ping.ok());
}

TEST_F(RedisConnectionTest, AnUnansweredCommandTimesOutAloneAndLaterAnswersStillMatch) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  auto redis = connectTo(server.url(), 200, 5000);
  RedisReply ping;
  RedisReply echo;
  uint64_t sentAt = 0;
  uint64_t failedAt = 0;
  redis->onConnected([&] {
    server.pause();  // SIGSTOP: the socket stays open, nothing answers
    sentAt = loop_.nowMs();
    redis->command({"PING"}, [&](const RedisReply& r) {
      ping = r;
      failedAt = loop_.nowMs();
      // Still connected: the server answers again, PING's late PONG first.
      EXPECT_TRUE(redis->connected());
      server.resume();
      redis->command({"ECHO", "after"}, [&](const RedisReply& r2) {
        echo = r2;
        loop_.stop();
      });
    });
  });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(ping.status, RedisStatus::kTimeout) << ping.text;
  EXPECT_GE(failedAt - sentAt, 200u);
  EXPECT_LT(failedAt - sentAt, 1000u);
  ASSERT_TRUE(echo.ok()) << echo.text;
  EXPECT_EQ(echo.text, "after") << "the late PONG was not taken for ECHO's answer";
  EXPECT_TRUE(disconnectReasons_.empty());
  EXPECT_TRUE(redis->connected());
}

TEST_F(RedisConnectionTest, PastItsBacklogACommandIsRefusedAtOnceAndTheOthersAreAnswered) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  RedisOptions options;
  options.address = *parseRedisUrl(server.url());
  options.maxPendingCommands = 3;
  options.maxPendingBytes = 100;
  RedisConnection redis(loop_, options);
  const std::string forty(40, 'x');  // ECHO + 40 bytes: 44 of the 100
  std::vector<std::pair<std::string, RedisReply>> answers;
  auto record = [&](std::string name) {
    return [&, name](const RedisReply& reply) {
      answers.emplace_back(name, reply);
      if (answers.size() == 5) loop_.stop();
    };
  };
  // All issued in one go: none is answered before the last is issued, so
  // all wait together, and the refusals come first, before any answer.
  redis.onConnected([&] {
    redis.command({"ECHO", forty}, record("echo1"));
    redis.command({"ECHO", forty}, record("echo2"));
    redis.command({"ECHO", forty}, record("over the bytes"));
    redis.command({"PING"}, record("ping"));
    redis.command({"PING"}, record("over the count"));
  });
  redis.connect();
  runWithin(loop_, kLimitMs);
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[0].first, "over the bytes");
  EXPECT_EQ(answers[0].second.status, RedisStatus::kBacklogged);
  EXPECT_NE(answers[0].second.text.find("not keeping up"), std::string::npos) << answers[0].second.text;
  EXPECT_EQ(answers[1].first, "over the count");
  EXPECT_EQ(answers[1].second.status, RedisStatus::kBacklogged);
  for (size_t i = 2; i < 5; ++i) EXPECT_TRUE(answers[i].second.ok()) << answers[i].first << ": " << answers[i].second.text;
  // Answered, the backlog is empty again.
  RedisReply after;
  redis.command({"PING"}, [&](const RedisReply& reply) {
    after = reply;
    loop_.stop();
  });
  runWithin(loop_, kLimitMs);
  EXPECT_TRUE(after.ok()) << after.text;
}

TEST_F(RedisConnectionTest, AServerSilentPastDeadAfterIsDropped) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  stopOnDisconnect_ = true;
  auto redis = connectTo(server.url(), 200, 600);
  RedisReply ping;
  uint64_t sentAt = 0;
  uint64_t droppedAt = 0;
  redis->onConnected([&] {
    server.pause();
    sentAt = loop_.nowMs();
    redis->command({"PING"}, [&](const RedisReply& r) { ping = r; });
  });
  redis->onDisconnected([&](const std::string& reason) {
    disconnectReasons_.push_back(reason);
    droppedAt = loop_.nowMs();
    loop_.stop();
  });
  runWithin(loop_, kLimitMs);
  server.resume();
  EXPECT_EQ(ping.status, RedisStatus::kTimeout) << ping.text;
  ASSERT_EQ(disconnectReasons_.size(), 1u);
  EXPECT_NE(disconnectReasons_[0].find("has not answered"), std::string::npos) << disconnectReasons_[0];
  EXPECT_GE(droppedAt - sentAt, 600u);
  EXPECT_LT(droppedAt - sentAt, 2000u);
  EXPECT_FALSE(redis->connected());
}

TEST_F(RedisConnectionTest, ClosedPortReportsFailure) {
  stopOnDisconnect_ = true;
  auto redis = connectTo("redis://127.0.0.1:" + std::to_string(test::freePort()));
  RedisReply ping;
  redis->command({"PING"}, [&](const RedisReply& r) { ping = r; });
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(connects_, 0);
  ASSERT_EQ(disconnectReasons_.size(), 1u);
  EXPECT_EQ(ping.status, RedisStatus::kDisconnected);
  EXPECT_FALSE(redis->connected());
}

TEST_F(RedisConnectionTest, ServerDeathReportsDisconnected) {
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  stopOnDisconnect_ = true;
  auto redis = connectTo(server.url());
  redis->onConnected([&] { server.kill(); });
  runWithin(loop_, kLimitMs);
  ASSERT_EQ(disconnectReasons_.size(), 1u);
  EXPECT_FALSE(redis->connected());
  // Afterwards a command fails without a connection, and later than its call.
  RedisReply late;
  bool answered = false;
  redis->command({"PING"}, [&](const RedisReply& r) {
    late = r;
    answered = true;
    loop_.stop();
  });
  EXPECT_FALSE(answered);
  runWithin(loop_, kLimitMs);
  EXPECT_EQ(late.status, RedisStatus::kDisconnected);
}

}  // namespace
}  // namespace chatd::store
