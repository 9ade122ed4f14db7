// A chatd with the admin API on (--api-key-file), and short ways to call it
// with the key, with another key or from another local address.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {

inline constexpr const char* kAdminKey = "test-admin-key-0123456789";

// A key file holding `contents`, mode 0600, removed by the destructor.
class KeyFile {
 public:
  explicit KeyFile(const std::string& contents) {
    char pattern[] = "/tmp/chatd-api-keys-XXXXXX";
    const int fd = ::mkstemp(pattern);
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = pattern;
    write(contents);
  }
  ~KeyFile() { ::unlink(path_.c_str()); }
  // Replaces the contents (the mode stays).
  void write(const std::string& contents) const {
    std::ofstream out(path_, std::ios::trunc);
    out << contents;
    EXPECT_TRUE(out.flush()) << path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string bearer(const std::string& key) { return "Authorization: Bearer " + key + "\r\n"; }

// POST /api/v1/register for `name` (password "correct-horse") with an invite code.
inline HttpReply registerWithInvite(int port, const std::string& name, const std::string& code) {
  return httpCall(port, "POST", "/api/v1/register",
                  R"({"username":")" + name + R"(","password":"correct-horse","invite":")" + code + R"("})");
}

// What a call of /api/v1/admin/registration answered: "MODE from SOURCE".
inline std::string registrationSetting(const HttpReply& reply) {
  const Json answer(reply.body);
  return answer.string("mode").value_or("?") + " from " + answer.string("source").value_or("?");
}

// chatd's arguments for the admin API with `keyFile`, quick hashing and
// registrations enough, then `extra`.
inline std::vector<std::string> adminArgs(const std::string& keyFile, std::vector<std::string> extra) {
  std::vector<std::string> all = {"--argon2-memory", "1024", "--registrations-per-hour", "1000", "--api-key-file",
                                  keyFile};
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

class AdminFixture : public ::testing::Test {
 protected:
  explicit AdminFixture(std::vector<std::string> extra = {}) : chatd_(adminArgs(keys_.path(), std::move(extra))) {}

  int port() const { return chatd_.port(); }
  Account signUp(const std::string& name) { return testing::signUp(port(), name); }
  HttpReply admin(std::string_view method, const std::string& path, std::string_view body = {}) {
    return httpCall(port(), method, path, body, bearer(kAdminKey));
  }
  HttpReply as(const Account& user, std::string_view method, const std::string& path, std::string_view body = {}) {
    return httpCallAs(user.token, port(), method, path, body);
  }
  HttpReply login(const std::string& name) {
    return httpCall(port(), "POST", "/api/v1/login", R"({"username":")" + name + R"(","password":"correct-horse"})");
  }

  KeyFile keys_{std::string("# the test's key\n\n") + kAdminKey + "\n"};
  ChatdProcess chatd_;
};

}  // namespace chatd::testing
