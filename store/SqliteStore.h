// The embedded Store: one SQLite file, reads answered at once, writes
// batched per loop iteration (GroupCommit) and answered after the COMMIT.
// Owns the database connection; borrows the loop.
#pragma once

#include <memory>
#include <string>

#include "reactor/EventLoop.h"
#include "store/GroupCommit.h"
#include "store/SqliteDatabase.h"
#include "store/Store.h"

namespace chatd::store {

class SqliteStore final : public Store {
 public:
  // Opens `path` and brings its schema up to date; nullptr with `error` on failure.
  static std::unique_ptr<SqliteStore> open(reactor::EventLoop& loop, const std::string& path, std::string& error);

  void createUser(std::string username, std::string nickname, std::string passwordHash, Callback<User> done) override;
  void findCredentials(std::string usernameKey, Callback<Credentials> done) override;
  void findUser(int64_t id, Callback<User> done) override;
  void findOrCreateExternalUser(std::string subject, std::string name, Callback<User> done) override;
  bool ready() override;

 private:
  SqliteStore(reactor::EventLoop& loop, std::unique_ptr<SqliteDatabase> db);
  // Reads one user row (id, username, nickname, created_at, password_hash)
  // selected by `sql` with one bound parameter.
  template <typename Bind>
  StoreStatus readUser(const char* sql, Bind bind, Credentials& out);

  std::unique_ptr<SqliteDatabase> db_;
  GroupCommit writes_;
};

}  // namespace chatd::store
