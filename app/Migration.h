// chatd --migrate-to URL: the offline command that moves an embedded
// server's data (DIR/chatd.db and DIR/jwt.secret) into an empty Redis for
// cluster mode (store/redis/RedisImport does the copy and the check).
#pragma once

#include "app/Config.h"

namespace chatd::app {

// Runs the migration `config` asks for (migrateTo, dataDir, redisPrefix):
// prints a summary of the counts on stdout and returns 0, or logs why not
// and returns 1.
int migrateToRedis(const Config& config);

}  // namespace chatd::app
