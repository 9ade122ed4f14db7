// chat-bench's InflateCache: a compressed message met again is not inflated
// again, and what it returns is always what the bytes inflate to.
#include "bench/InflateCache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/MessageDeflater.h"

namespace chatd::bench {
namespace {

std::vector<uint8_t> compressed(const std::string& text) {
  proto::MessageDeflater deflater;
  std::vector<uint8_t> out;
  deflater.deflate({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, out);
  return out;
}

std::string text(const std::vector<uint8_t>* plain) {
  return plain ? std::string(plain->begin(), plain->end()) : "<null>";
}

TEST(InflateCache, AMessageMetAgainIsInflatedOnce) {
  InflateCache cache;
  const std::string a = R"({"type":"message","content":"one and the same broadcast, one and the same"})";
  const std::string b = R"({"type":"message","content":"another broadcast, another broadcast, another"})";
  for (int member = 0; member < 100; ++member) {
    EXPECT_EQ(text(cache.inflate(compressed(a), 1024)), a);
    EXPECT_EQ(text(cache.inflate(compressed(b), 1024)), b);
  }
  EXPECT_EQ(cache.inflations(), 2u);
}

TEST(InflateCache, EveryDistinctMessageInflatesToItself) {
  InflateCache cache;  // more messages than it keeps: the oldest go
  std::vector<std::string> messages;
  for (int i = 0; i < 2500; ++i) messages.push_back("message number " + std::to_string(i) + std::string(80, 'x'));
  for (int round = 0; round < 2; ++round) {
    for (const std::string& m : messages) EXPECT_EQ(text(cache.inflate(compressed(m), 1024)), m);
  }
}

TEST(InflateCache, TheLimitHoldsForACachedMessageToo) {
  InflateCache cache;
  const std::string big(2000, 'a');
  EXPECT_EQ(text(cache.inflate(compressed(big), 4096)), big);
  EXPECT_EQ(cache.inflate(compressed(big), 1999), nullptr);
  EXPECT_EQ(text(cache.inflate(compressed(big), 2000)), big);
}

TEST(InflateCache, NotDeflateIsNull) {
  InflateCache cache;
  const std::vector<uint8_t> garbage = {0xff, 0xff, 0xff, 0xff, 0x01};
  EXPECT_EQ(cache.inflate(garbage, 1024), nullptr);
  EXPECT_EQ(cache.inflate(garbage, 1024), nullptr);
  const std::string after = "still inflates after a corrupt one, still inflates";
  EXPECT_EQ(text(cache.inflate(compressed(after), 1024)), after);
}

TEST(InflateCache, LargeMessagesAreInflatedEachTime) {
  InflateCache cache;
  std::string large;
  for (int i = 0; large.size() < 200 * 1024; ++i) large += std::to_string(i * 7919 % 104729) + ",";
  EXPECT_EQ(text(cache.inflate(compressed(large), 1 << 20)), large);
  EXPECT_EQ(text(cache.inflate(compressed(large), 1 << 20)), large);
  const std::string bomb(300 * 1024, 'a');  // a few hundred bytes compressed, but too large to keep
  EXPECT_EQ(text(cache.inflate(compressed(bomb), 1 << 20)), bomb);
  EXPECT_EQ(text(cache.inflate(compressed(bomb), 1 << 20)), bomb);
  EXPECT_EQ(cache.inflations(), 4u);
}

}  // namespace
}  // namespace chatd::bench
