#include "proto/Base64Url.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::proto {
namespace {

// RFC 4648 §10's vectors, unpadded.
TEST(Base64Url, KnownVectors) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
      {"\xfb\xff\xbf", "-_-_"},  // the two characters where base64url differs
  };
  for (const auto& [bytes, text] : cases) {
    EXPECT_EQ(base64UrlEncode(bytes), text);
    EXPECT_EQ(base64UrlDecode(text), bytes);
  }
}

TEST(Base64Url, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    const std::string text = base64UrlEncode(bytes);
    ASSERT_EQ(text.size(), (bytes.size() * 4 + 2) / 3);
    ASSERT_EQ(base64UrlDecode(text), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Base64Url, RejectsPaddingAndForeignCharacters) {
  for (const char* text : {"Zg==", "Zm8=", "Zm9v=", "Zm+v", "Zm/v", "Zm9 v", "Zm9v\n", "Z", "A", "Zm9vY", "Zm9vA"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(base64UrlDecode(text), std::nullopt);
  }
  EXPECT_EQ(base64UrlDecode(std::string_view("Zm\0v", 4)), std::nullopt);
}

// "Zh" and "Zm8" + 1 carry nonzero unused bits: a second spelling of "f" / "fo".
TEST(Base64Url, RejectsNonCanonicalTails) {
  for (const char* text : {"Zh", "Zg_", "Zm9", "Zm-"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(base64UrlDecode(text), std::nullopt);
  }
  EXPECT_EQ(base64UrlDecode("Zm8"), "fo");
}

}  // namespace
}  // namespace chatd::proto
