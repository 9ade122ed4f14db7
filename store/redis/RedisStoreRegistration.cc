// RedisStore's registration settings (RegistrationStore), with SqliteStore's
// semantics, on the directory (shard 0): the mode set through the admin API
// is a field of {p}settings, the unused invites a ZSET of digests scored by
// their expiry ({p}invites, RedisKeys.h). Each decision is one script, so
// that two nodes taking one invite at once cannot both have it.
#include "store/redis/RedisDecode.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

const RedisScript kRegistrationMode(R"LUA(
return {OK, redis.call('HGET', P .. 'settings', 'registration') or ''}
)LUA");

// ARGV: mode.
const RedisScript kSetRegistrationMode(R"LUA(
redis.call('HSET', P .. 'settings', 'registration', ARGV[2])
return {OK, 1}
)LUA");

const RedisScript kClearRegistrationMode(R"LUA(
redis.call('HDEL', P .. 'settings', 'registration')
return {OK, 1}
)LUA");

// ARGV: digest, expiry, now (unix seconds), most invites waiting. Expiring
// at `now` is expired.
const RedisScript kCreateInvite(R"LUA(
local invites = P .. 'invites'
redis.call('ZREMRANGEBYSCORE', invites, '-inf', ARGV[4])
if redis.call('ZCARD', invites) >= tonumber(ARGV[5]) then return {OVER_QUOTA} end
if redis.call('ZADD', invites, 'NX', ARGV[3], ARGV[2]) == 0 then return {CONFLICT} end
return {OK, 1}
)LUA");

// ARGV: digest, now (unix seconds). Answers the invite's expiry.
const RedisScript kTakeInvite(R"LUA(
local expires = tonumber(redis.call('ZSCORE', P .. 'invites', ARGV[2]))
if not expires or expires <= tonumber(ARGV[3]) then return {NOT_FOUND} end
redis.call('ZREM', P .. 'invites', ARGV[2])
return {OK, expires}
)LUA");

// ARGV: digest, expiry.
const RedisScript kRestoreInvite(R"LUA(
redis.call('ZADD', P .. 'invites', 'NX', ARGV[3], ARGV[2])
return {OK, 1}
)LUA");

}  // namespace

void RedisStore::registrationMode(Callback<std::string> done) {
  run<std::string>(
      directory(), kRegistrationMode, {}, [](const std::vector<RedisReply>& rest) { return replyText(rest[0]); },
      std::move(done));
}

void RedisStore::setRegistrationMode(std::string mode, Callback<bool> done) {
  run<bool>(directory(), kSetRegistrationMode, {std::move(mode)}, applied, std::move(done));
}

void RedisStore::clearRegistrationMode(Callback<bool> done) {
  run<bool>(directory(), kClearRegistrationMode, {}, applied, std::move(done));
}

void RedisStore::createInvite(std::string digest, int64_t expiresAt, int64_t nowSeconds, size_t maxWaiting,
                              Callback<bool> done) {
  run<bool>(directory(), kCreateInvite,
            {std::move(digest), std::to_string(expiresAt), std::to_string(nowSeconds), std::to_string(maxWaiting)},
            applied, std::move(done));
}

void RedisStore::takeInvite(std::string digest, int64_t nowSeconds, Callback<int64_t> done) {
  run<int64_t>(
      directory(), kTakeInvite, {std::move(digest), std::to_string(nowSeconds)},
      [](const std::vector<RedisReply>& rest) { return replyInt(rest[0]); }, std::move(done));
}

void RedisStore::restoreInvite(std::string digest, int64_t expiresAt, Callback<bool> done) {
  run<bool>(directory(), kRestoreInvite, {std::move(digest), std::to_string(expiresAt)}, applied, std::move(done));
}

}  // namespace chatd::store
