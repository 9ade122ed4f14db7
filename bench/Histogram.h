// A log-bucketed latency histogram in the spirit of HdrHistogram: values in
// microseconds from 1 us to about 1 hour, bounded memory, relative error
// under 1% for every recorded value, mergeable across workers and
// serializable so forked workers can send theirs to the parent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chatd::bench {

class Histogram {
 public:
  Histogram();

  void record(uint64_t valueUs);
  void merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const;  // 0 when empty
  uint64_t max() const { return max_; }
  double mean() const;
  // The value at `percentile` (0..100]: an upper bound of the bucket holding
  // that rank, within 1% of a recorded value. 0 when empty.
  uint64_t percentile(double percentile) const;

  // Compact text form: non-empty buckets only.
  std::string serialize() const;
  static bool deserialize(const std::string& text, Histogram& out);

 private:
  size_t bucketOf(uint64_t value) const;
  uint64_t bucketUpperBound(size_t bucket) const;

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  uint64_t sum_ = 0;  // microseconds: 2^64 us is half a million years
};

}  // namespace chatd::bench
