#include "reactor/LruTable.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::reactor {
namespace {

TEST(LruTable, TouchCreatesAValueOnceAndFindSeesIt) {
  LruTable<int> table(4);
  EXPECT_EQ(table.find("a"), nullptr);
  *table.touch("a") = 7;
  EXPECT_EQ(*table.touch("a"), 7);
  ASSERT_NE(table.find("a"), nullptr);
  EXPECT_EQ(*table.find("a"), 7);
  EXPECT_EQ(table.size(), 1u);
}

TEST(LruTable, AFullTablePushesOutTheLeastRecentlyTouchedKey) {
  LruTable<int> table(3);
  for (const char* key : {"a", "b", "c"}) *table.touch(key) = 1;
  table.touch("a");              // b is now the least recently used
  EXPECT_NE(table.find("c"), nullptr);  // finding is not a use
  table.touch("d");
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.find("b"), nullptr);
  EXPECT_NE(table.find("a"), nullptr);
  EXPECT_NE(table.find("c"), nullptr);
  EXPECT_NE(table.find("d"), nullptr);
}

TEST(LruTable, AFloodOfKeysStaysWithinTheCap) {
  LruTable<std::string> table(100);
  for (int i = 0; i < 10'000; ++i) *table.touch("key" + std::to_string(i)) = std::to_string(i);
  EXPECT_EQ(table.size(), 100u);
  ASSERT_NE(table.find("key9999"), nullptr);
  EXPECT_EQ(*table.find("key9999"), "9999");
  EXPECT_EQ(table.find("key9899"), nullptr);
}

TEST(LruTable, DropOldestWhileStopsAtTheFirstKeyToKeep) {
  LruTable<int> table(8);
  for (int i = 0; i < 5; ++i) *table.touch(std::to_string(i)) = i;
  *table.touch("0") = 100;  // the most recent now, though stale by value
  table.dropOldestWhile([](int value) { return value < 3; });
  EXPECT_EQ(table.find("1"), nullptr);
  EXPECT_EQ(table.find("2"), nullptr);
  EXPECT_NE(table.find("3"), nullptr);
  EXPECT_NE(table.find("0"), nullptr);
  EXPECT_EQ(table.size(), 3u);
}

TEST(LruTable, EraseForgetsAKeyAndAZeroSizedTableHoldsNothing) {
  LruTable<int> table(2);
  table.touch("a");
  table.erase("a");
  table.erase("never there");
  EXPECT_EQ(table.find("a"), nullptr);
  EXPECT_EQ(table.size(), 0u);
  LruTable<int> none(0);
  EXPECT_EQ(none.touch("a"), nullptr);
  EXPECT_EQ(none.size(), 0u);
}

}  // namespace
}  // namespace chatd::reactor
