// RedisStore's accounts and revoked tokens (AccountStore, TokenStore), with
// SqliteStore's semantics over the keys of RedisKeys.h, all on the directory
// (shard 0), but for a deleted user's erasure (RedisStoreErasure.cc); and the
// users' rows that the rooms' shards need from it.
#include <algorithm>

#include "store/redis/RedisDecode.h"
#include "store/redis/RedisKeys.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

// ARGV: username, username key, nickname, password hash.
const RedisScript kCreateUser(R"LUA(
local username, key, nickname, hash = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HEXISTS', P .. 'usernames', key) == 1 then return {CONFLICT} end
local id = redis.call('INCR', P .. 'user:next')
redis.call('HSET', k_user(id), 'username', username, 'created_at', now_ms(), 'password_hash', hash)
if nickname ~= '' then redis.call('HSET', k_user(id), 'nickname', nickname) end
redis.call('HSET', P .. 'usernames', key, id)
return {OK, user_row(id)}
)LUA");

// ARGV: username key. Answers the user row and the password hash.
const RedisScript kFindCredentials(R"LUA(
local id = redis.call('HGET', P .. 'usernames', ARGV[2])
local row = id and user_row(id)
if not row then return {NOT_FOUND} end
return {OK, row, redis.call('HGET', k_user(id), 'password_hash') or ''}
)LUA");

// ARGV: user id.
const RedisScript kFindUser(R"LUA(
local row = user_row(ARGV[2])
if not row then return {NOT_FOUND} end
return {OK, row}
)LUA");

// ARGV: subject, name. One script, so two first sightings at once (on one
// node or two) make one user. Users known only from tokens have no entry
// in usernames and no password hash: they cannot sign in with a password.
// Their usernames are the name and "#ID", which no registered name can look
// like; no nickname, so that clients show the unique username.
const RedisScript kFindOrCreateExternalUser(R"LUA(
local subject, name = ARGV[2], ARGV[3]
local id = redis.call('HGET', P .. 'external', subject)
if not id then
  id = redis.call('INCR', P .. 'user:next')
  if name == '' then name = 'user' end
  redis.call('HSET', k_user(id), 'username', name .. '#' .. id, 'created_at', now_ms())
  redis.call('HSET', P .. 'external', subject, id)
end
local row = user_row(id)
if not row then return {NOT_FOUND} end
return {OK, row}
)LUA");

// ARGV: user id, unix milliseconds.
const RedisScript kSetLastSeen(R"LUA(
if redis.call('EXISTS', k_user(ARGV[2])) == 0 then return {NOT_FOUND} end
redis.call('HSET', k_user(ARGV[2]), 'last_seen', ARGV[3])
return {OK, 1}
)LUA");

// Lua for the scripts that change an avatar: set_avatar(id, file) sets the
// user's avatar to `file` ('': none), in their hash and in {p}avatars. The
// old one, if no message refers to it, goes back among the files to collect
// (the collection passed over it while it was an avatar).
constexpr std::string_view kSetAvatar = R"LUA(
local function set_avatar(id, file)
  local old = redis.call('HGET', k_user(id), 'avatar')
  if old and old ~= file then
    redis.call('SREM', P .. 'avatars', old)
    local f = redis.call('HMGET', P .. 'file:' .. old, 'created_at', 'refs')
    if f[1] and tonumber(f[2] or '0') <= 0 then redis.call('ZADD', P .. 'files:idle', f[1], old) end
  end
  if file == '' then
    redis.call('HDEL', k_user(id), 'avatar')
  else
    redis.call('HSET', k_user(id), 'avatar', file)
    redis.call('SADD', P .. 'avatars', file)
  end
end
)LUA";

// ARGV: user id, state. A deleted user stays deleted, without an avatar.
const RedisScript kSetUserState(std::string(kSetAvatar) + R"LUA(
local row = user_row(ARGV[2])
if not row then return {NOT_FOUND} end
if row[5] == 2 and ARGV[3] ~= '2' then return {CONFLICT} end
redis.call('HSET', k_user(ARGV[2]), 'state', ARGV[3])
if ARGV[3] == '2' then set_avatar(ARGV[2], '') end
return {OK, user_row(ARGV[2])}
)LUA");

// ARGV: user id, then for the nickname and the avatar each a flag ('1':
// change it) and the new value ('': none).
const RedisScript kUpdateProfile(std::string(kSetAvatar) + R"LUA(
local id = ARGV[2]
if redis.call('EXISTS', k_user(id)) == 0 then return {NOT_FOUND} end
if ARGV[3] == '1' then
  if ARGV[4] == '' then
    redis.call('HDEL', k_user(id), 'nickname')
  else
    redis.call('HSET', k_user(id), 'nickname', ARGV[4])
  end
end
if ARGV[5] == '1' then set_avatar(id, ARGV[6]) end
return {OK, user_row(id)}
)LUA");

// ARGV: key, expiry (unix seconds). NX: a second logout keeps the first expiry.
const RedisScript kRevokeToken(R"LUA(
redis.call('ZADD', P .. 'revoked', 'NX', ARGV[3], ARGV[2])
return {OK, 1}
)LUA");

// ARGV: now (unix seconds). Forgets what expired by then (expiring at `now`
// is expired) and answers the rest as a flat key, expiry, ... list, by
// expiry then key.
const RedisScript kRevokedTokens(R"LUA(
redis.call('ZREMRANGEBYSCORE', P .. 'revoked', '-inf', ARGV[2])
return {OK, redis.call('ZRANGE', P .. 'revoked', 0, -1, 'WITHSCORES')}
)LUA");

User firstUser(const std::vector<RedisReply>& rest) { return decodeUser(rest[0]); }

// userExistsFor's memory: a bit per user id up to this (8 MiB); past it, checked each time.
constexpr size_t kMaxKnownUsers = size_t{1} << 26;

// ARGV: user ids. {OK, {row or false, ...}}: the rooms' shards ask for the
// users' rows (member lists, message senders) here.
const RedisScript kUserRows(R"LUA(
local rows = {}
for i = 2, #ARGV do rows[#rows + 1] = user_row(ARGV[i]) end
return {OK, rows}
)LUA");

}  // namespace

void RedisStore::userRows(std::vector<int64_t> ids, Callback<std::vector<User>> done) {
  std::vector<std::string> args;
  args.reserve(ids.size());
  for (const int64_t id : ids) args.push_back(std::to_string(id));
  run<std::vector<User>>(
      directory(), kUserRows, std::move(args),
      [](const std::vector<RedisReply>& rest) {
        std::vector<User> users;
        users.reserve(rest[0].elements.size());
        for (const RedisReply& row : rest[0].elements) users.push_back(decodeUser(row));
        return users;
      },
      std::move(done));
}

void RedisStore::nameSenders(std::vector<Message*> messages, std::function<void(StoreStatus)> done) {
  if (messages.empty()) return done(StoreStatus::kOk);
  std::vector<int64_t> senders;
  for (const Message* m : messages) {
    if (std::find(senders.begin(), senders.end(), m->senderId) == senders.end()) senders.push_back(m->senderId);
  }
  userRows(senders, [messages = std::move(messages), senders, done = std::move(done)](StoreStatus status,
                                                                                     std::vector<User> users) {
    if (status != StoreStatus::kOk) return done(status);
    for (Message* m : messages) {
      const size_t at = std::find(senders.begin(), senders.end(), m->senderId) - senders.begin();
      if (at < users.size()) {
        m->senderUsername = users[at].username;  // "" for a user gone, as on one instance
        m->senderNickname = users[at].nickname;
        m->senderAvatarFileId = users[at].avatarFileId;
      }
    }
    done(StoreStatus::kOk);
  });
}

void RedisStore::userExistsFor(int64_t roomId, int64_t userId, std::function<void(StoreStatus)> then) {
  // At once: `then` goes on to a script, which answers later.
  if (&roomShard(roomId) == &directory()) return then(StoreStatus::kOk);
  const auto bit = static_cast<size_t>(userId);
  const bool known = userId > 0 && bit < knownUsers_.size() && knownUsers_[bit];
  if (known && userChecksInFlight_ == 0) return then(StoreStatus::kOk);
  ++userChecksInFlight_;
  directory().redis.command({"EXISTS", redis_keys::user(prefix_, userId)},
                            [this, bit, then = std::move(then)](const RedisReply& reply) {
                              --userChecksInFlight_;
                              if (!reply.ok()) return then(StoreStatus::kFailed);
                              if (reply.integer != 1) return then(StoreStatus::kNotFound);
                              if (bit < kMaxKnownUsers) {
                                if (bit >= knownUsers_.size()) knownUsers_.resize(bit + 1);
                                knownUsers_[bit] = true;
                              }
                              then(StoreStatus::kOk);
                            });
}

void RedisStore::createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) {
  std::string key = usernameKey(username);
  run<User>(directory(), kCreateUser,
            {std::move(username), std::move(key), std::move(nickname), std::move(passwordHash)}, firstUser,
            std::move(done));
}

void RedisStore::findCredentials(std::string usernameKey, Callback<Credentials> done) {
  auto decode = [](const std::vector<RedisReply>& rest) {
    return Credentials{decodeUser(rest[0]), rest.size() > 1 ? replyText(rest[1]) : std::string()};
  };
  run<Credentials>(directory(), kFindCredentials, {std::move(usernameKey)}, decode, std::move(done));
}

void RedisStore::findUser(int64_t id, Callback<User> done) {
  run<User>(directory(), kFindUser, {std::to_string(id)}, firstUser, std::move(done));
}

void RedisStore::findUsers(std::vector<int64_t> ids, Callback<std::vector<User>> done) {
  if (ids.size() > kMaxUsersFound) ids.resize(kMaxUsersFound);
  userRows(std::move(ids), [done = std::move(done)](StoreStatus status, std::vector<User> rows) {
    std::erase_if(rows, [](const User& row) { return row.id == 0; });  // no such user
    done(status, std::move(rows));
  });
}

void RedisStore::findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) {
  run<User>(directory(), kFindOrCreateExternalUser, {std::move(subject), std::move(name)}, firstUser, std::move(done));
}

void RedisStore::setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) {
  run<bool>(directory(), kSetLastSeen, {std::to_string(userId), std::to_string(atMs)}, applied, std::move(done));
}

void RedisStore::setUserState(int64_t userId, UserState state, Callback<User> done) {
  // Deleting: marked first, then erased (RedisStoreErasure.cc); again for a
  // user already deleted, which finishes an erasure that stopped midway.
  Callback<User> then = state != UserState::kDeleted
                            ? std::move(done)
                            : [this, done = std::move(done)](StoreStatus status, User user) {
                                if (status != StoreStatus::kOk) return done(status, std::move(user));
                                const int64_t id = user.id;
                                eraseUser(id, [done, user = std::move(user)](StoreStatus erased) {
                                  done(erased, erased == StoreStatus::kOk ? user : User{});
                                });
                              };
  run<User>(directory(), kSetUserState, {std::to_string(userId), std::to_string(static_cast<int>(state))}, firstUser,
            std::move(then));
}

void RedisStore::updateProfile(int64_t userId, std::optional<std::string> nickname,
                               std::optional<std::string> avatarFileId, Callback<User> done) {
  run<User>(directory(), kUpdateProfile,
            {std::to_string(userId), nickname ? "1" : "0", nickname.value_or(""), avatarFileId ? "1" : "0",
             avatarFileId.value_or("")},
            firstUser, std::move(done));
}

void RedisStore::isAvatar(std::string fileId, Callback<bool> done) {
  directory().redis.command({"SISMEMBER", prefix_ + "avatars", std::move(fileId)},
                            [done = std::move(done)](const RedisReply& reply) {
                              if (!reply.ok()) return done(StoreStatus::kFailed, false);
                              done(StoreStatus::kOk, reply.integer == 1);
                            });
}

void RedisStore::revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) {
  run<bool>(directory(), kRevokeToken, {std::move(key), std::to_string(expiresAt)}, applied, std::move(done));
}

void RedisStore::revokedTokens(int64_t nowSeconds, Callback<std::vector<RevokedToken>> done) {
  auto decode = [](const std::vector<RedisReply>& rest) {
    std::vector<RevokedToken> live;
    const std::vector<RedisReply>& pairs = rest[0].elements;
    live.reserve(pairs.size() / 2);
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) live.push_back({replyText(pairs[i]), replyInt(pairs[i + 1])});
    return live;
  };
  run<std::vector<RevokedToken>>(directory(), kRevokedTokens, {std::to_string(nowSeconds)}, decode, std::move(done));
}

}  // namespace chatd::store
