// Redis memory per stored message: appends 10,000 messages of 100 bytes
// through RedisStore into a throwaway redis-server and prints how much
// INFO memory's used_memory grew per message, without and with a client id
// (the resend dedup entry). A figure for the docs, not a timing: it asserts
// only that every append was stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/redis_store_fixture.h"

namespace chatd::store {
namespace {

constexpr int kMessages = 10000;
constexpr int kBatch = 1000;  // appends queued per loop run

class RedisStoreMemory : public RedisStoreFixture {
 protected:
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
        store_->appendMessage(kLobby, ann_, content, std::move(clientId), nullptr, [&, end](StoreStatus status, AppendResult) {
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
    const long long before = backend_.server().stat("used_memory", "memory");
    EXPECT_EQ(appendMessages(count, clientIds), count);
    return static_cast<double>(backend_.server().stat("used_memory", "memory") - before) / count;
  }
};

TEST_F(RedisStoreMemory, PerStoredMessageOfAHundredBytes) {
  ASSERT_EQ(appendMessages(1, false), 1);  // the scripts loaded, the keys made
  const double plain = bytesPerMessage(kMessages, false);
  const double withClientId = bytesPerMessage(kMessages, true);
  std::printf("redis used_memory per stored 100-byte message: %.0f bytes without a client id, "
              "%.0f with a 36-byte one\n", plain, withClientId);
  const auto newest = await<MessagePage>(
      [&](auto done) { store_->messagesBefore(kLobby, std::numeric_limits<int64_t>::max(), 1, done); }).messages;
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].seq, 2 * kMessages + 1);
  EXPECT_GT(plain, 100);  // at least the content
}

}  // namespace
}  // namespace chatd::store
