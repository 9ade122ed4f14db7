// PLACEHOLDER (replaced by the accounts part): every call fails, later in the loop.
#include "store/redis/RedisStore.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace chatd::store {

void RedisStore::createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, User{}); });
}

void RedisStore::findCredentials(std::string usernameKey, Callback<Credentials> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Credentials{}); });
}

void RedisStore::findUser(int64_t id, Callback<User> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, User{}); });
}

void RedisStore::findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, User{}); });
}

void RedisStore::setLastSeen(int64_t userId, int64_t atMs, Callback<bool> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, bool{}); });
}

void RedisStore::revokeToken(std::string key, int64_t expiresAt, Callback<bool> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, bool{}); });
}

void RedisStore::revokedTokens(int64_t nowSeconds, Callback<std::vector<RevokedToken>> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, std::vector<RevokedToken>{}); });
}

}  // namespace chatd::store
