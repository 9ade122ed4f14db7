#include "server/AccessLog.h"

#include <gtest/gtest.h>

namespace chatd::server {
namespace {

TEST(AccessLog, CredentialsInTheQueryAreRedacted) {
  EXPECT_EQ(redactedTarget("/ws?token=eyJhbGciOi.x.y"), "/ws?token=REDACTED");
  EXPECT_EQ(redactedTarget("/files/3?sig=abc&expires=99"), "/files/3?sig=REDACTED&expires=99");
  EXPECT_EQ(redactedTarget("/a?x=1&TOKEN=s&access_token=t&api_key=u&y="), "/a?x=1&TOKEN=REDACTED&access_token=REDACTED&api_key=REDACTED&y=");
}

TEST(AccessLog, OtherTargetsAreKeptAsSent) {
  EXPECT_EQ(redactedTarget("/api/v1/rooms"), "/api/v1/rooms");
  EXPECT_EQ(redactedTarget("/api/v1/rooms?limit=5&tokens=2&mytoken=3"), "/api/v1/rooms?limit=5&tokens=2&mytoken=3");
  EXPECT_EQ(redactedTarget("/x?token"), "/x?token");  // no value to hide
  EXPECT_EQ(redactedTarget("/x?"), "/x?");
}

}  // namespace
}  // namespace chatd::server
