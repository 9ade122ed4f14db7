// The account API against a real chatd and a real SQLite file: register,
// login, me, throttling, external tokens, and data that survives a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>

#include "auth/Jwt.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"

namespace chatd::testing {

namespace {

const std::string kSecret = "an-app-backend-shares-this-secret-0123456789";

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// An app backend's claims (HS256 with the shared secret, no iss).
auth::JwtClaims claimsFor(const std::string& subject, const std::string& name, int64_t expiresAt) {
  auth::JwtClaims claims;
  claims.subject = subject;
  claims.name = name;
  claims.expiresAt = expiresAt;
  return claims;
}

std::string credentials(const std::string& user, const std::string& password) {
  return R"({"username":")" + user + R"(","password":")" + password + R"("})";
}

class Accounts : public ::testing::Test {
 protected:
  // Cheap password hashing keeps the suite fast; the cost is a flag.
  ChatdProcess chatd_{{"--argon2-memory", "1024", "--jwt-secret", kSecret}};
  int port() const { return chatd_.port(); }

  std::string registerUser(const std::string& user, const std::string& password = "correct-horse") {
    const HttpReply reply = httpCall(port(), "POST", "/api/v1/register", credentials(user, password));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return jsonField(reply.body, "token");
  }
};

TEST_F(Accounts, RegisterReturnsTheUserAndAWorkingToken) {
  const HttpReply reply =
      httpCall(port(), "POST", "/api/v1/register", R"({"username":"Ann","password":"correct-horse","nickname":"Annie"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  EXPECT_EQ(jsonField(reply.body, "username"), "Ann");
  EXPECT_EQ(jsonField(reply.body, "nickname"), "Annie");
  EXPECT_GT(std::stoll(jsonField(reply.body, "expires_at")), nowSeconds());
  const HttpReply me = httpCallAs(jsonField(reply.body, "token"), port(), "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(jsonField(me.body, "username"), "Ann");
  EXPECT_EQ(jsonField(me.body, "id"), jsonField(reply.body, "id"));
}

TEST_F(Accounts, UsernamesAreUniqueIgnoringCase) {
  registerUser("bob");
  const HttpReply again = httpCall(port(), "POST", "/api/v1/register", credentials("BOB", "another-password"));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(jsonField(again.body, "code"), "conflict");
}

TEST_F(Accounts, RegisterRejectsBadInputWithAJsonError) {
  struct Case {
    const char* body;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {R"({"username":"ab","password":"correct-horse"})", 400, "invalid_username"},
      {R"({"username":"has space","password":"correct-horse"})", 400, "invalid_username"},
      {R"({"username":"abcdefghijklmnopqrstuvwxyz0123456","password":"correct-horse"})", 400, "invalid_username"},
      {R"({"username":"carol","password":"short"})", 400, "invalid_password"},
      {R"({"username":42,"password":"correct-horse"})", 400, "invalid_username"},
      {R"({"username":"carol","password":12345678})", 400, "invalid_password"},
      {R"({"username":"carol","password":"correct-horse","nickname":7})", 400, "invalid_nickname"},
      {R"({"username":"carol",)", 400, "bad_request"},
      {R"(["carol"])", 400, "bad_request"},
  };
  for (const Case& c : cases) {
    const HttpReply reply = httpCall(port(), "POST", "/api/v1/register", c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    EXPECT_EQ(jsonField(reply.body, "code"), c.code) << c.body;
  }
  const HttpReply notJson = httpCall(port(), "POST", "/api/v1/register", credentials("carol", "correct-horse"),
                                     "Content-Type: text/plain\r\n");
  EXPECT_EQ(notJson.status, 415) << notJson.body;
  EXPECT_EQ(httpCall(port(), "GET", "/api/v1/register").status, 405);
}

TEST_F(Accounts, BodiesOverTheLimitAre413) {
  ChatdProcess small({"--argon2-memory", "1024", "--max-body", "100"});
  const std::string big = R"({"username":"dave","password":")" + std::string(200, 'x') + R"("})";
  const HttpReply reply = httpCall(small.port(), "POST", "/api/v1/register", big);
  EXPECT_EQ(reply.status, 413) << reply.body;
}

TEST_F(Accounts, LoginChecksThePassword) {
  registerUser("erin", "correct-horse");
  const HttpReply ok = httpCall(port(), "POST", "/api/v1/login", credentials("ERIN", "correct-horse"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(jsonField(ok.body, "username"), "erin");
  EXPECT_EQ(httpCallAs(jsonField(ok.body, "token"), port(), "GET", "/api/v1/me").status, 200);
  const HttpReply wrong = httpCall(port(), "POST", "/api/v1/login", credentials("erin", "wrong-password"));
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "Bearer");
  const HttpReply unknown = httpCall(port(), "POST", "/api/v1/login", credentials("nobody", "whatever-password"));
  EXPECT_EQ(unknown.status, 401) << unknown.body;
  EXPECT_EQ(jsonField(unknown.body, "message"), jsonField(wrong.body, "message"));  // no hint which names exist
}

TEST_F(Accounts, RepeatedFailedLoginsAreThrottled) {
  registerUser("frank", "correct-horse");
  int lastStatus = 0;
  std::string retryAfter;
  for (int i = 0; i < 8 && lastStatus != 429; ++i) {
    const HttpReply reply = httpCall(port(), "POST", "/api/v1/login", credentials("frank", "wrong-password"));
    lastStatus = reply.status;
    retryAfter = reply.header("Retry-After").value_or("");
  }
  EXPECT_EQ(lastStatus, 429);
  EXPECT_GT(std::atoi(retryAfter.c_str()), 0);
  // Even the right password waits out the throttle.
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/login", credentials("frank", "correct-horse")).status, 429);
}

TEST_F(Accounts, MeNeedsAValidToken) {
  EXPECT_EQ(httpCall(port(), "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(httpCallAs("not-a-token", port(), "GET", "/api/v1/me").status, 401);
  const auth::JwtClaims expired = claimsFor("user:1", "x", nowSeconds() - 3600);
  EXPECT_EQ(httpCallAs(auth::signJwtHs256(expired, kSecret), port(), "GET", "/api/v1/me").status, 401);
  const auth::JwtClaims wrongKey = claimsFor("user:1", "x", nowSeconds() + 3600);
  EXPECT_EQ(httpCallAs(auth::signJwtHs256(wrongKey, kSecret + "-other"), port(), "GET", "/api/v1/me").status, 401);
  // alg "none": header {"alg":"none"}, no signature.
  EXPECT_EQ(httpCallAs("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyOjEiLCJleHAiOjQxMDI0NDQ4MDB9.", port(), "GET",
                       "/api/v1/me").status,
            401);
}

TEST_F(Accounts, AnAppBackendsTokenCreatesItsUserOnFirstSight) {
  const auth::JwtClaims claims = claimsFor("app-user-77", "Grace", nowSeconds() + 3600);
  const std::string token = auth::signJwtHs256(claims, kSecret);
  const HttpReply first = httpCallAs(token, port(), "GET", "/api/v1/me");
  ASSERT_EQ(first.status, 200) << first.body;
  // Shown as the name and its id: never taken for a registered "Grace".
  EXPECT_EQ(jsonField(first.body, "username"), "Grace#" + jsonField(first.body, "id"));
  const HttpReply second = httpCallAs(token, port(), "GET", "/api/v1/me");
  EXPECT_EQ(jsonField(second.body, "id"), jsonField(first.body, "id"));  // the same user, not a new one
}

// A chatd token is refreshed with itself, for one that lives longer; the old
// one still works until it expires or is logged out. An app backend's token
// is the backend's to renew.
TEST_F(Accounts, ATokenIsRefreshedForANewOneOfTheSameUser) {
  const std::string token = registerUser("ann");
  const HttpReply refreshed = httpCallAs(token, port(), "POST", "/api/v1/token/refresh");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string fresh = jsonField(refreshed.body, "token");
  EXPECT_NE(fresh, token);
  EXPECT_GE(std::stoll(jsonField(refreshed.body, "expires_at")), nowSeconds());
  EXPECT_EQ(jsonField(httpCallAs(fresh, port(), "GET", "/api/v1/me").body, "username"), "ann");
  EXPECT_EQ(httpCallAs(token, port(), "GET", "/api/v1/me").status, 200) << "the old one lives on until its exp";

  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/token/refresh").status, 401);
  ASSERT_EQ(httpCallAs(token, port(), "POST", "/api/v1/logout").status, 204);
  EXPECT_EQ(httpCallAs(token, port(), "POST", "/api/v1/token/refresh").status, 401) << "a logged-out token renews nothing";
  const std::string app = auth::signJwtHs256(claimsFor("app-user-9", "Ida", nowSeconds() + 3600), kSecret);
  EXPECT_EQ(httpCallAs(app, port(), "POST", "/api/v1/token/refresh").status, 400);
}

TEST_F(Accounts, TheLoopKeepsServingWhileAPasswordHashes) {
  // Real cost here: 64 MiB per hash takes long enough to overlap.
  ChatdProcess costly;
  auto registration = std::async(std::launch::async, [&] {
    return httpCall(costly.port(), "POST", "/api/v1/register", credentials("heidi", "correct-horse")).status;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(httpCall(costly.port(), "GET", "/healthz").status, 200);
  const auto healthMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(registration.get(), 201);
  EXPECT_LT(healthMs, 1000);
}

TEST_F(Accounts, PipelinedRequestsAreAnsweredInOrderAcrossAnAsyncOne) {
  registerUser("ivan", "correct-horse");
  WsTestClient client;
  ASSERT_TRUE(client.connect(port()));
  const std::string body = credentials("ivan", "correct-horse");
  client.sendRaw("POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const HttpReply login = client.readHttpReply(20000);
  const HttpReply health = client.readHttpReply(20000);
  EXPECT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(health.status, 200) << health.body;
}

TEST(AccountsStorage, DataSurvivesARestartAndReadyzSaysTheStoreIsUsable) {
  char dir[] = "/tmp/chatd-restart-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  {
    ChatdProcess first({"--data", dir, "--argon2-memory", "1024"});
    EXPECT_EQ(httpCall(first.port(), "GET", "/readyz").status, 200);
    ASSERT_EQ(httpCall(first.port(), "POST", "/api/v1/register", credentials("judy", "correct-horse")).status, 201);
    EXPECT_EQ(first.stop(SIGTERM), 0);
  }
  {
    ChatdProcess second({"--data", dir, "--argon2-memory", "1024"});
    const HttpReply login = httpCall(second.port(), "POST", "/api/v1/login", credentials("judy", "correct-horse"));
    EXPECT_EQ(login.status, 200) << login.body;
    // The generated secret was kept too: the first run's tokens still verify.
    EXPECT_EQ(httpCallAs(jsonField(login.body, "token"), second.port(), "GET", "/api/v1/me").status, 200);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chatd::testing
