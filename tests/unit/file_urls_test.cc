#include "auth/FileUrls.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::auth {
namespace {

constexpr std::string_view kId = "0123456789abcdef0123456789abcdef";

// The exp and sig parameters of a signed URL.
std::pair<std::string, std::string> partsOf(const std::string& url) {
  const size_t exp = url.find("?exp=") + 5;
  const size_t sig = url.find("&sig=");
  return {url.substr(exp, sig - exp), url.substr(sig + 5)};
}

TEST(FileUrlsTest, ASignedUrlOpensItsFileUntilItExpires) {
  const std::string key = fileUrlKey("server secret");
  const std::string url = signedFileUrl(key, kId, 1000);
  EXPECT_EQ(url.rfind("/files/" + std::string(kId) + "?exp=1000&sig=", 0), 0u) << url;
  const auto [exp, sig] = partsOf(url);
  EXPECT_TRUE(fileSignatureValid(key, kId, exp, sig, 999));
  EXPECT_TRUE(fileSignatureValid(key, kId, exp, sig, 1000));
  EXPECT_FALSE(fileSignatureValid(key, kId, exp, sig, 1001));
}

TEST(FileUrlsTest, ASignatureFitsOneFileOneExpiryAndOneKey) {
  const std::string key = fileUrlKey("server secret");
  const auto [exp, sig] = partsOf(signedFileUrl(key, kId, 1000));
  EXPECT_FALSE(fileSignatureValid(key, "ffff", exp, sig, 0));
  EXPECT_FALSE(fileSignatureValid(key, kId, "2000", sig, 0));
  EXPECT_FALSE(fileSignatureValid(fileUrlKey("another secret"), kId, exp, sig, 0));
  EXPECT_FALSE(fileSignatureValid(key, kId, exp, sig.substr(1), 0));
  EXPECT_FALSE(fileSignatureValid(key, kId, "1000x", sig, 0));
  EXPECT_NE(fileUrlKey("server secret"), "server secret");
}

}  // namespace
}  // namespace chatd::auth
