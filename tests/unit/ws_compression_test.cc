// WsCompression: a shared frame compressed once for every member, replies
// compressed when worth it, the window and size rules, bounded inflation.
#include "server/WsCompression.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/MessageInflater.h"
#include "proto/WsFrameWriter.h"
#include "server/ServerFrames.h"

namespace chatd::server {
namespace {

using proto::WsOpcode;
constexpr uint8_t kFullWindow = 15;

std::string chatText(size_t n) {
  std::string text;
  while (text.size() < n) text += "{\"type\":\"message\",\"content\":\"hello room\"} ";
  text.resize(n);
  return text;
}

// The frame's header and its payload, inflated when RSV1 is set.
struct Seen {
  proto::WsFrameHeader header;
  std::string payload;
};

Seen open(const reactor::BlockRef& frame) {
  const std::span<const uint8_t> bytes(frame.data(), frame.size());
  const auto layout = proto::decodeUnmaskedFrame(bytes);
  EXPECT_TRUE(layout);
  if (!layout) return {};
  const auto payload = bytes.subspan(layout->headerLength);
  if (!layout->header.rsv1) return {layout->header, std::string(payload.begin(), payload.end())};
  proto::MessageInflater inflater;
  std::vector<uint8_t> plain;
  EXPECT_EQ(inflater.inflate(payload, 1 << 24, plain), proto::MessageInflater::Status::kOk);
  return {layout->header, std::string(plain.begin(), plain.end())};
}

TEST(WsCompression, ASharedFrameIsCompressedOnceForEveryMember) {
  WsCompression compression(true, 64);
  const std::string text = chatText(1000);
  const reactor::BlockRef frame = makeServerFrame(WsOpcode::kText, text);
  std::vector<reactor::BlockRef> queued;
  for (int member = 0; member < 100; ++member) queued.push_back(compression.sharedFrame(frame, kFullWindow));
  EXPECT_EQ(compression.stats().compressions, 1u);
  EXPECT_EQ(compression.stats().sharedSends, 100u);
  for (const reactor::BlockRef& q : queued) EXPECT_EQ(q.data(), queued[0].data());
  EXPECT_LT(queued[0].size(), frame.size());
  const Seen seen = open(queued[0]);
  EXPECT_TRUE(seen.header.rsv1);
  EXPECT_TRUE(seen.header.fin);
  EXPECT_EQ(seen.header.opcode, WsOpcode::kText);
  EXPECT_EQ(seen.payload, text);
}

TEST(WsCompression, NotNegotiatedGetsThePlainFrame) {
  WsCompression compression(true, 64);
  const reactor::BlockRef frame = makeServerFrame(WsOpcode::kText, chatText(1000));
  EXPECT_EQ(compression.sharedFrame(frame, 0).data(), frame.data());
  EXPECT_EQ(compression.stats().compressions, 0u);
}

TEST(WsCompression, UnderTheMinimumSizeStaysPlain) {
  WsCompression compression(true, 64);
  const reactor::BlockRef small = makeServerFrame(WsOpcode::kText, chatText(63));
  EXPECT_EQ(compression.sharedFrame(small, kFullWindow).data(), small.data());
  const reactor::BlockRef atMinimum = makeServerFrame(WsOpcode::kText, chatText(64));
  EXPECT_TRUE(open(compression.sharedFrame(atMinimum, kFullWindow)).header.rsv1);
}

TEST(WsCompression, IncompressibleStaysPlainAndIsTriedOnce) {
  WsCompression compression(true, 0);
  std::string noise(2000, '\0');
  uint32_t x = 1;
  for (char& c : noise) c = static_cast<char>((x = x * 1664525 + 1013904223) >> 24);
  const reactor::BlockRef frame = makeServerFrame(WsOpcode::kBinary, noise);
  EXPECT_EQ(compression.sharedFrame(frame, kFullWindow).data(), frame.data());
  EXPECT_EQ(compression.sharedFrame(frame, kFullWindow).data(), frame.data());
  EXPECT_EQ(compression.stats().compressions, 1u);
  EXPECT_EQ(compression.stats().sharedSends, 0u);
}

// server_max_window_bits=N: compressed only when the message fits 2^N bytes.
TEST(WsCompression, ASmallWindowGetsCompressedOnlyWhatFitsIt) {
  WsCompression compression(true, 0);
  const reactor::BlockRef fits = makeServerFrame(WsOpcode::kText, chatText(512));
  const reactor::BlockRef tooLong = makeServerFrame(WsOpcode::kText, chatText(513));
  EXPECT_TRUE(open(compression.sharedFrame(fits, 9)).header.rsv1);
  EXPECT_EQ(compression.sharedFrame(tooLong, 9).data(), tooLong.data());
  // The same compressed bytes serve a full-window member.
  EXPECT_EQ(compression.sharedFrame(fits, kFullWindow).data(), compression.sharedFrame(fits, 9).data());
  EXPECT_TRUE(open(compression.sharedFrame(tooLong, kFullWindow)).header.rsv1);
}

TEST(WsCompression, ControlFramesAreNeverCompressed) {
  WsCompression compression(true, 0);
  const reactor::BlockRef ping = makeServerFrame(WsOpcode::kPing, chatText(100));
  EXPECT_EQ(compression.sharedFrame(ping, kFullWindow).data(), ping.data());
  const reactor::BlockRef close = makeCloseFrame(1000, chatText(100));
  EXPECT_EQ(compression.sharedFrame(close, kFullWindow).data(), close.data());
  EXPECT_EQ(compression.stats().compressions, 0u);
}

TEST(WsCompression, RepliesAreCompressedWhenWorthIt) {
  WsCompression compression(true, 64);
  const std::string text = chatText(300);
  const std::span<const uint8_t> payload(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  const Seen compressed = open(compression.replyFrame(WsOpcode::kText, payload, kFullWindow));
  EXPECT_TRUE(compressed.header.rsv1);
  EXPECT_EQ(compressed.payload, text);
  EXPECT_FALSE(open(compression.replyFrame(WsOpcode::kText, payload.first(10), kFullWindow)).header.rsv1);
  EXPECT_FALSE(open(compression.replyFrame(WsOpcode::kText, payload, 0)).header.rsv1);
  EXPECT_EQ(compression.stats().compressedReplies, 1u);
}

TEST(WsCompression, InflatedBufferIsRecycledWhileSmall) {
  WsCompression compression(true, 64);
  std::vector<uint8_t> buffer = compression.takeBuffer();
  buffer.reserve(1000);
  compression.recycle(std::move(buffer));
  EXPECT_GE(compression.takeBuffer().capacity(), 1000u);
  std::vector<uint8_t> large;
  large.reserve(1 << 20);
  compression.recycle(std::move(large));
  EXPECT_EQ(compression.takeBuffer().capacity(), 0u);  // a large one is freed, not kept
}

}  // namespace
}  // namespace chatd::server
