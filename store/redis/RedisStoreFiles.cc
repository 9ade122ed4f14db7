// RedisStore's file records (FileStore), with SqliteStore's semantics over
// the keys of RedisKeys.h, all on the directory (shard 0).
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
return {OK, file_row(id)}
)LUA");

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

}  // namespace chatd::store
