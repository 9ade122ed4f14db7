// chatd --migrate-to: copies an embedded SQLite database (store/Schema.cc)
// into an empty Redis, in exactly the key layout and record formats of
// RedisKeys.h, so that cluster nodes serve the same users, rooms and
// messages (seqs included), and then verifies the copy by reading counts
// back. An offline command: chatd must not be running on the database.
// The copy is one instance's, unsharded ({p}shards is 1): spreading it over
// shards is not done here (docs/deployment.md).
//
// Memory stays bounded whatever the database's size: users, rooms, members
// and messages are read in pages, each page is written as a few pipelined
// commands (RedisPipeline), and the reading waits while too many are
// unanswered. The whole copy reads one SQLite snapshot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/SqliteDatabase.h"
#include "store/redis/RedisConnection.h"
#include "store/redis/RedisPipeline.h"

namespace chatd::store {

struct ImportOptions {
  std::string databasePath;  // the SQLite file (DIR/chatd.db); must exist
  RedisOptions redis;
  std::string prefix = "chatd:";
  std::string jwtSecret;  // copied to {p}jwt-secret; empty: none
};

// What a database holds, per entity; what the copy must hold too.
struct ImportCounts {
  int64_t users = 0;
  int64_t externalUsers = 0;  // of users: known by an app backend's token subject
  int64_t rooms = 0;
  int64_t publicRooms = 0;
  int64_t directRooms = 0;
  int64_t memberships = 0;
  int64_t readMarks = 0;  // memberships with a read mark past 0
  int64_t messages = 0;
  int64_t reactions = 0;  // (message, user, emoji) triples
  int64_t revokedTokens = 0;
  int64_t invites = 0;  // unused invites (the registration mode set through the API is copied too)
};

// Copies and verifies; the counts (read back from Redis, equal to the
// database's), or nullopt with `error`: the database cannot be read or has
// another schema version, Redis cannot be reached or already has keys under
// the prefix, a write failed, or a count read back differs.
std::optional<ImportCounts> importIntoRedis(const ImportOptions& options, std::string& error);

// importIntoRedis's last step (store/redis/RedisImportCheck.cc): compares
// `db`'s counts, in total and per room (messages, last_seq, members, read
// marks, reactions), with what Redis holds under `prefix`; the counts, or
// nullopt with the first difference in `error`. `db` is inside the read
// transaction of the copy.
std::optional<ImportCounts> verifyImport(SqliteDatabase& db, RedisPipeline& redis, const std::string& prefix,
                                         std::string& error);

}  // namespace chatd::store
