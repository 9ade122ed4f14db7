// Redis memory per stored message: appends 10,000 messages of 100 bytes
// through RedisStore into a throwaway redis-server and prints how much
// INFO memory's used_memory grew per message, without and with a client id
// (the resend dedup entry). A figure for the docs, not a timing: it asserts
// only that every append was stored.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "reactor/EventLoop.h"
#include "store/StoreFactory.h"
#include "tests/unit/redis_server.h"

namespace chatd::store {
namespace {

constexpr int kMessages = 10000;
constexpr int kBatch = 1000;  // appends queued per loop run
constexpr int64_t kLobby = 1;

// One command on a blocking connection, its reply unread.
void blockingCommand(const test::RedisServer& server, const char* command) {
  redisContext* context = redisConnect("127.0.0.1", server.port());
  if (context != nullptr && context->err == 0) {
    if (auto* reply = static_cast<redisReply*>(redisCommand(context, command))) freeReplyObject(reply);
  }
  if (context != nullptr) redisFree(context);
}

class RedisStoreMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ready()) << "redis-server did not start";
    // The sender, written as RedisKeys.h lays a user out.
    blockingCommand(server_, "HSET chatd:user:1 username ann nickname Ann created_at 1");
    StoreOptions options;
    options.backend = "redis";
    options.redisUrl = server_.url();
    std::string error;
    store_ = openStore(loop_, options, error);
    ASSERT_TRUE(store_) << error;
    // Once one answer is in, the store has connected and made the lobby
    // ahead of whatever is sent next.
    store_->messagesAfter(kLobby, 0, 1, [&](StoreStatus, std::vector<Message>) { loop_.stop(); });
    loop_.run();
  }

  // Appends `count` messages of 100 bytes to the lobby, `clientIds` giving
  // each a 36-byte client id; answers how many were stored.
  int appendMessages(int count, bool clientIds) {
    const std::string content(100, 'x');
    int stored = 0;
    int answered = 0;
    for (int start = 0; start < count; start += kBatch) {
      const int end = std::min(count, start + kBatch);
      for (int i = start; i < end; ++i) {
        std::string clientId = clientIds ? "0b6ce5d4-8f0e-4a5f-9a3c-" + std::to_string(100000000000 + i) : "";
        store_->appendMessage(kLobby, 1, content, std::move(clientId), [&, end](StoreStatus status, AppendResult) {
          stored += status == StoreStatus::kOk;
          if (++answered == end) loop_.stop();
        });
      }
      while (answered < end) loop_.run();
    }
    return stored;
  }

  // used_memory's growth per message over `count` appends.
  double bytesPerMessage(int count, bool clientIds) {
    const long long before = server_.stat("used_memory", "memory");
    EXPECT_EQ(appendMessages(count, clientIds), count);
    return static_cast<double>(server_.stat("used_memory", "memory") - before) / count;
  }

  test::RedisServer server_;
  reactor::EventLoop loop_;
  std::unique_ptr<Store> store_;
};

TEST_F(RedisStoreMemory, PerStoredMessageOfAHundredBytes) {
  ASSERT_EQ(appendMessages(1, false), 1);  // the scripts loaded, the keys made
  const double plain = bytesPerMessage(kMessages, false);
  const double withClientId = bytesPerMessage(kMessages, true);
  std::printf("redis used_memory per stored 100-byte message: %.0f bytes without a client id, "
              "%.0f with a 36-byte one\n", plain, withClientId);
  std::vector<Message> newest;
  store_->messagesBefore(kLobby, std::numeric_limits<int64_t>::max(), 1, [&](StoreStatus, std::vector<Message> page) {
    newest = std::move(page);
    loop_.stop();
  });
  loop_.run();
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].seq, 2 * kMessages + 1);
  EXPECT_GT(plain, 100);  // at least the content
}

}  // namespace
}  // namespace chatd::store
