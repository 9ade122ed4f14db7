#include "bench/Histogram.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace chatd::bench {

namespace {
// 128 linear sub-buckets per power of two: a bucket is at most 1/128 (0.8%)
// of its values wide. Values below 128 us are exact.
constexpr int kSubBits = 7;
constexpr uint64_t kSub = uint64_t{1} << kSubBits;
constexpr int kMaxMagnitude = 32;  // 2^32 us ~ 71 minutes; larger values land in the last bucket
constexpr size_t kBuckets = kSub + (kMaxMagnitude - kSubBits + 1) * kSub;
}  // namespace

Histogram::Histogram() : counts_(kBuckets, 0) {}

size_t Histogram::bucketOf(uint64_t value) const {
  if (value < kSub) return static_cast<size_t>(value);
  const int magnitude = 63 - __builtin_clzll(value);
  if (magnitude > kMaxMagnitude) return kBuckets - 1;
  const uint64_t sub = (value >> (magnitude - kSubBits)) & (kSub - 1);
  return static_cast<size_t>(kSub + static_cast<uint64_t>(magnitude - kSubBits) * kSub + sub);
}

uint64_t Histogram::bucketUpperBound(size_t bucket) const {
  if (bucket < kSub) return bucket;
  const uint64_t magnitude = (bucket - kSub) / kSub + kSubBits;
  const uint64_t sub = (bucket - kSub) % kSub;
  return ((kSub + sub + 1) << (magnitude - kSubBits)) - 1;
}

void Histogram::record(uint64_t valueUs) {
  ++counts_[bucketOf(valueUs)];
  ++count_;
  min_ = std::min(min_, valueUs);
  max_ = std::max(max_, valueUs);
  sum_ += valueUs;
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

uint64_t Histogram::min() const { return count_ ? min_ : 0; }

double Histogram::mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

uint64_t Histogram::percentile(double percentile) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  const uint64_t target = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    // The last bucket also holds everything too large for the others.
    if (seen >= target) return i == kBuckets - 1 ? max_ : std::min(bucketUpperBound(i), max_);
  }
  return max_;
}

std::string Histogram::serialize() const {
  std::ostringstream out;
  out << count_ << ' ' << min_ << ' ' << max_ << ' ' << sum_;
  for (size_t i = 0; i < kBuckets; ++i) {
    if (counts_[i]) out << ' ' << i << ':' << counts_[i];
  }
  return out.str();
}

bool Histogram::deserialize(const std::string& text, Histogram& out) {
  std::istringstream in(text);
  Histogram h;
  if (!(in >> h.count_ >> h.min_ >> h.max_ >> h.sum_)) return false;
  std::string pair;
  uint64_t total = 0;
  while (in >> pair) {
    const size_t colon = pair.find(':');
    if (colon == std::string::npos) return false;
    const size_t bucket = std::stoull(pair.substr(0, colon));
    if (bucket >= kBuckets) return false;
    h.counts_[bucket] = std::stoull(pair.substr(colon + 1));
    total += h.counts_[bucket];
  }
  if (total != h.count_) return false;
  out = std::move(h);
  return true;
}

}  // namespace chatd::bench
