#include "auth/ApiKeys.h"

#include <gtest/gtest.h>

namespace chatd::auth {
namespace {

TEST(ApiKeysTest, AcceptsEachKeyOfTheFileAndNothingElse) {
  std::string error;
  const auto keys = ApiKeys::parse("# comment\n\n  first-key-0123456789  \r\nsecond-key-0123456789\n# last", error);
  ASSERT_TRUE(keys) << error;
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_TRUE(keys->accepts("first-key-0123456789"));
  EXPECT_TRUE(keys->accepts("second-key-0123456789"));
  EXPECT_FALSE(keys->accepts("first-key-012345678"));
  EXPECT_FALSE(keys->accepts("first-key-0123456789 "));
  EXPECT_FALSE(keys->accepts(""));
  EXPECT_FALSE(keys->accepts("# comment"));
}

TEST(ApiKeysTest, RefusesAFileWithoutKeysOrWithAShortOne) {
  std::string error;
  EXPECT_FALSE(ApiKeys::parse("# only a comment\n\n", error));
  EXPECT_NE(error.find("no API key"), std::string::npos) << error;
  EXPECT_FALSE(ApiKeys::parse("good-key-0123456789\nshort\n", error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

TEST(ApiKeysTest, LoadNamesAMissingFile) {
  std::string error, warning;
  EXPECT_FALSE(ApiKeys::load("/nonexistent/keys", error, warning));
  EXPECT_NE(error.find("/nonexistent/keys"), std::string::npos) << error;
}

}  // namespace
}  // namespace chatd::auth
