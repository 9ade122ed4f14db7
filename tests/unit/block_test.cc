// Block's derived block: made once, shared, and freed with the block.
#include "reactor/Block.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::reactor {
namespace {

std::string textOf(const BlockRef& block) { return {reinterpret_cast<const char*>(block.data()), block.size()}; }

TEST(BlockDerived, MadeOnceThenShared) {
  const BlockRef block = BlockRef::copyOf("plain");
  int made = 0;
  const auto derive = [&](const BlockRef& from) {
    ++made;
    return BlockRef::copyOf(textOf(from) + "!");
  };
  EXPECT_FALSE(block.hasDerived());
  const BlockRef first = block.derived(derive);
  const BlockRef second = block.derived(derive);
  EXPECT_EQ(made, 1);
  EXPECT_TRUE(block.hasDerived());
  EXPECT_EQ(textOf(first), "plain!");
  EXPECT_EQ(first.data(), second.data());
  EXPECT_EQ(first.useCount(), 3u);  // the block's own reference and the two handles
}

TEST(BlockDerived, LivesAsLongAsTheBlock) {
  BlockRef derivedCopy;
  {
    BlockRef block = BlockRef::copyOf("plain");
    derivedCopy = block.derived([](const BlockRef&) { return BlockRef::copyOf("other"); });
    EXPECT_EQ(derivedCopy.useCount(), 2u);
  }
  EXPECT_EQ(derivedCopy.useCount(), 1u);  // the block let its reference go
  EXPECT_EQ(textOf(derivedCopy), "other");
}

TEST(BlockDerived, TheBlockItselfWhenNothingBetterHoldsNoExtraReference) {
  BlockRef block = BlockRef::copyOf("plain");
  int made = 0;
  const BlockRef same = block.derived([&](const BlockRef& from) {
    ++made;
    return from;
  });
  EXPECT_EQ(same.data(), block.data());
  EXPECT_EQ(block.useCount(), 2u);  // `block` and `same`: no cycle through the cache
  block.derived([&](const BlockRef& from) {
    ++made;
    return from;
  });
  EXPECT_EQ(made, 1);
}

}  // namespace
}  // namespace chatd::reactor
