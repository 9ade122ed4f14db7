#include "bench/InflateCache.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace chatd::bench {

const std::vector<uint8_t>* InflateCache::inflate(std::span<const uint8_t> payload, size_t maxBytes) {
  using Status = proto::MessageInflater::Status;
  if (payload.size() > kLargestKept) {
    ++inflations_;
    return inflater_.inflate(payload, maxBytes, uncached_) == Status::kOk ? &uncached_ : nullptr;
  }
  const size_t hash =
      std::hash<std::string_view>{}({reinterpret_cast<const char*>(payload.data()), payload.size()});
  if (const auto found = byHash_.find(hash); found != byHash_.end()) {
    const Entry& entry = entries_[found->second];
    if (std::ranges::equal(entry.compressed, payload)) {
      return entry.plain.size() <= maxBytes ? &entry.plain : nullptr;
    }
  }
  ++inflations_;
  if (inflater_.inflate(payload, maxBytes, uncached_) != Status::kOk) return nullptr;
  if (uncached_.size() > 4 * kLargestKept) return &uncached_;  // not kept: a rare large message leaves nothing behind
  const size_t slot = next_;
  next_ = (next_ + 1) % kEntries;
  Entry& entry = entries_[slot];
  if (entry.kept) {
    if (const auto old = byHash_.find(entry.hash); old != byHash_.end() && old->second == slot) byHash_.erase(old);
  }
  entry.hash = hash;
  entry.compressed.assign(payload.begin(), payload.end());
  entry.plain.assign(uncached_.begin(), uncached_.end());
  entry.kept = true;
  byHash_[hash] = slot;
  return &entry.plain;
}

}  // namespace chatd::bench
