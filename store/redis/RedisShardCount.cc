#include "store/redis/RedisShardCount.h"

#include <memory>

namespace chatd::store {

void checkShardCount(reactor::EventLoop& loop, const RedisOptions& directory, const std::string& keyPrefix,
                     size_t shardCount, std::function<void(const std::string& error)> done) {
  auto* redis = new RedisConnection(loop, directory);
  redis->connect();
  const std::string key = keyPrefix + "shards";
  const std::string mine = std::to_string(shardCount);
  redis->command({"SET", key, mine, "NX"}, [](const RedisReply&) {});
  // After the SET on the same connection: the first node's count, whoever it was.
  redis->command({"GET", key}, [&loop, redis, mine, done = std::move(done)](const RedisReply& reply) {
    // Not inside its own callback: freed at the end of the loop iteration.
    loop.destroyLater(std::unique_ptr<RedisConnection>(redis));
    if (!reply.ok() || reply.kind != RedisReply::Kind::kString) {
      return done("cannot read the shard count from redis: " + (reply.text.empty() ? "no count" : reply.text));
    }
    if (reply.text == mine) return done({});
    done("this cluster's data is sharded over " + reply.text + " redis instance(s), but " + mine +
         " --redis URL(s) were given: every node needs the same list, in the same order");
  });
}

}  // namespace chatd::store
