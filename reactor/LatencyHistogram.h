// Counts of durations in fixed buckets, for /metrics (api/MetricsWriter.h
// writes them as a Prometheus histogram). Plain data, no I/O: recording is
// one bit-width, one array increment and one add, cheap enough for the
// loop's every iteration.
//
// The buckets grow by 4x from 1 microsecond: upper bounds 1, 4, 16, 64, 256
// us, 1.024, 4.096, 16.384, 65.536, 262.144 ms, 1.048576, 4.194304 s, and
// +Inf above. Coarse, but a latency's order of magnitude is what an
// operator alerts on, and the bucket is found without a search.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace chatd::reactor {

class LatencyHistogram {
 public:
  static constexpr size_t kFiniteBuckets = 12;

  void record(uint64_t micros) {
    ++counts_[bucketOf(micros)];
    sumMicros_ += micros;
  }

  // The bucket of `micros`: the first whose upper bound is >= micros;
  // kFiniteBuckets is +Inf.
  static constexpr size_t bucketOf(uint64_t micros) {
    if (micros <= 1) return 0;
    // 4^i >= micros  <=>  2i >= bit_width(micros - 1)
    const size_t bucket = (static_cast<size_t>(std::bit_width(micros - 1)) + 1) / 2;
    return bucket < kFiniteBuckets ? bucket : kFiniteBuckets;
  }
  static constexpr uint64_t upperBoundMicros(size_t bucket) { return uint64_t{1} << (2 * bucket); }

  // Samples in `bucket` alone (not cumulative); bucket kFiniteBuckets is +Inf.
  uint64_t countIn(size_t bucket) const { return counts_[bucket]; }
  uint64_t count() const {
    uint64_t total = 0;
    for (uint64_t n : counts_) total += n;
    return total;
  }
  uint64_t sumMicros() const { return sumMicros_; }

 private:
  std::array<uint64_t, kFiniteBuckets + 1> counts_{};
  uint64_t sumMicros_ = 0;
};

}  // namespace chatd::reactor
