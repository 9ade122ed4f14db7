// chatd's SQLite schema as numbered forward migrations. PRAGMA user_version
// records how far a database file is: a newer chatd upgrades an older file in
// place, one migration per transaction; a file from a newer chatd is refused.
#pragma once

#include <string>

#include "store/SqliteDatabase.h"

namespace chatd::store {

constexpr int kSchemaVersion = 9;

// Brings `db` to `targetVersion` (tests stop early to build an older file).
// False with `error` set when a migration fails or the file is newer than we know.
bool migrate(SqliteDatabase& db, std::string& error, int targetVersion = kSchemaVersion);

}  // namespace chatd::store
