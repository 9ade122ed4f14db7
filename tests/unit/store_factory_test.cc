#include "store/StoreFactory.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace chatd::store
