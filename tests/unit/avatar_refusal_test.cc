#include "api/AvatarApi.h"

#include <gtest/gtest.h>

namespace chatd::api {
namespace {

store::FileRecord image(int64_t owner, std::string type, int64_t size) {
  return {"0123456789abcdef0123456789abcdef", owner, "me.png", std::move(type), size, std::string(64, 'a'), 0};
}

TEST(AvatarRefusal, TheOwnersPngJpegGifOrWebpImageUpTo5MiBMayBeAnAvatar) {
  for (const char* type : {"image/png", "image/jpeg", "image/gif", "image/webp"}) {
    EXPECT_EQ(avatarRefusal(image(7, type, 1000), 7), "") << type;
  }
  EXPECT_EQ(avatarRefusal(image(7, "image/png", kMaxAvatarBytes), 7), "");
}

TEST(AvatarRefusal, AnotherUsersFileIsRefused) {
  EXPECT_NE(avatarRefusal(image(8, "image/png", 1000), 7).find("not a file you uploaded"), std::string::npos);
}

TEST(AvatarRefusal, OtherTypesAreRefused) {
  for (const char* type : {"text/plain", "image/svg+xml", "video/mp4", "application/octet-stream", "image/bmp"}) {
    EXPECT_NE(avatarRefusal(image(7, type, 1000), 7).find("not a PNG"), std::string::npos) << type;
  }
}

TEST(AvatarRefusal, AnImageOver5MiBIsRefused) {
  EXPECT_NE(avatarRefusal(image(7, "image/png", kMaxAvatarBytes + 1), 7).find("5 MiB"), std::string::npos);
}

}  // namespace
}  // namespace chatd::api
