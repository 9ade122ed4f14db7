// The append script publishes the message it stores (MessageAnnouncement.h,
// MessageScripts.h): what a listener on the room's channel hears is exactly
// the event the appending node delivers locally, in the same write.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <memory>
#include <string>
#include <vector>

#include "store/redis/RoomEventWire.h"
#include "tests/unit/redis_store_fixture.h"

namespace chatd::store {
namespace {

// A blocking subscriber of its own: every channel is subscribed (and Redis
// has said so) before the test goes on.
class Listener {
 public:
  Listener(int port, const std::vector<std::string>& channels) : context_(redisConnect("127.0.0.1", port)) {
    EXPECT_TRUE(context_ != nullptr && context_->err == 0);
    const timeval timeout{2, 0};
    redisSetTimeout(context_, timeout);
    for (const std::string& channel : channels) {
      auto* reply = static_cast<redisReply*>(redisCommand(context_, "SUBSCRIBE %b", channel.data(), channel.size()));
      EXPECT_TRUE(reply != nullptr);
      if (reply) freeReplyObject(reply);
    }
  }
  ~Listener() { redisFree(context_); }

  // The next message on any channel, as (channel, bytes); empty bytes after two silent seconds.
  std::pair<std::string, std::string> next() {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return {};
    auto* reply = static_cast<redisReply*>(raw);
    std::pair<std::string, std::string> heard;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3) {
      heard = {std::string(reply->element[1]->str, reply->element[1]->len),
               std::string(reply->element[2]->str, reply->element[2]->len)};
    }
    freeReplyObject(reply);
    return heard;
  }

 private:
  redisContext* context_;
};

class RedisStoreAnnounce : public RedisStoreFixture {
 protected:
  // ann's announcement of `content` in the lobby (or their direct room with `peer`).
  std::shared_ptr<MessageAnnouncement> announcement(std::string content, int64_t peer = 0) {
    auto announce = std::make_shared<MessageAnnouncement>();
    announce->event = RoomEvent{.kind = peer ? RoomEvent::Kind::kDirectMessage : RoomEvent::Kind::kMessage,
                                .roomId = kLobby,
                                .originNode = 0xfedcba9876543210ull,
                                .originSession = 77,
                                .userId = ann_,
                                .peerId = peer,
                                .payload = {}};
    announce->around = {"{\"id\":", ",\"seq\":", ",\"content\":\"" + content + "\",\"at\":", "}"};
    return announce;
  }
  AppendResult append(std::shared_ptr<MessageAnnouncement> announce, std::string clientId = "") {
    return await<AppendResult>(
        [&](auto done) { store_->appendMessage(kLobby, ann_, "hello", clientId, announce, done); });
  }
};

TEST_F(RedisStoreAnnounce, TheRoomHearsTheEventTheAppendingNodeDelivers) {
  Listener listener(backend_.server().port(), {"chatd:room:1:events"});
  auto announce = announcement("hello");
  const AppendResult result = append(announce);
  ASSERT_TRUE(result.announced);
  const Message& m = result.message;
  const RoomEvent expected = announce->filledIn(m.id, m.seq, m.createdAt);
  EXPECT_EQ(expected.payload, "{\"id\":" + std::to_string(m.id) + ",\"seq\":1,\"content\":\"hello\",\"at\":" +
                                  std::to_string(m.createdAt) + "}");
  const auto [channel, bytes] = listener.next();
  EXPECT_EQ(channel, "chatd:room:1:events");
  EXPECT_EQ(bytes, encodeRoomEvent(expected));
}

TEST_F(RedisStoreAnnounce, AResendOrAnAppendWithoutAnnouncementPublishesNothing) {
  Listener listener(backend_.server().port(), {"chatd:room:1:events"});
  EXPECT_TRUE(append(announcement("first"), "c-1").announced);
  const AppendResult resend = append(announcement("first"), "c-1");
  EXPECT_TRUE(resend.duplicate);
  EXPECT_FALSE(resend.announced);
  EXPECT_FALSE(append(nullptr).announced);
  // Marks the end: the only other thing the channel may carry is the first append.
  backend_.command({"PUBLISH", "chatd:room:1:events", "end"});
  EXPECT_NE(listener.next().second, "end");
  EXPECT_EQ(listener.next().second, "end");
}

TEST_F(RedisStoreAnnounce, ADirectMessageIsHeardOnBothUsersChannelsWhereTheUsersAre) {
  Listener listener(backend_.server().port(), {"chatd:user:1:events", "chatd:user:2:events"});
  const AppendResult result = append(announcement("psst", bob_));
  const std::string bytes = listener.next().second;
  EXPECT_FALSE(bytes.empty());
  EXPECT_EQ(listener.next().second, bytes);
  RoomEvent heard;
  ASSERT_TRUE(decodeRoomEvent(bytes, heard));
  EXPECT_EQ(heard.kind, RoomEvent::Kind::kDirectMessage);
  EXPECT_EQ(heard.peerId, bob_);
  EXPECT_EQ(heard.seq, result.message.seq);
}

// The Lua twin of the encoder, past the seqs and payloads a test makes by appending.
TEST_F(RedisStoreAnnounce, TheScriptEncodesAsTheNodesDecode) {
  for (const int64_t seq : {int64_t{0}, int64_t{127}, int64_t{128}, int64_t{1} << 40, (int64_t{1} << 52) - 1}) {
    RoomEvent event{.kind = RoomEvent::Kind::kMessage, .roomId = 1234567, .seq = seq,
                    .originNode = ~0ull, .originSession = 5, .userId = 9, .peerId = 0,
                    .payload = std::string(300, 'x')};
    const RoomEventAroundSeq around = encodeRoomEventAroundSeq(event);
    const std::string script = std::string(kLuaRoomEventWire) +
                               "return wire_event(ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4])";
    EXPECT_EQ(backend_.command({"EVAL", script, "0", around.beforeSeq, std::to_string(seq), around.afterSeq,
                                event.payload}),
              encodeRoomEvent(event))
        << seq;
  }
}

}  // namespace
}  // namespace chatd::store
