// BlockList: order, the inline slot, growth, dropping from the front, and
// that every reference it held is given back.
#include "reactor/BlockList.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chatd::reactor {
namespace {

std::string text(const BlockRef& block) { return {reinterpret_cast<const char*>(block.data()), block.size()}; }

std::vector<std::string> contents(const BlockList& list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < list.size(); ++i) out.push_back(text(list[i]));
  return out;
}

// Out of line: inlined after clear(), GCC cannot tell that the list never
// held the last reference, and warns of a use after free.
[[gnu::noinline]] uint32_t references(const BlockRef& block) { return block.useCount(); }

TEST(BlockList, IsSmallerThanAVector) { EXPECT_EQ(sizeof(BlockList), 16u); }

TEST(BlockList, KeepsOrderFromTheInlineSlotThroughGrowth) {
  BlockList list;
  EXPECT_TRUE(list.empty());
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i) {
    expected.push_back("block " + std::to_string(i));
    list.push_back(BlockRef::copyOf(expected.back()));
    ASSERT_EQ(contents(list), expected) << "after " << i + 1;
  }
}

TEST(BlockList, DropFrontKeepsTheRestInOrder) {
  BlockList list;
  for (int i = 0; i < 10; ++i) list.push_back(BlockRef::copyOf(std::to_string(i)));
  list.dropFront(3);
  EXPECT_EQ(contents(list), (std::vector<std::string>{"3", "4", "5", "6", "7", "8", "9"}));
  list.dropFront(7);
  EXPECT_TRUE(list.empty());
  list.push_back(BlockRef::copyOf("again"));
  EXPECT_EQ(contents(list), std::vector<std::string>{"again"});
}

TEST(BlockList, GivesEveryReferenceBack) {
  const BlockRef shared = BlockRef::copyOf("shared");
  {
    BlockList list;
    list.push_back(shared);  // inline
    EXPECT_EQ(references(shared), 2u);
    list.clear();
    EXPECT_EQ(references(shared), 1u);
    for (int i = 0; i < 9; ++i) list.push_back(shared);  // on the heap
    EXPECT_EQ(references(shared), 10u);
    list.dropFront(4);
    EXPECT_EQ(references(shared), 6u);
  }
  EXPECT_EQ(references(shared), 1u);
}

}  // namespace
}  // namespace chatd::reactor
