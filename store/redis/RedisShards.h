// Which Redis instance (shard) holds what, when chatd runs on several
// (--redis given more than once): shard 0 is the directory (accounts, the
// room lists, presence, the user and cluster channels); a room's own keys,
// its script runs and its channel live on shardOfRoom(room). RedisKeys.h
// says which key is where. Every node must compute the same map, so it
// depends only on the room id and the shard count (the list and its order
// are fixed for a cluster's life: a different count is refused at start).
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatd::store {

constexpr size_t kDirectoryShard = 0;

// splitmix64's finalizer: consecutive room ids spread evenly over the shards.
constexpr uint64_t mixRoomId(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The mix scaled to [0, shardCount) by its high bits (a multiply-high, as
// fair as a modulo and without its bias). With one shard, 0: everything
// lives where it did before sharding.
constexpr size_t shardOfRoom(int64_t roomId, size_t shardCount) {
  if (shardCount <= 1) return 0;
  const unsigned __int128 scaled =
      static_cast<unsigned __int128>(mixRoomId(static_cast<uint64_t>(roomId))) * shardCount;
  return static_cast<size_t>(scaled >> 64);
}

}  // namespace chatd::store
