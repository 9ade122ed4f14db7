// LatencyHistogram's buckets: each duration lands in the first bucket whose
// upper bound holds it, the bounds grow by 4x from 1 us, and what is past
// the last finite bound counts in +Inf.
#include "reactor/LatencyHistogram.h"

#include <gtest/gtest.h>

namespace chatd::reactor {
namespace {

TEST(LatencyHistogramTest, EachDurationLandsInTheFirstBucketThatHoldsIt) {
  for (uint64_t micros = 0; micros <= 5'000'000; micros += micros < 5000 ? 1 : 997) {
    const size_t bucket = LatencyHistogram::bucketOf(micros);
    if (bucket == LatencyHistogram::kFiniteBuckets) {
      EXPECT_GT(micros, LatencyHistogram::upperBoundMicros(bucket - 1)) << micros;
      continue;
    }
    EXPECT_LE(micros, LatencyHistogram::upperBoundMicros(bucket)) << micros;
    if (bucket > 0) {
      EXPECT_GT(micros, LatencyHistogram::upperBoundMicros(bucket - 1)) << micros;
    }
  }
}

TEST(LatencyHistogramTest, BoundsAreTheDocumentedOnes) {
  EXPECT_EQ(LatencyHistogram::upperBoundMicros(0), 1u);
  EXPECT_EQ(LatencyHistogram::upperBoundMicros(5), 1024u);
  EXPECT_EQ(LatencyHistogram::upperBoundMicros(LatencyHistogram::kFiniteBuckets - 1), 4'194'304u);
  EXPECT_EQ(LatencyHistogram::bucketOf(4'194'304), LatencyHistogram::kFiniteBuckets - 1);
  EXPECT_EQ(LatencyHistogram::bucketOf(4'194'305), LatencyHistogram::kFiniteBuckets);
  EXPECT_EQ(LatencyHistogram::bucketOf(UINT64_MAX), LatencyHistogram::kFiniteBuckets);
}

TEST(LatencyHistogramTest, CountsAndSums) {
  LatencyHistogram histogram;
  histogram.record(3);
  histogram.record(3);
  histogram.record(100'000'000);
  EXPECT_EQ(histogram.count(), 3u);
  EXPECT_EQ(histogram.countIn(1), 2u);
  EXPECT_EQ(histogram.countIn(LatencyHistogram::kFiniteBuckets), 1u);
  EXPECT_EQ(histogram.sumMicros(), 100'000'006u);
}

}  // namespace
}  // namespace chatd::reactor
