// The JWT secret every node of a cluster signs with, kept in Redis
// ({p}jwt-secret, RedisKeys.h): the first node to start sets it (SET NX) to
// its candidate, every node then reads the one that won. Runs over a
// connection of its own, freed once answered (startup only).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "reactor/EventLoop.h"
#include "store/redis/RedisConnection.h"

namespace chatd::store {

// `done` gets the cluster's secret, or nullopt and why.
using SharedSecretDone = std::function<void(std::optional<std::string> secret, const std::string& error)>;
void fetchSharedSecret(reactor::EventLoop& loop, const RedisOptions& options, const std::string& keyPrefix,
                       const std::string& candidate, SharedSecretDone done);

}  // namespace chatd::store
