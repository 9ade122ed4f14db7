// A chatd with a few signed-up users, and short ways to call the room API as
// one of them, for the room and direct-room suites.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"

namespace chatd::testing {

struct Account {
  std::string token;
  std::string id;
};

inline std::string signUpBody(const std::string& name) {
  return R"({"username":")" + name + R"(","password":"correct-horse"})";
}

inline Account signedUp(const HttpReply& reply) {
  EXPECT_EQ(reply.status, 201) << reply.body;
  return {jsonField(reply.body, "token"), jsonField(reply.body, "id")};
}

// Signs `name` up on the chatd at `port` (password "correct-horse").
inline Account signUp(int port, const std::string& name) {
  return signedUp(httpCall(port, "POST", "/api/v1/register", signUpBody(name)));
}

// The same over TLS, trusting `caFile`.
inline Account signUpOverTls(int port, const std::string& caFile, const std::string& name) {
  return signedUp(httpsCall(port, caFile, "POST", "/api/v1/register", signUpBody(name)));
}

class RoomFixture : public ::testing::Test {
 protected:
  // Cheap password hashing keeps the suite fast; some suites sign up more
  // users from 127.0.0.1 than --registrations-per-hour lets one address.
  ChatdProcess chatd_{{"--argon2-memory", "1024", "--registrations-per-hour", "1000"}};
  int port() const { return chatd_.port(); }

  Account signUp(const std::string& name) { return testing::signUp(port(), name); }
  HttpReply call(const Account& as, std::string_view method, const std::string& path, std::string_view body = {}) {
    return httpCallAs(as.token, port(), method, path, body);
  }
  // A new room owned by `owner`; its id.
  std::string createRoom(const Account& owner, const std::string& name, const std::string& kind) {
    const HttpReply reply = call(owner, "POST", "/api/v1/rooms", R"({"name":")" + name + R"(","kind":")" + kind + R"("})");
    EXPECT_EQ(reply.status, 201) << reply.body;
    return jsonField(reply.body, "id");
  }
  // POST /api/v1/rooms/{room}/members as `as`, adding or changing `user` with `role`.
  HttpReply setRole(const Account& as, const std::string& room, const Account& user, const std::string& role) {
    return call(as, "POST", "/api/v1/rooms/" + room + "/members",
                R"({"user_id":)" + user.id + R"(,"role":")" + role + R"("})");
  }
  HttpReply kick(const Account& as, const std::string& room, const Account& user) {
    return call(as, "DELETE", "/api/v1/rooms/" + room + "/members/" + user.id);
  }
};

}  // namespace chatd::testing
