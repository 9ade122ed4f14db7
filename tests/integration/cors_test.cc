// CORS: only the origins listed with --allow-origin may read the API's
// answers from a browser page, and only they get a preflight answer.
#include <gtest/gtest.h>

#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"

namespace chatd::testing {

namespace {

const char* kApp = "https://app.example";

class Cors : public ::testing::Test {
 protected:
  ChatdProcess chatd_{{"--allow-origin", "https://app.example,http://localhost:3000", "--argon2-memory", "1024"}};
};

}  // namespace

TEST_F(Cors, AnAllowedOriginMayReadAnswers) {
  const HttpReply reply = httpCall(chatd_.port(), "GET", "/healthz", {}, "Origin: https://app.example\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Access-Control-Allow-Origin"), kApp);
  EXPECT_EQ(reply.header("Vary"), "Origin");
  // Errors too, or a page could not show them.
  const HttpReply error = httpCall(chatd_.port(), "GET", "/api/v1/me", {}, "Origin: https://app.example\r\n");
  EXPECT_EQ(error.status, 401);
  EXPECT_EQ(error.header("Access-Control-Allow-Origin"), kApp);
  const HttpReply second = httpCall(chatd_.port(), "GET", "/healthz", {}, "Origin: http://localhost:3000\r\n");
  EXPECT_EQ(second.header("Access-Control-Allow-Origin"), "http://localhost:3000");
}

TEST_F(Cors, AnotherOriginGetsNoCorsHeaders) {
  for (const char* origin : {"https://evil.example", "https://app.example.evil", "null", "http://app.example"}) {
    const HttpReply reply =
        httpCall(chatd_.port(), "GET", "/healthz", {}, std::string("Origin: ") + origin + "\r\n");
    EXPECT_EQ(reply.status, 200) << origin;
    EXPECT_FALSE(reply.header("Access-Control-Allow-Origin")) << origin;
  }
}

TEST_F(Cors, PreflightIsAnsweredForAllowedOriginsOnly) {
  const HttpReply allowed = httpCall(chatd_.port(), "OPTIONS", "/api/v1/login", {},
                                     "Origin: https://app.example\r\nAccess-Control-Request-Method: POST\r\n"
                                     "Access-Control-Request-Headers: content-type\r\n");
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), kApp);
  EXPECT_NE(allowed.header("Access-Control-Allow-Methods").value_or("").find("POST"), std::string::npos);
  EXPECT_NE(allowed.header("Access-Control-Allow-Headers").value_or("").find("Authorization"), std::string::npos);
  const HttpReply refused = httpCall(chatd_.port(), "OPTIONS", "/api/v1/login", {},
                                     "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n");
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(refused.header("Access-Control-Allow-Origin"));
}

TEST(CorsOff, WithoutAllowOriginNoOriginIsAllowed) {
  ChatdProcess chatd;
  const HttpReply reply = httpCall(chatd.port(), "GET", "/healthz", {}, "Origin: https://app.example\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.header("Access-Control-Allow-Origin"));
  EXPECT_EQ(httpCall(chatd.port(), "OPTIONS", "/healthz", {}, "Origin: https://app.example\r\n").status, 403);
}

TEST(CorsConfig, RejectsAnOriginWithAPath) {
  const ProcessResult result = runProcess({ChatdProcess::binary(), "--allow-origin", "https://app.example/"}, 5000);
  EXPECT_FALSE(result.exitedZero());
  EXPECT_NE(result.output.find("--allow-origin"), std::string::npos) << result.output;
}

}  // namespace chatd::testing
