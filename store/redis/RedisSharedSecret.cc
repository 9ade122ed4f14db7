#include "store/redis/RedisSharedSecret.h"

#include <memory>

namespace chatd::store {

void fetchSharedSecret(reactor::EventLoop& loop, const RedisOptions& options, const std::string& keyPrefix,
                       const std::string& candidate, SharedSecretDone done) {
  auto* redis = new RedisConnection(loop, options);
  redis->connect();
  const std::string key = keyPrefix + "jwt-secret";
  redis->command({"SET", key, candidate, "NX"}, [](const RedisReply&) {});
  // After the SET on the same connection: the winner's value, whoever won.
  redis->command({"GET", key}, [&loop, redis, done = std::move(done)](const RedisReply& reply) {
    // Not inside its own callback: freed at the end of the loop iteration.
    loop.destroyLater(std::unique_ptr<RedisConnection>(redis));
    if (reply.ok() && reply.kind == RedisReply::Kind::kString) return done(reply.text, {});
    done(std::nullopt, "cannot read the JWT secret from redis: " + (reply.text.empty() ? "no secret" : reply.text));
  });
}

}  // namespace chatd::store
