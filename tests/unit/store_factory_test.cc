#include "store/StoreFactory.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/redis_server.h"
#include "tests/unit/reactor_test_util.h"

namespace chatd::store {
namespace {

TEST(StoreFactory, RefusesAnUnknownBackendAndSaysWhich) {
  reactor::EventLoop loop;
  std::string error;
  StoreOptions options;
  options.backend = "mongodb";
  EXPECT_EQ(openStore(loop, options, error), nullptr);
  EXPECT_NE(error.find("mongodb"), std::string::npos) << error;
}

TEST(StoreFactory, ReportsADataDirectoryItCannotOpen) {
  reactor::EventLoop loop;
  std::string error;
  StoreOptions options;
  options.dataDir = "/nonexistent/chatd-test";
  EXPECT_EQ(openStore(loop, options, error), nullptr);
  EXPECT_FALSE(error.empty());
}

TEST(StoreFactory, RefusesARedisUrlItCannotRead) {
  reactor::EventLoop loop;
  std::string error;
  StoreOptions options;
  options.backend = "redis";
  options.redisUrls = {"http://example.com"};
  EXPECT_EQ(openStore(loop, options, error), nullptr);
  EXPECT_NE(error.find("http://example.com"), std::string::npos) << error;
}

TEST(StoreFactory, RefusesARedisHostItCannotResolveAndSaysWhich) {
  reactor::EventLoop loop;
  std::string error;
  StoreOptions options;
  options.backend = "redis";
  options.redisUrls = {"redis://no-such-host.invalid:6379"};
  EXPECT_EQ(openStore(loop, options, error), nullptr);
  EXPECT_NE(error.find("cannot resolve the Redis host \"no-such-host.invalid\""), std::string::npos) << error;
}

// Resolved once at start (the loop never waits on DNS at a reconnect); the
// store then works as with a numeric address.
TEST(StoreFactory, ARedisHostNameIsResolvedAtOpen) {
  if (!test::haveRedisServer()) GTEST_SKIP() << "redis-server is not installed";
  test::RedisServer server;
  ASSERT_TRUE(server.ready());
  reactor::EventLoop loop;
  std::string error;
  StoreOptions options;
  options.backend = "redis";
  options.redisUrls = {"redis://localhost:" + std::to_string(server.port())};
  auto store = openStore(loop, options, error);
  ASSERT_NE(store, nullptr) << error;
  StoreStatus status = StoreStatus::kFailed;
  store->findUser(1, [&](StoreStatus found, User) {
    status = found;
    loop.stop();
  });
  reactor::test::runWithin(loop, 5000);
  EXPECT_EQ(status, StoreStatus::kNotFound) << "answered by the server: no user 1 yet";
}

}  // namespace
}  // namespace chatd::store
