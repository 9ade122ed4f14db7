#include "chat/RecentMessages.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::chat {
namespace {

using reactor::BlockRef;

BlockRef frameOf(int64_t seq, size_t bytes = 0) {
  std::string text = "frame " + std::to_string(seq);
  if (bytes > text.size()) text.resize(bytes, '.');
  return BlockRef::copyOf(text);
}

std::string headOf(const BlockRef& frame) {
  const std::string all(reinterpret_cast<const char*>(frame.data()), frame.size());
  return all.substr(0, all.find('.'));
}

TEST(RecentMessages, EmptyCoversNothing) {
  RecentMessages recent;
  EXPECT_EQ(recent.size(), 0u);
  EXPECT_FALSE(recent.covers(0));
  EXPECT_FALSE(recent.covers(1));
}

TEST(RecentMessages, ContiguousPushesAreKeptInOrder) {
  RecentMessages recent;
  for (int64_t seq = 5; seq <= 9; ++seq) recent.push(seq, frameOf(seq));
  EXPECT_EQ(recent.size(), 5u);
  EXPECT_EQ(recent.firstSeq(), 5);
  EXPECT_EQ(recent.lastSeq(), 9);
  for (int64_t seq = 5; seq <= 9; ++seq) EXPECT_EQ(headOf(recent.frame(seq)), "frame " + std::to_string(seq));
}

TEST(RecentMessages, CoversFromTheFirstHeldUpToOnePastTheLast) {
  RecentMessages recent;
  for (int64_t seq = 5; seq <= 9; ++seq) recent.push(seq, frameOf(seq));
  EXPECT_FALSE(recent.covers(4));  // message 4 is not held
  for (int64_t seq = 5; seq <= 9; ++seq) EXPECT_TRUE(recent.covers(seq)) << seq;
  EXPECT_TRUE(recent.covers(10));  // nothing newer to send: an up-to-date client
  EXPECT_FALSE(recent.covers(11));
}

TEST(RecentMessages, AGapRestartsTheRun) {
  RecentMessages recent;
  for (int64_t seq = 1; seq <= 3; ++seq) recent.push(seq, frameOf(seq));
  recent.push(7, frameOf(7));
  EXPECT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent.firstSeq(), 7);
  EXPECT_EQ(recent.lastSeq(), 7);
  EXPECT_FALSE(recent.covers(3));
  EXPECT_TRUE(recent.covers(7));
  EXPECT_EQ(headOf(recent.frame(7)), "frame 7");

  recent.push(2, frameOf(2));  // backwards is a gap too
  EXPECT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent.firstSeq(), 2);
  recent.push(2, frameOf(2));  // and so is a repeat
  EXPECT_EQ(recent.size(), 1u);
}

TEST(RecentMessages, BoundedByCount) {
  RecentMessages recent;
  for (int64_t seq = 1; seq <= 300; ++seq) recent.push(seq, frameOf(seq));
  EXPECT_EQ(recent.size(), RecentMessages::kMaxMessages);
  EXPECT_EQ(recent.lastSeq(), 300);
  EXPECT_EQ(recent.firstSeq(), 300 - static_cast<int64_t>(RecentMessages::kMaxMessages) + 1);
  EXPECT_FALSE(recent.covers(recent.firstSeq() - 1));
  EXPECT_TRUE(recent.covers(recent.firstSeq()));
  EXPECT_EQ(headOf(recent.frame(recent.firstSeq())), "frame " + std::to_string(recent.firstSeq()));
}

TEST(RecentMessages, BoundedByBytes) {
  RecentMessages recent;
  const size_t frameBytes = 4096;
  for (int64_t seq = 1; seq <= 100; ++seq) recent.push(seq, frameOf(seq, frameBytes));
  EXPECT_EQ(recent.size(), RecentMessages::kMaxBytes / frameBytes);
  EXPECT_EQ(recent.lastSeq(), 100);

  // One byte bigger: dropping the oldest frame is not enough, two go.
  recent.push(101, frameOf(101, frameBytes + 1));
  EXPECT_EQ(recent.size(), RecentMessages::kMaxBytes / frameBytes - 1);
  EXPECT_EQ(recent.firstSeq(), 101 - static_cast<int64_t>(recent.size()) + 1);
}

TEST(RecentMessages, AFrameOverTheByteLimitIsStillKeptAlone) {
  RecentMessages recent;
  recent.push(1, frameOf(1, 1000));
  recent.push(2, frameOf(2, RecentMessages::kMaxBytes + 1));
  EXPECT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent.firstSeq(), 2);
  EXPECT_TRUE(recent.covers(2));
  EXPECT_EQ(recent.frame(2).size(), RecentMessages::kMaxBytes + 1);
  recent.push(3, frameOf(3, 10));  // the big one makes room
  EXPECT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent.firstSeq(), 3);
}

TEST(RecentMessages, EvictedFramesAreReleased) {
  RecentMessages recent;
  const BlockRef first = frameOf(1);
  recent.push(1, first);
  EXPECT_EQ(first.useCount(), 2u);
  recent.push(5, frameOf(5));  // gap: the run restarts
  EXPECT_EQ(first.useCount(), 1u);

  const BlockRef fifth = recent.frame(5);
  recent.invalidateThrough(5);
  EXPECT_EQ(fifth.useCount(), 1u);
}

TEST(RecentMessages, InvalidateThroughDropsThatMessageAndOlder) {
  RecentMessages recent;
  for (int64_t seq = 1; seq <= 5; ++seq) recent.push(seq, frameOf(seq));
  recent.invalidateThrough(0);
  EXPECT_EQ(recent.size(), 5u);
  recent.invalidateThrough(3);
  EXPECT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent.firstSeq(), 4);
  EXPECT_FALSE(recent.covers(3));
  EXPECT_TRUE(recent.covers(4));
  EXPECT_TRUE(recent.covers(6));
  recent.push(6, frameOf(6));  // still contiguous
  EXPECT_EQ(recent.size(), 3u);
  recent.invalidateThrough(99);
  EXPECT_EQ(recent.size(), 0u);
  EXPECT_FALSE(recent.covers(7));
  recent.push(7, frameOf(7));
  EXPECT_EQ(recent.size(), 1u);
  EXPECT_TRUE(recent.covers(7));
}

// Bytes are given back by invalidation and by a restart: afterwards the full
// byte budget is available again.
TEST(RecentMessages, ByteAccountingFollowsInvalidationAndRestart) {
  const size_t third = RecentMessages::kMaxBytes / 3;
  RecentMessages recent;
  for (int64_t seq = 1; seq <= 3; ++seq) recent.push(seq, frameOf(seq, third));
  EXPECT_EQ(recent.size(), 3u);
  recent.invalidateThrough(2);
  recent.push(4, frameOf(4, third));
  recent.push(5, frameOf(5, third));
  EXPECT_EQ(recent.size(), 3u);  // 3, 4, 5: no eviction
  EXPECT_EQ(recent.firstSeq(), 3);

  recent.push(20, frameOf(20, third));  // restart
  recent.push(21, frameOf(21, third));
  recent.push(22, frameOf(22, third));
  EXPECT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent.firstSeq(), 20);
}

}  // namespace
}  // namespace chatd::chat
