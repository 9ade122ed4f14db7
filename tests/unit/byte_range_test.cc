#include "proto/ByteRange.h"

#include <gtest/gtest.h>

namespace chatd::proto {
namespace {

using Kind = RangeAnswer::Kind;

void expectPart(std::string_view header, uint64_t size, uint64_t first, uint64_t last) {
  const RangeAnswer answer = parseRange(header, size);
  EXPECT_EQ(answer.kind, Kind::kPart) << header;
  EXPECT_EQ(answer.first, first) << header;
  EXPECT_EQ(answer.last, last) << header;
}

TEST(ByteRangeTest, OneRangeIsAPart) {
  expectPart("bytes=0-99", 1000, 0, 99);
  expectPart("Bytes= 100-", 1000, 100, 999);
  expectPart("bytes=990-2000", 1000, 990, 999);
  expectPart("bytes=-10", 1000, 990, 999);
  expectPart("bytes=-5000", 1000, 0, 999);
}

TEST(ByteRangeTest, WhatCannotBeServedIs416) {
  EXPECT_EQ(parseRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(parseRange("bytes=5000-6000", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(parseRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(parseRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
}

TEST(ByteRangeTest, WhatIsNotOneGoodRangeIsIgnored) {
  for (const char* header : {"items=0-1", "bytes=", "bytes=5-1", "bytes=a-b", "bytes=0-1,5-6", "bytes=1", "bytes=--1"}) {
    EXPECT_EQ(parseRange(header, 1000).kind, Kind::kWhole) << header;
  }
  EXPECT_EQ(parseRange(std::nullopt, 1000).kind, Kind::kWhole);
}

}  // namespace
}  // namespace chatd::proto
