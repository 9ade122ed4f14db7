#include "app/Migration.h"

#include <cinttypes>
#include <cstdio>

#include "auth/TokenService.h"
#include "reactor/Log.h"
#include "store/redis/RedisImport.h"

namespace chatd::app {

int migrateToRedis(const Config& config) {
  std::string error;
  store::ImportOptions options;
  options.databasePath = config.dataDir + "/chatd.db";
  options.redis.address = *store::parseRedisUrl(config.migrateTo);  // checked by the option table
  // An offline copy: a page of big HSETs may take Redis a while.
  options.redis.commandTimeoutMs = 60'000;
  options.prefix = config.redisPrefix;
  // Tokens signed with this secret stay valid on every node. Without the
  // file the server signed with --jwt-secret, which the nodes are given too.
  std::optional<std::string> secret = auth::TokenService::loadSecret(config.dataDir, error);
  if (!error.empty()) {
    LOG_ERROR("migration failed: %s", error.c_str());
    return 1;
  }
  options.jwtSecret = secret.value_or("");
  const std::optional<store::ImportCounts> counts = store::importIntoRedis(options, error);
  if (!counts) {
    LOG_ERROR("migration failed: %s", error.c_str());
    return 1;
  }
  std::printf("migrated %s to %s under '%s', verified:\n", options.databasePath.c_str(), config.migrateTo.c_str(),
              options.prefix.c_str());
  std::printf("  users %" PRId64 " (external %" PRId64 ")\n", counts->users, counts->externalUsers);
  std::printf("  rooms %" PRId64 " (public %" PRId64 ", direct %" PRId64 ")\n", counts->rooms, counts->publicRooms,
              counts->directRooms);
  std::printf("  memberships %" PRId64 " (read marks %" PRId64 ")\n", counts->memberships, counts->readMarks);
  std::printf("  messages %" PRId64 "\n  reactions %" PRId64 "\n  revoked tokens %" PRId64 "\n", counts->messages,
              counts->reactions, counts->revokedTokens);
  std::printf("  invites %" PRId64 "\n", counts->invites);
  std::printf("  jwt secret %s\n", secret ? "copied" : "not copied (no jwt.secret: give the nodes --jwt-secret)");
  return 0;
}

}  // namespace chatd::app
