// JwtVerifier on what tells one token from another: ES256 accepted only with
// the low s (so no token has a second valid encoding), and the iss and aud
// claims read for TokenService to check.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/Jwt.h"
#include "proto/Base64Url.h"
#include "tests/support/JwtSigning.h"

namespace chatd::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr char kSecret[] = "test-secret-that-is-long-enough-for-hs256";

std::string payload(std::string_view extra = "") {
  return R"({"sub":"u1","exp":)" + std::to_string(kNow + 60) + std::string(extra) + "}";
}

std::unique_ptr<JwtVerifier> makeVerifier(const std::string& pem) {
  std::string error;
  auto verifier = JwtVerifier::create(kSecret, pem, error);
  EXPECT_NE(verifier, nullptr) << error;
  return verifier;
}

JwtError check(const JwtVerifier& verifier, const std::string& token, JwtClaims& out) {
  return verifier.verify(token, kNow, out);
}

// (r, s) and (r, n - s) both verify as ECDSA; only the low s is the token's
// signature.
TEST(JwtClaims, Es256AcceptsOnlyTheLowS) {
  const testing::Pkey key = testing::ecKey("P-256");
  const auto verifier = makeVerifier(testing::toPem(key.get(), false));
  JwtClaims out;
  for (int i = 0; i < 8; ++i) {  // OpenSSL signs with either s: the helper picks the low one
    const std::string token =
        testing::pkToken(testing::kEs256Header, payload(R"(,"jti":")" + std::to_string(i) + "\""), key.get());
    const size_t dot = token.rfind('.');
    const std::string raw = *proto::base64UrlDecode(token.substr(dot + 1));
    EXPECT_EQ(check(*verifier, token, out), JwtError::kNone);
    EXPECT_FALSE(out.signedWithSecret);
    EXPECT_EQ(check(*verifier, testing::withSignature(token.substr(0, dot), testing::withOtherS(raw)), out),
              JwtError::kBadSignature);
  }
}

TEST(JwtClaims, IssuerIsAStringAndAudienceAStringOrAnArrayOfThem) {
  const auto verifier = makeVerifier("");
  auto token = [](std::string_view extra) { return testing::hsToken(testing::kHs256Header, payload(extra), kSecret); };
  JwtClaims out;
  ASSERT_EQ(check(*verifier, token(R"(,"iss":"app","aud":"one")"), out), JwtError::kNone);
  EXPECT_EQ(out.issuer, "app");
  EXPECT_EQ(out.audience, std::vector<std::string>{"one"});
  EXPECT_TRUE(out.signedWithSecret);
  ASSERT_EQ(check(*verifier, token(R"(,"aud":["a","b"])"), out), JwtError::kNone);
  EXPECT_EQ(out.audience, (std::vector<std::string>{"a", "b"}));
  for (const char* bad : {R"(,"aud":5)", R"(,"aud":["a",5])", R"(,"aud":{})", R"(,"aud":"a","aud":"b")",
                          R"(,"iss":7)", R"(,"iss":"a","iss":"b")"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(check(*verifier, token(bad), out), JwtError::kMalformed);
  }
}

}  // namespace
}  // namespace chatd::auth
