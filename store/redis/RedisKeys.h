// Where each piece of chatd's data lives in Redis: every key name is made
// here, under the store's prefix (default "chatd:"), so that the layout is
// read in one place (docs/architecture.md describes it for operators).
//
// Sharded over several instances (RedisShards.h), [D] keys live on the
// directory (shard 0) and [R] keys on their room's shard, shardOfRoom(id);
// {p}msg:next is on every shard. With one instance, all are on it.
//
// Cluster
//   {p}shards                    STRING  [D] how many instances the data is sharded over (set once,
//                                        SET NX; a node given another count is refused)
// Accounts
//   {p}user:next                 STRING  [D] the last user id given (INCR)
//   {p}user:<id>                 HASH    [D] username, nickname, created_at, password_hash, last_seen,
//                                         state (store::UserState; absent: active), avatar (a file id;
//                                         absent: none)
//   {p}avatars                   SET     [D] the file ids that are some user's avatar now (each user's
//                                        avatar field, collected: GET /avatars/{id} serves only these)
//   {p}usernames                 HASH    [D] username key (lower-cased) -> user id
//   {p}external                  HASH    [D] token subject -> user id
//   {p}revoked                   ZSET    [D] revocation key, scored by expiry (unix seconds)
//   {p}jwt-secret                STRING  [D] the HS256 secret every node signs with (set once, SET NX;
//                                        --migrate-to copies the SQLite data directory's jwt.secret)
// Registration (RedisStoreRegistration.cc)
//   {p}settings                  HASH    [D] registration: the mode set through the admin API (absent:
//                                        --registration applies)
//   {p}invites                   ZSET    [D] unused invites: the hex SHA-256 of each code (never the
//                                        code), scored by expiry (unix seconds); at most the bound
//                                        the caller passes, expired ones removed by the next mint
// Rooms
//   {p}room:next                 STRING  [D] the last room id given (INCR)
//   {p}room:<id>                 HASH    [R] name, kind, topic (absent: none), created_at, last_seq; direct
//                                        rooms also direct (their field in {p}direct, for deleteRoom);
//                                        first_seq, the oldest seq kept (absent: 1; --history-max)
//   {p}rooms:public              ZSET    [D] public room ids, scored by id
//   {p}user:<id>:rooms           ZSET    [D] the rooms a user is a member of, scored by id
//   {p}user:<id>:created         ZSET    [D] rooms the user created, scored by created_at (the hourly quota)
//   {p}direct                    HASH    [D] "<lower id>:<higher id>" -> the pair's direct room id
//   {p}room:<id>:roles           HASH    [R] user id -> MemberRole (as its integer)
//   {p}room:<id>:joined          ZSET    [R] member user ids zero-padded to 20 digits, scored by joined_at
//   {p}room:<id>:reads           HASH    [R] user id -> last read seq
//   {p}room:<id>:received        ZSET    [R] member user ids scored by their last received seq (never
//                                        below their read seq; furthest first for history's counts)
// Messages (all of a room's under {p}room:<id>:, so deleteRoom can drop them)
//   {p}msg:next                  STRING  [R] the last message id given (INCR) on this shard; a message's
//                                        id is it * shard count + shard index (one shard: it itself)
//   {p}room:<id>:log             HASH    [R] seq -> the message record (seqs are dense from first_seq:
//                                        pages are HMGETs)
//   {p}room:<id>:ids             HASH    [R] message id -> seq
//   {p}room:<id>:clients         HASH    [R] "<sender id>:<client id>" -> seq (resend dedup)
//   {p}room:<id>:reactions       HASH    [R] message id -> the reactions record
//   {p}room:<id>:files           HASH    [R] file id -> how many of the room's messages carry it
// Files (RedisStoreFiles.cc; the bytes are on disk, store/FileBlobs.h)
//   {p}file:<id>                 HASH    [D] owner_id, name, content_type, size, sha256, created_at, refs
//                                        (messages that carry it; counted before their append)
//   {p}file:<id>:rooms           SET     [D] the rooms it was posted in (who may read it: with each
//                                        room's files hash)
//   {p}files:idle                ZSET    [D] files no message refers to, scored by upload time
//                                        (created_at): what the collector looks at
//   {p}blobs                     HASH    [D] sha256 -> how many records hold those bytes
//   {p}user:<id>:file-bytes      STRING  [D] bytes the user's files hold (INCRBY), for --upload-quota
// Presence across nodes (RedisPresenceBoard; on the directory: it changes with sessions, not per message)
//   {p}nodes                     ZSET    [D] presence owners (one per node process) scored by lease expiry (Redis ms)
//   {p}node:<owner>:presence     SET     [D] "<room id>:<user id>": the owner has a session of the user in the room
//   {p}room:<id>:online          HASH    [D] user id -> how many owners have a session of theirs in the room
//                                        (room 0: anywhere on the server, PresenceBoard::kAnywhere)
//   {p}online                    ZSET    [D] the users of room 0's hash, each scored by its id (paged lists)
// Pub/sub channels (RedisBus; each message one encoded RoomEvent, RoomEventWire.h)
//   {p}room:<id>:events          CHANNEL [R] the room's events (subscribed while a node has sessions there)
//   {p}user:<id>:events          CHANNEL [D] events that follow a user: direct messages, memberships ended
//   {p}events                    CHANNEL [D] cluster-wide events: revoked tokens
//   {p}node:<node id>:alive      CHANNEL [every shard] a node's heartbeats to itself (RedisBus), node id in hex
//
// Records are MessagePack (Redis's Lua cmsgpack), as arrays:
//   message record   [id, sender_id, kind, content, client_id, created_at, edited_at, deleted, details
//                    (store/MessageDetails.h; "" for none), file ids (only with attachments)]
//                    (client_id "" when none, edited_at 0 when never, deleted 0 or 1)
//   reactions record {emoji: [user id, ...], ...}, the users in the order they reacted
//
// The scripts receive the prefix as their first argument and build the same
// names in Lua (RedisScript's prelude has the helpers), because a script
// that reads a key to find the next one (a user's rooms, then each room)
// cannot have every key passed in KEYS.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace chatd::store::redis_keys {

inline std::string user(const std::string& prefix, int64_t id) { return prefix + "user:" + std::to_string(id); }
inline std::string room(const std::string& prefix, int64_t id) { return prefix + "room:" + std::to_string(id); }
// One of a room's own keys: roomPart(p, 7, "log") is "{p}room:7:log".
inline std::string roomPart(const std::string& prefix, int64_t id, const char* part) {
  return room(prefix, id) + ":" + part;
}

// A node's heartbeat channel: nodeAlive(p, 0x2a) is "{p}node:000000000000002a:alive".
inline std::string nodeAlive(const std::string& prefix, uint64_t nodeId) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(nodeId));
  return prefix + "node:" + hex + ":alive";
}

// One of a user's own keys: userPart(p, 7, "rooms") is "{p}user:7:rooms".
inline std::string userPart(const std::string& prefix, int64_t id, const char* part) {
  return user(prefix, id) + ":" + part;
}

}  // namespace chatd::store::redis_keys
