// TokenService: which tokens are chatd's own and which an app backend's, the
// checks on the latter, and revocation keyed on what the signature cannot change.
#include "auth/TokenService.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <memory>
#include <string>

#include "proto/Base64Url.h"
#include "tests/support/JwtSigning.h"

namespace chatd::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kSecret = "token-service-test-secret-0123456789abcdef";

std::unique_ptr<TokenService> makeService(TokenService::ExternalRules rules = {}) {
  std::string error;
  auto service = TokenService::create(kSecret, "", 3600, std::move(rules), error);
  EXPECT_NE(service, nullptr) << error;
  return service;
}

std::string appToken(const std::string& claims) {
  return testing::hsToken(testing::kHs256Header, R"({"exp":1700003600,)" + claims + "}", kSecret);
}

JwtError check(const TokenService& service, const std::string& token, TokenService::Identity& identity) {
  return service.authenticate(token, kNow, identity);
}

TEST(TokenService, ItsOwnTokensNameLocalUsers) {
  auto service = makeService();
  store::User user{42, "ann", "", 0};
  TokenService::Identity identity;
  ASSERT_EQ(check(*service, service->issue(user, kNow).token, identity), JwtError::kNone);
  EXPECT_EQ(identity.userId, 42);
  EXPECT_EQ(identity.subject, "");
}

TEST(TokenService, AppSubjectsNeverNameLocalUsers) {
  auto service = makeService();
  TokenService::Identity identity;
  // Signed with the shared secret, but without chatd's iss: an app backend's.
  EXPECT_EQ(check(*service, appToken(R"("sub":"user:2")"), identity), JwtError::kReservedSubject);
  EXPECT_EQ(check(*service, appToken(R"("sub":"user:02")"), identity), JwtError::kReservedSubject);
  ASSERT_EQ(check(*service, appToken(R"("sub":"member:2","name":"Bo")"), identity), JwtError::kNone);
  EXPECT_EQ(identity.userId, std::nullopt);
  EXPECT_EQ(identity.subject, "member:2");
  // chatd's own form admits one spelling per user.
  for (const char* sub : {"user:02", "user:+2", "user:2x", "user:0", "user:", "alice"}) {
    SCOPED_TRACE(sub);
    EXPECT_EQ(check(*service, appToken(R"("iss":"chatd","sub":")" + std::string(sub) + "\""), identity),
              JwtError::kBadLocalSubject);
  }
}

TEST(TokenService, AppTokensMeetTheConfiguredIssuerAudienceAndNameRules) {
  auto service = makeService({"https://app.example", "chat"});
  TokenService::Identity identity;
  const std::string iss = R"("iss":"https://app.example",)";
  EXPECT_EQ(check(*service, appToken(iss + R"("aud":"chat","sub":"a1")"), identity), JwtError::kNone);
  EXPECT_EQ(check(*service, appToken(R"("aud":"chat","sub":"a1")"), identity), JwtError::kWrongIssuer);
  EXPECT_EQ(check(*service, appToken(iss + R"("aud":["x"],"sub":"a1")"), identity), JwtError::kWrongAudience);
  EXPECT_EQ(check(*service, appToken(iss + R"("aud":"chat","sub":"a1","name":"a#1")"), identity),
            JwtError::kInvalidName);
}

TEST(TokenService, TheRevocationKeyIgnoresTheSignature) {
  const std::string token = appToken(R"("sub":"a1")");
  const std::string input = token.substr(0, token.rfind('.'));
  EXPECT_EQ(TokenService::revocationKey(token), TokenService::revocationKey(input + ".c2lnbmF0dXJl"));
  EXPECT_NE(TokenService::revocationKey(token), TokenService::revocationKey(appToken(R"("sub":"a2")")));
}

TEST(TokenService, LogoutsStoredUnderTheOldWholeTokenKeyStillHold) {
  auto service = makeService();
  const std::string token = service->issue(store::User{7, "cy", "", 0}, kNow).token;
  // Before this version a revocation key was 16 bytes of SHA-256(token), in hex.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  std::string oldKey;
  for (int i = 0; i < 16; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    oldKey += kHex[digest[i] >> 4];
    oldKey += kHex[digest[i] & 15];
  }
  TokenService::Identity identity;
  ASSERT_EQ(check(*service, token, identity), JwtError::kNone);
  service->revoke(oldKey, kNow + 3600, kNow);
  EXPECT_EQ(check(*service, token, identity), JwtError::kRevoked);
  // New logouts use the new key.
  const std::string other = service->issue(store::User{8, "di", "", 0}, kNow).token;
  ASSERT_EQ(check(*service, other, identity), JwtError::kNone);
  service->revoke(identity.revocationKey, kNow + 3600, kNow);
  EXPECT_EQ(check(*service, other, identity), JwtError::kRevoked);
}

// A reload: new keys and rules take over, the revocation list stays, and
// keys that cannot be used change nothing.
TEST(TokenService, RekeyReplacesKeysAndRulesButKeepsTheLogouts) {
  auto service = makeService();
  const std::string oldToken = appToken(R"("sub":"a1")");
  const std::string loggedOut = appToken(R"("sub":"a2")");
  TokenService::Identity identity;
  ASSERT_EQ(check(*service, loggedOut, identity), JwtError::kNone);
  service->revoke(identity.revocationKey, kNow + 3600, kNow);

  const std::string newSecret = "token-service-test-second-secret-0123456789";
  std::string error;
  ASSERT_TRUE(service->rekey(newSecret, "", 60, {"backend", ""}, error)) << error;
  EXPECT_EQ(check(*service, oldToken, identity), JwtError::kBadSignature);
  const std::string fresh = testing::hsToken(testing::kHs256Header,
                                             R"({"exp":1700003600,"sub":"a1","iss":"backend"})", newSecret);
  EXPECT_EQ(check(*service, fresh, identity), JwtError::kNone);
  const std::string noIssuer =
      testing::hsToken(testing::kHs256Header, R"({"exp":1700003600,"sub":"a1"})", newSecret);
  EXPECT_NE(check(*service, noIssuer, identity), JwtError::kNone);  // the new rule holds
  EXPECT_EQ(service->issue(store::User{1, "ann", "", 0}, kNow).expiresAt, kNow + 60);  // the new lifetime

  // nullopt keeps the secret; a key that is no PEM changes nothing.
  ASSERT_TRUE(service->rekey(std::nullopt, "", 60, {}, error)) << error;
  EXPECT_EQ(check(*service, noIssuer, identity), JwtError::kNone);
  EXPECT_FALSE(service->rekey(kSecret, "not a key", 3600, {}, error));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(check(*service, noIssuer, identity), JwtError::kNone);

  // The logout made before the rekeys still holds under the first secret.
  ASSERT_TRUE(service->rekey(kSecret, "", 3600, {}, error)) << error;
  EXPECT_EQ(check(*service, loggedOut, identity), JwtError::kRevoked);
}

}  // namespace
}  // namespace chatd::auth
