#include "store/StoreFactory.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::store {
namespace {

TEST(StoreFactory, RefusesAnUnknownBackendAndSaysWhich) {
  reactor::EventLoop loop;
  std::string error;
  EXPECT_EQ(openStore(loop, {"mongodb", "/tmp", nullptr}, error), nullptr);
  EXPECT_NE(error.find("mongodb"), std::string::npos) << error;
}

TEST(StoreFactory, ReportsADataDirectoryItCannotOpen) {
  reactor::EventLoop loop;
  std::string error;
  EXPECT_EQ(openStore(loop, {"sqlite", "/nonexistent/chatd-test", nullptr}, error), nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace chatd::store
