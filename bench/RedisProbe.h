// Reads a local redis-server's INFO over one short blocking connection, so
// that a cluster run can report what the shared Redis spent on it: its
// process (for the CPU from /proc), its command counter and its memory. Owns nothing
// between calls.
#pragma once

#include <cstdint>
#include <optional>

#include "reactor/SocketAddress.h"

namespace chatd::bench {

struct RedisInfo {
  long pid = 0;                        // process_id
  uint64_t commandsProcessed = 0;      // total_commands_processed (the INFO asking counts too)
  uint64_t usedMemory = 0;             // used_memory: bytes its allocator holds for data and clients
};

// One INFO round trip (a few hundred microseconds on loopback); nullopt when
// the server cannot be reached or answers something else within a second.
std::optional<RedisInfo> queryRedisInfo(const reactor::SocketAddress& redis);

}  // namespace chatd::bench
