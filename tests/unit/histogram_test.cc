#include "bench/Histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace chatd::bench {
namespace {

// The exact value at a percentile of a sorted sample (nearest rank).
uint64_t exactPercentile(std::vector<uint64_t> values, double p) {
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 0; v < 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 49u);
  EXPECT_EQ(h.percentile(100), 99u);
  EXPECT_EQ(h.min(), 0u);
}

TEST(Histogram, PercentilesWithinOnePercentOverSixDecades) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(7.0, 2.5);  // ~1 us .. ~1 min
  std::vector<uint64_t> values;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<uint64_t>(std::min(dist(rng), 3.0e9));
    values.push_back(v);
    h.record(v);
  }
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const double exact = static_cast<double>(exactPercentile(values, p));
    const double got = static_cast<double>(h.percentile(p));
    EXPECT_GE(got, exact) << "p" << p;  // an upper bound of the bucket
    EXPECT_LE(got, exact * 1.01 + 1) << "p" << p;
  }
  EXPECT_EQ(h.max(), *std::max_element(values.begin(), values.end()));
}

TEST(Histogram, HugeValuesLandInTheLastBucketAndKeepTheirMax) {
  Histogram h;
  h.record(uint64_t{1} << 40);
  EXPECT_EQ(h.max(), uint64_t{1} << 40);
  EXPECT_EQ(h.percentile(100), uint64_t{1} << 40);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  Histogram a, b, all;
  for (uint64_t v = 1; v < 5000; v += 3) {
    (v % 2 ? a : b).record(v * 17);
    all.record(v * 17);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double p : {50.0, 90.0, 99.0}) EXPECT_EQ(a.percentile(p), all.percentile(p));
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
}

TEST(Histogram, SerializeRoundTrips) {
  Histogram h;
  for (uint64_t v : {3u, 300u, 30000u, 3000000u}) h.record(v);
  Histogram back;
  ASSERT_TRUE(Histogram::deserialize(h.serialize(), back));
  EXPECT_EQ(back.count(), 4u);
  EXPECT_EQ(back.percentile(75), h.percentile(75));
  EXPECT_EQ(back.max(), 3000000u);
  EXPECT_DOUBLE_EQ(back.mean(), h.mean());
}

TEST(Histogram, DeserializeRejectsInconsistentInput) {
  Histogram out;
  EXPECT_FALSE(Histogram::deserialize("", out));
  EXPECT_FALSE(Histogram::deserialize("2 1 1 2 1:1", out));        // counts do not add up
  EXPECT_FALSE(Histogram::deserialize("1 1 1 1 999999:1", out));   // no such bucket
  EXPECT_FALSE(Histogram::deserialize("1 1 1 1 nonsense", out));
}

}  // namespace
}  // namespace chatd::bench
