#include "proto/ContentDisposition.h"

#include <gtest/gtest.h>

namespace chatd::proto {
namespace {

TEST(ContentDispositionTest, NamesTheFileSafelyBothWays) {
  EXPECT_EQ(contentDisposition(true, "cat.png"), "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png");
  EXPECT_EQ(contentDisposition(false, "a \"b\"\\c.txt"),
            "attachment; filename=\"a _b__c.txt\"; filename*=UTF-8''a%20%22b%22%5Cc.txt");
  EXPECT_EQ(contentDisposition(false, "na\xc3\xafve;\r\n.pdf"),
            "attachment; filename=\"na__ve;__.pdf\"; filename*=UTF-8''na%C3%AFve%3B%0D%0A.pdf");
}

}  // namespace
}  // namespace chatd::proto
