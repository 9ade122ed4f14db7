// parseRedisUrl: the redis:// and unix:// shapes, their defaults, and what it refuses.
#include "store/redis/RedisUrl.h"

#include <gtest/gtest.h>

namespace chatd::store {
namespace {

TEST(RedisUrl, HostAndPort) {
  const auto address = parseRedisUrl("redis://127.0.0.1:6380");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 6380);
  EXPECT_EQ(address->password, "");
  EXPECT_EQ(address->db, 0);
  EXPECT_EQ(address->unixPath, "");
}

TEST(RedisUrl, DefaultPortAndDb) {
  const auto address = parseRedisUrl("redis://cache.internal");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "cache.internal");
  EXPECT_EQ(address->port, 6379);
  EXPECT_EQ(address->db, 0);
}

TEST(RedisUrl, PasswordAndDb) {
  const auto address = parseRedisUrl("redis://:s3cr:t@ex@localhost:7000/5");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->password, "s3cr:t@ex");  // the last '@' ends the user info
  EXPECT_EQ(address->host, "localhost");
  EXPECT_EQ(address->port, 7000);
  EXPECT_EQ(address->db, 5);
}

TEST(RedisUrl, UnixSocket) {
  const auto address = parseRedisUrl("unix:///run/redis/redis.sock");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->unixPath, "/run/redis/redis.sock");
  EXPECT_EQ(address->host, "");
}

TEST(RedisUrl, RefusesMalformed) {
  for (const char* url : {"", "http://localhost:6379", "redis://", "redis://:6379", "redis://host:0",
                          "redis://host:65536", "redis://host:12ab", "redis://host:6379/", "redis://host/x",
                          "redis://host/-1", "redis://user@host", "redis://:@host", "unix://", "unix://relative",
                          "unix:///"}) {
    EXPECT_FALSE(parseRedisUrl(url)) << url;
  }
}

}  // namespace
}  // namespace chatd::store
