// What the chat layer asks of storage, with completion callbacks, so that an
// embedded backend (SQLite, which may answer before the call returns) and a
// networked one (Redis, which answers later) look the same to the caller.
// Writes complete only once durable (after their COMMIT).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace chatd::store {

enum class StoreStatus {
  kOk,
  kNotFound,
  kConflict,  // a unique key is taken (a username)
  kFailed,    // the backend failed; say so, retry later
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string nickname;  // empty when none was given
  int64_t createdAt = 0;  // unix milliseconds
};

struct Credentials {
  User user;
  std::string passwordHash;  // encoded Argon2id; empty for users known only from tokens
};

class Store {
 public:
  template <typename T>
  using Callback = std::function<void(StoreStatus, T)>;

  virtual ~Store() = default;

  // A new account; kConflict when the username is taken, ignoring case.
  virtual void createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) = 0;
  // Looked up by the lower-cased username.
  virtual void findCredentials(std::string usernameKey, Callback<Credentials> done) = 0;
  virtual void findUser(int64_t id, Callback<User> done) = 0;
  // The user an app backend's token names (`sub`), created on first sight.
  virtual void findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) = 0;

  // Whether the backend can serve requests now (GET /readyz).
  virtual bool ready() = 0;
};

}  // namespace chatd::store
