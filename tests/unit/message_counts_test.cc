// MessageCounts: a frame's type read past any of the three WebSocket header
// lengths, every type the server sends named, and what is not a known type
// counted as "other".
#include "chat/MessageCounts.h"

#include <gtest/gtest.h>

#include <string>

#include "chat/ChatFrames.h"
#include "server/ServerFrames.h"

namespace chatd::chat {
namespace {

constexpr size_t kOther = MessageCounts::kServerTypes.size();

size_t indexOf(std::string_view type) {
  for (size_t i = 0; i < MessageCounts::kServerTypes.size(); ++i) {
    if (MessageCounts::kServerTypes[i] == type) return i;
  }
  return kOther;
}

TEST(MessageCountsTest, ReadsTheTypeOfFramesOfEveryHeaderLength) {
  MessageCounts counts;
  for (const size_t padding : {10, 200, 70'000}) {  // 7-bit, 16-bit and 64-bit lengths
    ServerMessage message("typing", 1);
    message.writer().key("pad").value(std::string(padding, 'x'));
    counts.countOutFrame(server::makeServerFrame(proto::WsOpcode::kText, message.finish()));
  }
  EXPECT_EQ(counts.out(indexOf("typing")), 3u);
  EXPECT_EQ(counts.out(kOther), 0u);
}

TEST(MessageCountsTest, CountsRepliesByTypeAndTheUnknownAsOther) {
  MessageCounts counts;
  counts.countOut(ackMessage(store::Message{}, "1"));
  counts.countOut(errorMessage("bad_request", "no", {}));
  counts.countOut(R"({"type":"brand_new"})");
  counts.countOut("not json");
  EXPECT_EQ(counts.out(indexOf("ack")), 1u);
  EXPECT_EQ(counts.out(indexOf("error")), 1u);
  EXPECT_EQ(counts.out(kOther), 2u);
}

TEST(MessageCountsTest, CountsClientTypesByNameAndTheUnparsedAsOther) {
  MessageCounts counts;
  counts.countIn(ClientType::kJoinRoom);
  counts.countIn(std::nullopt);
  EXPECT_EQ(counts.in(static_cast<size_t>(ClientType::kJoinRoom)), 1u);
  EXPECT_EQ(counts.in(MessageCounts::kClientTypes), 1u);
  EXPECT_EQ(MessageCounts::clientTypeName(static_cast<size_t>(ClientType::kJoinRoom)), "join_room");
  EXPECT_EQ(MessageCounts::clientTypeName(MessageCounts::kClientTypes), "other");
  for (size_t i = 0; i < MessageCounts::kClientTypes; ++i) EXPECT_FALSE(MessageCounts::clientTypeName(i).empty()) << i;
}

TEST(MessageCountsTest, EveryClientTypeHasItsOwnCountNotAnother) {
  MessageCounts counts;
  counts.countIn(ClientType::kReceived);
  counts.countIn(ClientType::kCallHangup);
  EXPECT_EQ(counts.in(static_cast<size_t>(ClientType::kReceived)), 1u);
  EXPECT_EQ(counts.in(static_cast<size_t>(ClientType::kCallHangup)), 1u);
  EXPECT_EQ(MessageCounts::clientTypeName(static_cast<size_t>(ClientType::kCallHangup)), "call_hangup");
  EXPECT_EQ(counts.in(MessageCounts::kClientTypes), 0u);
  for (size_t i = 0; i <= MessageCounts::kServerTypes.size(); ++i) EXPECT_EQ(counts.out(i), 0u) << i;
}

}  // namespace
}  // namespace chatd::chat
