// For the tests of what only the Redis backend has (its key layout, its
// memory use): a StoreContract over a redis-server of the test's own, with
// the default key prefix and a blocking client that reads and writes the
// keys directly. The users are written as RedisKeys.h lays them out (ann is
// 1, bob 2), so these tests need no other part of RedisStore than the one
// they test.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {

class OwnRedisBackend {
 public:
  uint32_t historyMax = 0;  // the next open()'s --history-max
  std::unique_ptr<Store> open(reactor::EventLoop& loop) {
    EXPECT_TRUE(server_.ready()) << "redis-server did not start";
    std::string error;
    StoreOptions options;
    options.backend = "redis";
    options.redisUrls = {server_.url()};
    options.historyMax = historyMax;
    auto store = openStore(loop, options, error);
    EXPECT_TRUE(store) << error;
    return store;
  }
  // One command on a blocking connection; its reply as text: a string, an
  // integer in decimal, "" for nil, an array's elements joined by spaces.
  std::string command(const std::vector<std::string>& argv) {
    redisContext* context = redisConnect("127.0.0.1", server_.port());
    std::string text;
    if (context != nullptr && context->err == 0) {
      std::vector<const char*> args;
      std::vector<size_t> lengths;
      for (const std::string& arg : argv) {
        args.push_back(arg.data());
        lengths.push_back(arg.size());
      }
      if (auto* reply = static_cast<redisReply*>(
              redisCommandArgv(context, static_cast<int>(argv.size()), args.data(), lengths.data()))) {
        text = replyText(*reply);
        freeReplyObject(reply);
      }
    }
    if (context != nullptr) redisFree(context);
    return text;
  }
  const test::RedisServer& server() const { return server_; }

 private:
  static std::string replyText(const redisReply& reply) {
    switch (reply.type) {
      case REDIS_REPLY_STRING:
      case REDIS_REPLY_STATUS:
      case REDIS_REPLY_ERROR: return std::string(reply.str, reply.len);
      case REDIS_REPLY_INTEGER: return std::to_string(reply.integer);
      case REDIS_REPLY_ARRAY: {
        std::string joined;
        for (size_t i = 0; i < reply.elements; ++i) joined += (i ? " " : "") + replyText(*reply.element[i]);
        return joined;
      }
      default: return "";
    }
  }

  test::RedisServer server_;
};

class RedisStoreFixture : public StoreContract<OwnRedisBackend> {
 protected:
  static constexpr int64_t kLobby = 1;

  void SetUp() override {
    reopen();
    backend_.command({"HSET", "chatd:user:1", "username", "ann", "nickname", "Ann", "created_at", "1"});
    backend_.command({"HSET", "chatd:user:2", "username", "bob", "created_at", "2"});
    backend_.command({"SET", "chatd:user:next", "2"});
    ann_ = 1;
    bob_ = 2;
    // Once one answer is in, the store has connected and made the lobby
    // ahead of whatever is sent next.
    await<MessagePage>([&](auto done) { store_->messagesAfter(kLobby, 0, 1, done); });
  }
};

}  // namespace chatd::store
