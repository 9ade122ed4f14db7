// RedisStore's file records (FileStore), with SqliteStore's semantics over
// the keys of RedisKeys.h: the records, their reference counts and the
// rooms they were posted in on the directory (shard 0); each room's own
// count of its messages' files on its shard (MessageScripts.h). Only
// deleteMessage() uncounts a message's files on the directory: those of
// trimmed messages, deleted rooms and erased users stay counted, so such a
// file is kept (docs/architecture.md), never collected while referenced.
#include "store/redis/RedisDecode.h"
#include "store/redis/RedisKeys.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

// A file row as the scripts answer it: {id, owner_id, name, content_type, size, sha256, created_at}.
constexpr const char* kFileRow = R"LUA(
local function file_row(id)
  local f = redis.call('HMGET', P .. 'file:' .. id, 'owner_id', 'name', 'content_type', 'size', 'sha256', 'created_at')
  if not f[1] then return false end
  return {id, tonumber(f[1]), f[2], f[3], tonumber(f[4]), f[5], tonumber(f[6])}
end
)LUA";

// ARGV: id, owner id, name, content type, size, sha256, quota (0: none).
// Answers the row, or OVER_QUOTA with the bytes the owner's files hold.
const RedisScript kAddFile(std::string(kFileRow) + R"LUA(
local id, owner, size, quota = ARGV[2], ARGV[3], tonumber(ARGV[6]), tonumber(ARGV[8])
if redis.call('EXISTS', k_user(owner)) == 0 then return {NOT_FOUND} end
if redis.call('EXISTS', P .. 'file:' .. id) == 1 then return {CONFLICT} end
local used = tonumber(redis.call('GET', k_user(owner) .. ':file-bytes') or '0')
if quota > 0 and used + size > quota then return {OVER_QUOTA, used} end
redis.call('HSET', P .. 'file:' .. id, 'owner_id', owner, 'name', ARGV[4], 'content_type', ARGV[5],
           'size', size, 'sha256', ARGV[7], 'created_at', now_ms())
redis.call('INCRBY', k_user(owner) .. ':file-bytes', size)
redis.call('HINCRBY', P .. 'blobs', ARGV[7], 1)
redis.call('ZADD', P .. 'files:idle', redis.call('HGET', P .. 'file:' .. id, 'created_at'), id)
return {OK, file_row(id)}
)LUA");

// ARGV: room, file ids... NOT_FOUND, and nothing counted, unless every file
// exists; else each is counted once more and remembers the room.
const RedisScript kShareFiles(R"LUA(
for i = 3, #ARGV do
  if redis.call('EXISTS', P .. 'file:' .. ARGV[i]) == 0 then return {NOT_FOUND} end
end
for i = 3, #ARGV do
  redis.call('HINCRBY', P .. 'file:' .. ARGV[i], 'refs', 1)
  redis.call('SADD', P .. 'file:' .. ARGV[i] .. ':rooms', ARGV[2])
  redis.call('ZREM', P .. 'files:idle', ARGV[i])
end
return {OK}
)LUA");

// ARGV: file ids... Each counted once less; one no longer referenced waits
// in files:idle, by its upload time, for kCollectFiles.
const RedisScript kUnshareFiles(R"LUA(
for i = 2, #ARGV do
  local key = P .. 'file:' .. ARGV[i]
  if redis.call('EXISTS', key) == 1 and redis.call('HINCRBY', key, 'refs', -1) <= 0 then
    redis.call('HSET', key, 'refs', 0)
    redis.call('ZADD', P .. 'files:idle', redis.call('HGET', key, 'created_at'), ARGV[i])
  end
end
return {OK}
)LUA");

// ARGV: uploaded before (ms), limit. Forgets up to `limit` unreferenced
// files uploaded before then that are nobody's avatar; answers {OK, rows...},
// each row followed by 1 when no other record holds its sha256 any more.
const RedisScript kCollectFiles(std::string(kFileRow) + R"LUA(
local answer = {OK}
local idle = P .. 'files:idle'
for _, id in ipairs(redis.call('ZRANGEBYSCORE', idle, '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  redis.call('ZREM', idle, id)  -- an avatar comes back when it is one no more (RedisStoreAccounts.cc)
  local key = P .. 'file:' .. id
  local row = file_row(id)
  if row and tonumber(redis.call('HGET', key, 'refs') or '0') <= 0 and
     redis.call('SISMEMBER', P .. 'avatars', id) == 0 then
    redis.call('DEL', key, key .. ':rooms')
    redis.call('DECRBY', k_user(row[2]) .. ':file-bytes', row[5])
    local copies = redis.call('HINCRBY', P .. 'blobs', row[6], -1)
    if copies <= 0 then redis.call('HDEL', P .. 'blobs', row[6]) end
    answer[#answer + 1] = row
    answer[#answer + 1] = copies == 0 and 1 or 0
  end
end
return answer
)LUA");

// On a room's shard. ARGV: file id, user, room ids... {OK, 1} when one of
// the rooms still has a message carrying the file and is public or has the
// user as a member; {OK, 0} otherwise.
const RedisScript kAnyRoomShares(R"LUA(
local file, user = ARGV[2], ARGV[3]
for i = 4, #ARGV do
  local room = ARGV[i]
  if redis.call('HEXISTS', k_room_part(room, 'files'), file) == 1 and
     (redis.call('HGET', k_room(room), 'kind') == 'public' or
      redis.call('HEXISTS', k_room_part(room, 'roles'), user) == 1) then
    return {OK, 1}
  end
end
return {OK, 0}
)LUA");

// How many of a file's rooms fileSharedWith() looks at: a file its owner
// posted in more rooms may be refused to the members of the others.
constexpr int kRoomsLookedAt = 100;

// ARGV: id.
const RedisScript kFindFile(std::string(kFileRow) + R"LUA(
local row = file_row(ARGV[2])
if not row then return {NOT_FOUND} end
return {OK, row}
)LUA");

FileRecord decodeFile(const RedisReply& row) {
  const std::vector<RedisReply>& f = row.elements;
  if (f.size() < 7) return {};
  return {replyText(f[0]), replyInt(f[1]), replyText(f[2]), replyText(f[3]),
          replyInt(f[4]),  replyText(f[5]), replyInt(f[6])};
}

}  // namespace

void RedisStore::addFile(FileRecord file, uint64_t quotaBytes, Callback<FileRecord> done) {
  run<FileRecord>(directory(), kAddFile,
                  {std::move(file.id), std::to_string(file.ownerId), std::move(file.name), std::move(file.contentType),
                   std::to_string(file.size), std::move(file.sha256), std::to_string(quotaBytes)},
                  [](const std::vector<RedisReply>& rest) {
                    // OVER_QUOTA answers the bytes used where OK answers the row.
                    if (!rest[0].elements.empty()) return decodeFile(rest[0]);
                    FileRecord full;
                    full.size = replyInt(rest[0]);
                    return full;
                  },
                  std::move(done));
}

void RedisStore::findFile(std::string id, Callback<FileRecord> done) {
  run<FileRecord>(
      directory(), kFindFile, {std::move(id)},
      [](const std::vector<RedisReply>& rest) { return decodeFile(rest[0]); }, std::move(done));
}

void RedisStore::fileBytesOf(int64_t ownerId, Callback<int64_t> done) {
  directory().redis.command({"GET", redis_keys::userPart(prefix_, ownerId, "file-bytes")},
                            [done = std::move(done)](const RedisReply& reply) {
                              if (!reply.ok()) return done(StoreStatus::kFailed, 0);
                              done(StoreStatus::kOk, replyInt(reply));
                            });
}

void RedisStore::shareFiles(int64_t roomId, std::vector<std::string> ids, std::function<void(StoreStatus)> done) {
  ids.insert(ids.begin(), std::to_string(roomId));
  run<bool>(directory(), kShareFiles, std::move(ids), [](const std::vector<RedisReply>&) { return true; },
            [done = std::move(done)](StoreStatus status, bool) { done(status); });
}

void RedisStore::unshareFiles(std::vector<std::string> ids, std::function<void(StoreStatus)> done) {
  run<bool>(directory(), kUnshareFiles, std::move(ids), [](const std::vector<RedisReply>&) { return true; },
            [done = std::move(done)](StoreStatus status, bool) { done(status); });
}

void RedisStore::fileSharedWith(std::string id, int64_t userId, Callback<bool> done) {
  const std::string rooms = prefix_ + "file:" + id + ":rooms";
  directory().redis.command(
      {"SRANDMEMBER", rooms, std::to_string(kRoomsLookedAt)},
      [this, id = std::move(id), userId, done = std::move(done)](const RedisReply& reply) {
        if (!reply.ok()) return done(StoreStatus::kFailed, false);
        // One script per shard holding some of the rooms; shared if any says so.
        std::vector<std::vector<std::string>> argsByShard(shards_.size());
        for (const RedisReply& room : reply.elements) {
          std::vector<std::string>& args = argsByShard[shardOfRoom(replyInt(room), shards_.size())];
          if (args.empty()) args = {id, std::to_string(userId)};
          args.push_back(replyText(room));
        }
        struct Tally {
          size_t waiting = 0;
          StoreStatus status = StoreStatus::kOk;
          bool shared = false;
          Callback<bool> done;
        };
        auto tally = std::make_shared<Tally>();
        tally->done = std::move(done);
        for (const auto& args : argsByShard) tally->waiting += args.empty() ? 0 : 1;
        if (tally->waiting == 0) return tally->done(StoreStatus::kOk, false);
        for (size_t shard = 0; shard < argsByShard.size(); ++shard) {
          if (argsByShard[shard].empty()) continue;
          run<bool>(*shards_[shard], kAnyRoomShares, std::move(argsByShard[shard]),
                    [](const std::vector<RedisReply>& rest) { return replyInt(rest[0]) != 0; },
                    [tally](StoreStatus status, bool shared) {
                      if (status != StoreStatus::kOk) tally->status = status;
                      tally->shared = tally->shared || shared;
                      if (--tally->waiting == 0) tally->done(tally->shared ? StoreStatus::kOk : tally->status, tally->shared);
                    });
        }
      });
}

void RedisStore::collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<CollectedFile>> done) {
  run<std::vector<CollectedFile>>(
      directory(), kCollectFiles, {std::to_string(uploadedBeforeMs), std::to_string(limit)},
      [](const std::vector<RedisReply>& rest) {
        std::vector<CollectedFile> collected;
        for (size_t i = 0; i + 1 < rest.size(); i += 2) {
          collected.push_back({decodeFile(rest[i]), replyInt(rest[i + 1]) != 0});
        }
        return collected;
      },
      std::move(done));
}

}  // namespace chatd::store
