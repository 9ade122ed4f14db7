// chat-bench's permessage-deflate inflation: each distinct compressed message
// once per thread, not once per connection that receives it.
//
// One generator thread plays many receivers, and a server that compresses a
// broadcast once (chatd) sends each member the same bytes. Inflating them
// again for every member made the generator, not the server, the limit of a
// compressed fan-out: one core inflated ~470,000 chatd message events (~300
// bytes) a second, where it reads 3 million plain deliveries. Without context
// takeover (all chat-bench handles: one inflater serves every connection) the
// same compressed bytes always inflate to the same message, so a message met
// again is taken from a cache of the last distinct ones seen. Large messages
// are inflated each time and not kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "proto/MessageInflater.h"

namespace chatd::bench {

class InflateCache {
 public:
  // The message one whole compressed `payload` inflates to, at most
  // `maxBytes`; nullptr when it is not valid DEFLATE or inflates past
  // `maxBytes`. Valid until the next call.
  const std::vector<uint8_t>* inflate(std::span<const uint8_t> payload, size_t maxBytes);

  uint64_t inflations() const { return inflations_; }  // messages actually inflated (misses)

 private:
  // The last kEntries distinct messages, the oldest replaced first, so that
  // every message still in flight stays (a few dozen in a fan-out).
  static constexpr size_t kEntries = 1024;
  static constexpr size_t kLargestKept = 16 * 1024;  // compressed bytes; plain: 64 KiB

  struct Entry {
    size_t hash = 0;
    std::vector<uint8_t> compressed;
    std::vector<uint8_t> plain;
    bool kept = false;  // plain is what compressed inflates to
  };

  proto::MessageInflater inflater_;
  std::vector<Entry> entries_ = std::vector<Entry>(kEntries);
  std::unordered_map<size_t, size_t> byHash_;  // the hash of a kept message's compressed bytes -> its entry
  size_t next_ = 0;                            // the entry replaced next
  std::vector<uint8_t> uncached_;
  uint64_t inflations_ = 0;
};

}  // namespace chatd::bench
