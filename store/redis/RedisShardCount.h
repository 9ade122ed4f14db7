// How many shards a cluster's data is spread over (RedisShards.h), kept on
// the directory ({p}shards, RedisKeys.h): the first node to start sets it
// (SET NX) to its count, and a node given another count is refused, since it
// would look for rooms on the wrong instances. Runs over a connection of
// its own, freed once answered (startup only).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "reactor/EventLoop.h"
#include "store/redis/RedisConnection.h"

namespace chatd::store {

// `done` gets "" when the directory's count is `shardCount`, else why not.
void checkShardCount(reactor::EventLoop& loop, const RedisOptions& directory, const std::string& keyPrefix,
                     size_t shardCount, std::function<void(const std::string& error)> done);

}  // namespace chatd::store
