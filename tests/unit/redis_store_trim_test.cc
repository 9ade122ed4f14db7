// RedisStore's memory under --history-max: the append script trims in the
// same round trip, so a room's log, ids, client ids and reactions never hold
// more than N entries, whatever was appended and reacted to.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/redis_store_fixture.h"

namespace chatd::store {
namespace {

constexpr uint32_t kKeep = 10;
constexpr int kAppends = 200;

class RedisStoreTrim : public RedisStoreFixture {
 protected:
  void SetUp() override {
    backend_.historyMax = kKeep;
    RedisStoreFixture::SetUp();
  }
  long lobbyHashLength(const std::string& part) {
    return std::stol(backend_.command({"HLEN", "chatd:room:1:" + part}));
  }
};

TEST_F(RedisStoreTrim, ARoomsHashesHoldAtMostTheLimit) {
  for (int i = 1; i <= kAppends; ++i) {
    const Message m = await<AppendResult>([&](auto done) {
                        store_->appendMessage(kLobby, ann_, "m", "c" + std::to_string(i), nullptr, done);
                      }).message;
    await<ReactionChange>([&](auto done) { store_->toggleReaction(kLobby, m.id, bob_, "x", 10, done); });
    ASSERT_LE(lobbyHashLength("log"), static_cast<long>(kKeep)) << "after " << i;
  }
  EXPECT_EQ(lobbyHashLength("log"), static_cast<long>(kKeep));
  EXPECT_EQ(lobbyHashLength("ids"), static_cast<long>(kKeep));
  EXPECT_EQ(lobbyHashLength("clients"), static_cast<long>(kKeep));
  EXPECT_EQ(lobbyHashLength("reactions"), static_cast<long>(kKeep));
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1", "first_seq"}), std::to_string(kAppends - kKeep + 1));
  EXPECT_EQ(backend_.command({"HGET", "chatd:room:1", "last_seq"}), std::to_string(kAppends));
}

}  // namespace
}  // namespace chatd::store
