// OutputQueue as the write path uses it: fillIovecs() describes the unsent
// bytes, consume() records what a (possibly partial) writev took.
#include "reactor/OutputQueue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chatd::reactor {
namespace {

using Push = OutputQueue::PushResult;

// Distinct, position-dependent bytes so a misplaced offset shows up.
std::string pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + seed * 7 + 1) % 251);
  return s;
}

// Everything fillIovecs() offers, concatenated; fails on empty iovecs.
std::string unsentBytes(const OutputQueue& q, int maxIov = 1024) {
  std::vector<iovec> iov(static_cast<size_t>(maxIov));
  const int n = q.fillIovecs(iov.data(), maxIov);
  std::string out;
  for (int i = 0; i < n; ++i) {
    EXPECT_GT(iov[static_cast<size_t>(i)].iov_len, 0u) << "iovec " << i << " is empty";
    out.append(static_cast<const char*>(iov[static_cast<size_t>(i)].iov_base), iov[static_cast<size_t>(i)].iov_len);
  }
  return out;
}

int iovecCount(const OutputQueue& q) {
  iovec iov[1024];
  return q.fillIovecs(iov, 1024);
}

TEST(OutputQueue, PartialConsumesOfEverySizeLeaveExactlyTheUnsentBytes) {
  const std::vector<size_t> sizes = {1, 7, 130, 3, 64, 500, 2};
  std::string all;
  std::vector<size_t> ends;  // end offset of each block in `all`
  for (size_t i = 0; i < sizes.size(); ++i) {
    all += pattern(sizes[i], static_cast<unsigned>(i));
    ends.push_back(all.size());
  }
  for (size_t step = 1; step <= all.size(); ++step) {
    OutputQueue q(1 << 20);
    for (size_t i = 0, at = 0; i < sizes.size(); at = ends[i++]) {
      ASSERT_EQ(q.push(BlockRef::copyOf(std::string_view(all).substr(at, sizes[i]))), Push::kQueued);
    }
    for (size_t sent = 0; sent < all.size();) {
      ASSERT_EQ(q.bytes(), all.size() - sent);
      ASSERT_EQ(unsentBytes(q), all.substr(sent)) << "step " << step << " sent " << sent;
      int blocksLeft = 0;
      for (size_t end : ends) blocksLeft += end > sent ? 1 : 0;
      ASSERT_EQ(iovecCount(q), blocksLeft) << "step " << step << " sent " << sent;
      const size_t n = std::min(step, all.size() - sent);
      q.consume(n);
      sent += n;
    }
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.bytes(), 0u);
    EXPECT_EQ(iovecCount(q), 0);
  }
}

TEST(OutputQueue, FillIovecsStopsAtMaxOldestFirst) {
  OutputQueue q(1 << 20);
  q.push(BlockRef::copyOf("abcdef"));
  q.push(BlockRef::copyOf("ghi"));
  q.push(BlockRef::copyOf("jklm"));
  q.consume(4);
  EXPECT_EQ(unsentBytes(q, 2), "efghi");
  EXPECT_EQ(unsentBytes(q, 1), "ef");
  iovec none[1];
  EXPECT_EQ(q.fillIovecs(none, 0), 0);
}

TEST(OutputQueue, HeadOffsetMovesWithinABlockAndResetsAtTheNext) {
  OutputQueue q(1 << 20);
  q.push(BlockRef::copyOf("abcdef"));
  q.push(BlockRef::copyOf("ghi"));
  q.consume(0);
  EXPECT_EQ(unsentBytes(q), "abcdefghi");
  q.consume(2);
  EXPECT_EQ(unsentBytes(q), "cdefghi");
  q.consume(3);
  EXPECT_EQ(unsentBytes(q), "fghi");
  q.consume(1);  // exactly the end of the first block
  EXPECT_EQ(iovecCount(q), 1);
  EXPECT_EQ(unsentBytes(q), "ghi");
  q.consume(2);
  EXPECT_EQ(unsentBytes(q), "i");
  q.push(BlockRef::copyOf("jk"));
  EXPECT_EQ(unsentBytes(q), "ijk");
  q.consume(3);
  EXPECT_TRUE(q.empty());
  // A drained queue starts over cleanly.
  q.push(BlockRef::copyOf("new"));
  EXPECT_EQ(unsentBytes(q), "new");
}

TEST(OutputQueue, PushReportsQueuedFullAndRefused) {
  OutputQueue q(100);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(60, 1))), Push::kQueued);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(39, 2))), Push::kQueued);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(1, 3))), Push::kFull);  // exactly at the limit
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_EQ(q.push(BlockRef::copyOf("x")), Push::kRefused);
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_EQ(unsentBytes(q), pattern(60, 1) + pattern(39, 2) + pattern(1, 3));

  q.consume(50);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(51, 4))), Push::kRefused);  // 101 would not fit
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(49, 5))), Push::kQueued);
  EXPECT_EQ(q.bytes(), 99u);
}

TEST(OutputQueue, PushThatCrossesTheLimitIsRefusedWhole) {
  OutputQueue q(100);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(90, 1))), Push::kQueued);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(20, 2))), Push::kRefused);
  EXPECT_EQ(unsentBytes(q), pattern(90, 1));
}

TEST(OutputQueue, EmptyQueueAcceptsOneBlockLargerThanTheLimit) {
  OutputQueue q(100);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(500, 1))), Push::kFull);
  EXPECT_EQ(q.bytes(), 500u);
  EXPECT_EQ(q.push(BlockRef::copyOf("y")), Push::kRefused);
  q.consume(499);
  EXPECT_EQ(q.push(BlockRef::copyOf("y")), Push::kQueued);
  EXPECT_EQ(unsentBytes(q), pattern(500, 1).substr(499) + "y");
}

TEST(OutputQueue, PushUnboundedIgnoresTheLimit) {
  OutputQueue q(10);
  q.push(BlockRef::copyOf(pattern(10, 1)));
  EXPECT_TRUE(q.pushUnbounded(BlockRef::copyOf("pong")));
  EXPECT_TRUE(q.pushUnbounded(BlockRef::copyOf(pattern(1000, 2))));
  EXPECT_EQ(q.bytes(), 1014u);
  EXPECT_EQ(unsentBytes(q), pattern(10, 1) + "pong" + pattern(1000, 2));
  EXPECT_EQ(q.push(BlockRef::copyOf("z")), Push::kRefused);
}

// The counters are 32-bit: a block that would take the queue past 4 GiB is
// refused even by pushUnbounded (the connection then closes). The blocks are
// allocated and never touched, so this costs address space, not memory.
TEST(OutputQueue, NeverHoldsMoreThanFourGibibytes) {
  OutputQueue q(1024);
  const size_t over_half = OutputQueue::kMaxBytes / 2 + 1;
  EXPECT_TRUE(q.pushUnbounded(BlockRef(Block::allocate(over_half))));
  EXPECT_FALSE(q.pushUnbounded(BlockRef(Block::allocate(over_half))));
  EXPECT_EQ(q.bytes(), over_half);
  EXPECT_EQ(q.push(BlockRef::copyOf("x")), Push::kRefused);
  EXPECT_TRUE(q.pushUnbounded(BlockRef::copyOf("close frame")));
}

TEST(OutputQueue, LimitsAboveFourGibibytesAreClamped) {
  OutputQueue q(size_t{1} << 40);
  EXPECT_EQ(q.limit(), OutputQueue::kMaxBytes);
}

TEST(OutputQueue, SetLimitAppliesToLaterPushes) {
  OutputQueue q(10);
  q.push(BlockRef::copyOf(pattern(8, 1)));
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(8, 2))), Push::kRefused);
  q.setLimit(100);
  EXPECT_EQ(q.limit(), 100u);
  EXPECT_EQ(q.push(BlockRef::copyOf(pattern(8, 2))), Push::kQueued);
}

TEST(OutputQueue, EmptyBlocksAreIgnored) {
  OutputQueue q(10);
  EXPECT_EQ(q.push(BlockRef::copyOf("")), Push::kQueued);
  EXPECT_TRUE(q.pushUnbounded(BlockRef()));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(iovecCount(q), 0);
  q.push(BlockRef::copyOf("ab"));
  q.push(BlockRef::copyOf(""));
  q.push(BlockRef::copyOf("cd"));
  EXPECT_EQ(iovecCount(q), 2);
  EXPECT_EQ(unsentBytes(q), "abcd");
}

TEST(OutputQueue, SharedBlockReferencesAreReleasedAsBytesLeave) {
  // `shared` stands for a broadcast frame that other queues also hold.
  const BlockRef shared = BlockRef::copyOf("broadcast");
  ASSERT_EQ(shared.useCount(), 1u);
  {
    OutputQueue q(1 << 20);
    q.push(shared);
    q.push(BlockRef::copyOf("-"));
    q.push(shared);  // the same frame twice in one queue
    EXPECT_EQ(shared.useCount(), 3u);
    q.consume(4);  // part of the first copy
    EXPECT_EQ(shared.useCount(), 3u);
    q.consume(5);  // the rest of it
    EXPECT_EQ(shared.useCount(), 2u);
    q.consume(1 + 3);
    EXPECT_EQ(shared.useCount(), 2u);
    EXPECT_EQ(unsentBytes(q), "adcast");
    q.consume(6);
    EXPECT_EQ(shared.useCount(), 1u);

    q.push(shared);
    q.push(shared);
    EXPECT_EQ(shared.useCount(), 3u);
    q.clear();
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(shared.useCount(), 1u);

    q.push(shared);
    EXPECT_EQ(shared.useCount(), 2u);
  }
  EXPECT_EQ(shared.useCount(), 1u);  // the queue's destructor released it
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(shared.data()), shared.size()), "broadcast");
}

// A busy queue that never fully drains still releases what it sent and keeps
// the unsent bytes intact while it compacts its vector.
TEST(OutputQueue, LongLivedQueueStaysCorrectAcrossCompaction) {
  OutputQueue q(1 << 30);
  std::vector<BlockRef> held;
  std::string expected;  // the unsent bytes
  size_t released = 0;   // blocks in `held` fully consumed so far
  size_t offsetInHead = 0;
  auto pushOne = [&] {
    held.push_back(BlockRef::copyOf(pattern(1 + held.size() % 13, static_cast<unsigned>(held.size()))));
    q.push(held.back());
    expected.append(reinterpret_cast<const char*>(held.back().data()), held.back().size());
  };
  auto consume = [&](size_t n) {
    q.consume(n);
    expected.erase(0, n);
    offsetInHead += n;
    while (released < held.size() && offsetInHead >= held[released].size()) offsetInHead -= held[released++].size();
  };
  for (int i = 0; i < 4; ++i) pushOne();
  for (int round = 0; round < 600; ++round) {
    pushOne();
    if (round % 3 != 0) pushOne();
    // Whole blocks and a bit more, never everything, so head_ keeps growing.
    consume(std::min(q.bytes() - 1, held[released].size() - offsetInHead + static_cast<size_t>(round % 5)));
    ASSERT_EQ(q.bytes(), expected.size());
    ASSERT_EQ(unsentBytes(q), expected) << "round " << round;
    for (size_t i = 0; i < held.size(); ++i) {
      ASSERT_EQ(held[i].useCount(), i < released ? 1u : 2u) << "block " << i << " round " << round;
    }
  }
  EXPECT_GT(released, 300u);
  consume(q.bytes());
  EXPECT_TRUE(q.empty());
  for (const BlockRef& b : held) EXPECT_EQ(b.useCount(), 1u);
}

}  // namespace
}  // namespace chatd::reactor
