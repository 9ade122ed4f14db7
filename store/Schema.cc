#include "store/Schema.h"

namespace chatd::store {

namespace {

// Index i brings a database from version i to i + 1. Append only: a released
// migration is never edited, or files already past it would never see the change.
constexpr const char* kMigrations[] = {
    // 1: accounts and rooms, and the public room every fresh server has.
    R"sql(
    CREATE TABLE users (
      id            INTEGER PRIMARY KEY,
      username      TEXT NOT NULL,
      username_key  TEXT NOT NULL UNIQUE,      -- lower-cased: unique case-insensitively
      nickname      TEXT,
      password_hash TEXT,                      -- NULL for users known only from external tokens
      external_subject TEXT UNIQUE,            -- the `sub` of an app backend's token, for those users
      created_at    INTEGER NOT NULL,          -- unix milliseconds, like every *_at
      last_seen     INTEGER
    );
    CREATE TABLE rooms (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      kind        TEXT NOT NULL CHECK (kind IN ('public', 'private', 'direct')),
      topic       TEXT,
      created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
      created_at  INTEGER NOT NULL,
      direct_key  TEXT UNIQUE                  -- "lowid:highid" for direct rooms: one per pair
    );
    CREATE TABLE room_members (
      room_id       INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
      user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
      joined_at     INTEGER NOT NULL,
      last_read_seq INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (room_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX room_members_by_user ON room_members(user_id);
    CREATE INDEX rooms_by_kind ON rooms(kind);
    INSERT INTO rooms (name, kind, topic, created_at)
      VALUES ('lobby', 'public', 'Everyone starts here', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
    )sql",
    // 2: messages with per-room sequence numbers, reactions, revoked tokens.
    R"sql(
    ALTER TABLE rooms ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE messages (
      id         INTEGER PRIMARY KEY,
      room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
      seq        INTEGER NOT NULL,
      sender_id  INTEGER NOT NULL REFERENCES users(id),
      kind       TEXT NOT NULL DEFAULT 'text',
      content    TEXT NOT NULL,
      client_id  TEXT,
      created_at INTEGER NOT NULL,
      edited_at  INTEGER,
      deleted    INTEGER NOT NULL DEFAULT 0,
      UNIQUE (room_id, seq)
    );
    -- A resent message (same sender, same client id) finds the original.
    CREATE UNIQUE INDEX messages_by_client_id ON messages(sender_id, client_id) WHERE client_id IS NOT NULL;
    CREATE TABLE reactions (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      emoji      TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, user_id, emoji)
    ) WITHOUT ROWID;
    CREATE TABLE revoked_tokens (
      token_id   TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens(expires_at);
    )sql",
    // 3: the rooms a user created lately, counted for --rooms-per-hour; a
    // room's members in the order their list is paged.
    R"sql(
    CREATE INDEX rooms_by_creator ON rooms(created_by, created_at);
    CREATE INDEX room_members_by_join ON room_members(room_id, joined_at, user_id);
    )sql",
    // 4: an operator's ban or deletion of an account (store::UserState: 0
    // active, 1 banned, 2 deleted); a deleted user's messages, found by sender.
    R"sql(
    ALTER TABLE users ADD COLUMN state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2));
    CREATE INDEX messages_by_sender ON messages(sender_id);
    )sql",
    // 5: who may register, kept across restarts: the mode set through the
    // admin API (settings 'registration'; no row: --registration applies)
    // and the unused invites, by the SHA-256 of their codes.
    R"sql(
    CREATE TABLE settings (
      name  TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE invites (
      digest     TEXT PRIMARY KEY,             -- hex SHA-256 of the code; the code is never stored
      expires_at INTEGER NOT NULL              -- unix seconds
    ) WITHOUT ROWID;
    CREATE INDEX invites_by_expiry ON invites(expires_at);
    )sql",
    // 6: how far each member received (delivery status), never behind how
    // far they read; the members who received furthest first, by room.
    R"sql(
    ALTER TABLE room_members ADD COLUMN last_received_seq INTEGER NOT NULL DEFAULT 0;
    UPDATE room_members SET last_received_seq = last_read_seq;
    CREATE INDEX room_members_by_received ON room_members(room_id, last_received_seq);
    )sql",
    // 7: uploaded files (FileRecord); the bytes are on disk by sha256.
    R"sql(
    CREATE TABLE files (
      id           TEXT PRIMARY KEY,
      owner_id     INTEGER NOT NULL REFERENCES users(id),
      name         TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size         INTEGER NOT NULL,
      sha256       TEXT NOT NULL,
      created_at   INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX files_by_owner ON files(owner_id);
    CREATE INDEX files_by_sha256 ON files(sha256);
    )sql",
    // 8: a message's attachments and call log (store/MessageDetails.h; NULL
    // for text), and which files each message carries: a file is readable by
    // the members of its rooms, and collectable once no message refers to it.
    R"sql(
    ALTER TABLE messages ADD COLUMN details BLOB;
    CREATE TABLE message_files (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      file_id    TEXT NOT NULL REFERENCES files(id),
      room_id    INTEGER NOT NULL,
      PRIMARY KEY (message_id, file_id)
    ) WITHOUT ROWID;
    CREATE INDEX message_files_by_file ON message_files(file_id, room_id);
    )sql",
    // 9: each user's avatar, an uploaded image (files.id; NULL: none); the
    // users by it, which tell whether a file is someone's avatar.
    R"sql(
    ALTER TABLE users ADD COLUMN avatar_file_id TEXT;
    CREATE INDEX users_by_avatar ON users(avatar_file_id) WHERE avatar_file_id IS NOT NULL;
    )sql",
};
static_assert(sizeof kMigrations / sizeof kMigrations[0] == kSchemaVersion);

}  // namespace

bool migrate(SqliteDatabase& db, std::string& error, int targetVersion) {
  const int current = db.userVersion();
  if (current < 0) {
    error = std::string("cannot read the schema version: ") + db.errorMessage();
    return false;
  }
  if (current > kSchemaVersion) {
    error = "the database has schema version " + std::to_string(current) + ", newer than this chatd knows (" +
            std::to_string(kSchemaVersion) + "): use a newer chatd or another --data directory";
    return false;
  }
  for (int version = current; version < targetVersion; ++version) {
    if (!db.exec("BEGIN IMMEDIATE")) {
      error = std::string("cannot start migration: ") + db.errorMessage();
      return false;
    }
    if (!db.exec(kMigrations[version]) || !db.setUserVersion(version + 1) || !db.exec("COMMIT")) {
      error = "migration to schema version " + std::to_string(version + 1) + " failed: " + db.errorMessage();
      db.exec("ROLLBACK");
      return false;
    }
  }
  return true;
}

}  // namespace chatd::store
