#include "auth/Jwt.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "proto/Base64Url.h"
#include "tests/support/JwtSigning.h"

namespace chatd::auth {
namespace {

using proto::base64UrlEncode;
using testing::ecKey;
using testing::pkToken;
using testing::Pkey;
using testing::rsaKey;
using testing::signingInput;
using testing::toPem;
using testing::withSignature;

constexpr int64_t kNow = 1'700'000'000;
constexpr char kSecret[] = "test-secret-that-is-long-enough-for-hs256";
constexpr const char* kHs256 = testing::kHs256Header;
constexpr const char* kRs256 = testing::kRs256Header;
constexpr const char* kEs256 = testing::kEs256Header;

std::string hsToken(std::string_view header, std::string_view payload, std::string_view secret = kSecret) {
  return testing::hsToken(header, payload, secret);
}

std::string payload(int64_t exp, std::string_view extra = "") {
  return R"({"sub":"u1","exp":)" + std::to_string(exp) + std::string(extra) + "}";
}

std::unique_ptr<JwtVerifier> makeVerifier(std::string secret, const std::string& pem) {
  std::string error;
  auto verifier = JwtVerifier::create(std::move(secret), pem, error);
  EXPECT_NE(verifier, nullptr) << error;
  return verifier;
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new Pkey(rsaKey(2048));
    otherRsa_ = new Pkey(rsaKey(2048));
    ec_ = new Pkey(ecKey("P-256"));
    otherEc_ = new Pkey(ecKey("P-256"));
  }
  static void TearDownTestSuite() {
    for (Pkey** key : {&rsa_, &otherRsa_, &ec_, &otherEc_}) {
      delete *key;
      *key = nullptr;
    }
  }
  void SetUp() override {
    ASSERT_TRUE(*rsa_ && *otherRsa_ && *ec_ && *otherEc_);
    hs_ = makeVerifier(kSecret, "");
    rs_ = makeVerifier("", toPem(rsa_->get(), false));
    es_ = makeVerifier("", toPem(ec_->get(), false));
    ASSERT_TRUE(hs_ && rs_ && es_);
  }

  static JwtError check(const JwtVerifier& verifier, std::string_view token, int64_t now = kNow) {
    JwtClaims claims;
    return verifier.verify(token, now, claims);
  }

  static Pkey* rsa_;
  static Pkey* otherRsa_;
  static Pkey* ec_;
  static Pkey* otherEc_;
  std::unique_ptr<JwtVerifier> hs_, rs_, es_;
};

Pkey* JwtTest::rsa_ = nullptr;
Pkey* JwtTest::otherRsa_ = nullptr;
Pkey* JwtTest::ec_ = nullptr;
Pkey* JwtTest::otherEc_ = nullptr;

TEST_F(JwtTest, Hs256RoundTrip) {
  JwtClaims claims;
  claims.subject = "user-42";
  claims.name = "Zo\xC3\xAB \"Z\"\\\n\x01";
  claims.expiresAt = kNow + 3600;
  claims.notBefore = kNow - 5;
  claims.issuedAt = kNow - 10;
  claims.tokenId = "jti-7";
  const std::string token = signJwtHs256(claims, kSecret);
  JwtClaims out;
  ASSERT_EQ(hs_->verify(token, kNow, out), JwtError::kNone);
  EXPECT_EQ(out.subject, claims.subject);
  EXPECT_EQ(out.name, claims.name);
  EXPECT_EQ(out.expiresAt, claims.expiresAt);
  EXPECT_EQ(out.notBefore, claims.notBefore);
  EXPECT_EQ(out.issuedAt, claims.issuedAt);
  EXPECT_EQ(out.tokenId, claims.tokenId);
  EXPECT_EQ(token.substr(0, token.find('.')), base64UrlEncode(kHs256));
}

TEST_F(JwtTest, Hs256RoundTripMinimal) {
  JwtClaims claims;
  claims.subject = "u";
  claims.expiresAt = kNow + 1;
  const std::string token = signJwtHs256(claims, kSecret);
  JwtClaims out;
  out.name = "stale";
  ASSERT_EQ(hs_->verify(token, kNow, out), JwtError::kNone);
  EXPECT_EQ(out.subject, "u");
  EXPECT_EQ(out.name, "");
  EXPECT_EQ(out.notBefore, std::nullopt);
  EXPECT_EQ(out.issuedAt, 0);
  EXPECT_EQ(out.tokenId, "");
  const size_t first = token.find('.');
  EXPECT_EQ(proto::base64UrlDecode(token.substr(first + 1, token.rfind('.') - first - 1)),
            R"({"sub":"u","exp":1700000001})");
}

// As an app's backend might mint it: other claims, other order, fractions.
TEST_F(JwtTest, Hs256FromAppBackend) {
  const std::string body = R"({"iss":"app","aud":["chatd"],"admin":true,"ctx":{"sub":"nested"},)"
                           R"("exp":1700000600.75,"iat":1699999999.5,"sub":"ext|9","name":"Ann"})";
  const std::string token = hsToken(R"({"typ":"JWT","kid":"k1","alg":"HS256"})", body);
  JwtClaims out;
  ASSERT_EQ(hs_->verify(token, kNow, out), JwtError::kNone);
  EXPECT_EQ(out.subject, "ext|9");
  EXPECT_EQ(out.name, "Ann");
  EXPECT_EQ(out.expiresAt, 1'700'000'600);
  EXPECT_EQ(out.issuedAt, 1'699'999'999);
  EXPECT_EQ(out.issuer, "app");
  EXPECT_EQ(out.audience, std::vector<std::string>{"chatd"});
  EXPECT_TRUE(out.signedWithSecret);
}

TEST_F(JwtTest, Rs256Verifies) {
  JwtClaims out;
  ASSERT_EQ(rs_->verify(pkToken(kRs256, payload(kNow + 60, R"(,"jti":"r1")"), rsa_->get()), kNow, out),
            JwtError::kNone);
  EXPECT_EQ(out.subject, "u1");
  EXPECT_EQ(out.tokenId, "r1");
}

TEST_F(JwtTest, Es256Verifies) {
  JwtClaims out;
  ASSERT_EQ(es_->verify(pkToken(kEs256, payload(kNow + 60), ec_->get()), kNow, out), JwtError::kNone);
  EXPECT_EQ(out.subject, "u1");
  EXPECT_EQ(out.expiresAt, kNow + 60);
}

TEST_F(JwtTest, SecretAndKeyTogetherAcceptBoth) {
  const auto both = makeVerifier(kSecret, toPem(rsa_->get(), false));
  ASSERT_TRUE(both);
  EXPECT_EQ(check(*both, hsToken(kHs256, payload(kNow + 60))), JwtError::kNone);
  EXPECT_EQ(check(*both, pkToken(kRs256, payload(kNow + 60), rsa_->get())), JwtError::kNone);
  EXPECT_EQ(check(*both, pkToken(kEs256, payload(kNow + 60), ec_->get())), JwtError::kUnsupportedAlgorithm);
}

TEST_F(JwtTest, ExpiryAllowsSkew) {
  const std::string token = hsToken(kHs256, payload(kNow));
  EXPECT_EQ(check(*hs_, token, kNow - 1), JwtError::kNone);
  EXPECT_EQ(check(*hs_, token, kNow + kJwtClockSkewSeconds - 1), JwtError::kNone);
  EXPECT_EQ(check(*hs_, token, kNow + kJwtClockSkewSeconds), JwtError::kExpired);
  EXPECT_EQ(check(*hs_, token, kNow + 3600), JwtError::kExpired);
  JwtClaims out;
  out.subject = "untouched";
  EXPECT_EQ(hs_->verify(token, kNow + 3600, out), JwtError::kExpired);
  EXPECT_EQ(out.subject, "untouched");
}

TEST_F(JwtTest, NotBeforeAllowsSkew) {
  const int64_t nbf = kNow + kJwtClockSkewSeconds;
  EXPECT_EQ(check(*hs_, hsToken(kHs256, payload(kNow + 600, ",\"nbf\":" + std::to_string(nbf)))), JwtError::kNone);
  EXPECT_EQ(check(*hs_, hsToken(kHs256, payload(kNow + 600, ",\"nbf\":" + std::to_string(nbf + 1)))),
            JwtError::kNotYetValid);
  EXPECT_EQ(check(*hs_, hsToken(kHs256, payload(kNow + 600, R"(,"nbf":1800000000)"))), JwtError::kNotYetValid);
}

TEST_F(JwtTest, WrongSecretOrKey) {
  EXPECT_EQ(check(*hs_, hsToken(kHs256, payload(kNow + 60), "another-secret-also-long-enough-for-hs256")),
            JwtError::kBadSignature);
  EXPECT_EQ(check(*rs_, pkToken(kRs256, payload(kNow + 60), otherRsa_->get())), JwtError::kBadSignature);
  EXPECT_EQ(check(*es_, pkToken(kEs256, payload(kNow + 60), otherEc_->get())), JwtError::kBadSignature);
  // A failed check must not leave errors for the next OpenSSL user.
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(JwtTest, AlgNoneRejected) {
  const auto both = makeVerifier(kSecret, toPem(rsa_->get(), false));
  ASSERT_TRUE(both);
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string header = std::string(R"({"alg":")") + alg + "\"}";
    const std::string input = signingInput(header, payload(kNow + 60));
    SCOPED_TRACE(alg);
    EXPECT_EQ(check(*both, input + "."), JwtError::kUnsupportedAlgorithm);
    EXPECT_EQ(check(*both, hsToken(header, payload(kNow + 60))), JwtError::kUnsupportedAlgorithm);
  }
}

TEST_F(JwtTest, AlgMustMatchExactly) {
  for (const char* alg : {"hs256", "HS256 ", "HS384", "HS512", "RS512", "PS256", "ES256K", ""}) {
    SCOPED_TRACE(alg);
    EXPECT_EQ(check(*hs_, hsToken(std::string(R"({"alg":")") + alg + "\"}", payload(kNow + 60))),
              JwtError::kUnsupportedAlgorithm);
  }
  EXPECT_EQ(check(*hs_, hsToken(R"({"typ":"JWT"})", payload(kNow + 60))), JwtError::kMalformed);
  EXPECT_EQ(check(*hs_, hsToken(R"({"alg":["HS256"]})", payload(kNow + 60))), JwtError::kMalformed);
}

// The classic attack: HMAC keyed with the public key text anyone can read.
TEST_F(JwtTest, AlgConfusionPublicKeyAsHmacSecret) {
  for (EVP_PKEY* key : {rsa_->get(), ec_->get()}) {
    const std::string pem = toPem(key, false);
    const auto verifier = makeVerifier("", pem);
    ASSERT_TRUE(verifier);
    EXPECT_EQ(check(*verifier, hsToken(kHs256, payload(kNow + 60), pem)), JwtError::kUnsupportedAlgorithm);
  }
  const std::string pem = toPem(rsa_->get(), false);
  const auto both = makeVerifier(kSecret, pem);
  ASSERT_TRUE(both);
  EXPECT_EQ(check(*both, hsToken(kHs256, payload(kNow + 60), pem)), JwtError::kBadSignature);
}

TEST_F(JwtTest, PublicKeyAlgorithmsNeedTheirKey) {
  EXPECT_EQ(check(*hs_, pkToken(kRs256, payload(kNow + 60), rsa_->get())), JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(check(*hs_, pkToken(kEs256, payload(kNow + 60), ec_->get())), JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(check(*rs_, pkToken(kEs256, payload(kNow + 60), ec_->get())), JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(check(*es_, pkToken(kRs256, payload(kNow + 60), rsa_->get())), JwtError::kUnsupportedAlgorithm);
}

TEST_F(JwtTest, CritHeaderRejected) {
  EXPECT_EQ(check(*hs_, hsToken(R"({"alg":"HS256","crit":["b64"],"b64":false})", payload(kNow + 60))),
            JwtError::kUnsupportedHeader);
  EXPECT_EQ(check(*hs_, hsToken(R"({"crit":[],"alg":"HS256"})", payload(kNow + 60))), JwtError::kUnsupportedHeader);
}

TEST_F(JwtTest, TamperedTokensRejected) {
  const std::vector<std::pair<const JwtVerifier*, std::string>> cases = {
      {hs_.get(), hsToken(kHs256, payload(kNow + 60))},
      {rs_.get(), pkToken(kRs256, payload(kNow + 60), rsa_->get())},
      {es_.get(), pkToken(kEs256, payload(kNow + 60), ec_->get())},
  };
  for (const auto& [verifier, token] : cases) {
    SCOPED_TRACE(token);
    ASSERT_EQ(check(*verifier, token), JwtError::kNone);
    const size_t first = token.find('.');
    const size_t second = token.find('.', first + 1);
    const std::string header = token.substr(0, first);
    const std::string signature = token.substr(second + 1);
    const std::string admin = base64UrlEncode(R"({"sub":"admin","exp":1700000060})");
    EXPECT_EQ(check(*verifier, header + "." + admin + "." + signature), JwtError::kBadSignature);
    const std::string json = *proto::base64UrlDecode(header);
    const std::string kid = base64UrlEncode(json.substr(0, json.size() - 1) + R"(,"kid":"x"})");
    EXPECT_EQ(check(*verifier, kid + token.substr(first)), JwtError::kBadSignature);
    std::string sig = *proto::base64UrlDecode(signature);
    const std::string input = token.substr(0, second);
    EXPECT_EQ(check(*verifier, withSignature(input, sig + '\0')), JwtError::kBadSignature);
    EXPECT_EQ(check(*verifier, withSignature(input, sig.substr(0, sig.size() - 1))), JwtError::kBadSignature);
    sig[sig.size() / 2] ^= 1;
    EXPECT_EQ(check(*verifier, withSignature(input, sig)), JwtError::kBadSignature);
  }
}

TEST_F(JwtTest, MalformedStructure) {
  const std::string good = hsToken(kHs256, payload(kNow + 60));
  ASSERT_EQ(check(*hs_, good), JwtError::kNone);
  const size_t first = good.find('.');
  const size_t second = good.find('.', first + 1);
  const std::string header = good.substr(0, first);
  const std::string body = good.substr(first + 1, second - first - 1);
  const std::string sig = good.substr(second + 1);
  const std::vector<std::string> tokens = {
      "", ".", "..", "...", header + "." + body, good + "." + sig, good + ".",
      header + "+." + body + "." + sig, header + "." + body + "*." + sig, good + "/",
      header + "=." + body + "." + sig, good + "=", header + "." + body + "==." + sig,
      " " + good, good + "\n", header + "." + body + ".a",
  };
  for (const std::string& token : tokens) {
    SCOPED_TRACE(token);
    EXPECT_EQ(check(*hs_, token), JwtError::kMalformed);
  }
}

TEST_F(JwtTest, MalformedJson) {
  const std::string claims = payload(kNow + 60);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {kHs256, "not json"}, {kHs256, "[1,2]"}, {kHs256, R"("sub")"}, {kHs256, R"({"sub":"u1","exp":1)"},
      {kHs256, ""}, {kHs256, "{\"sub\":\"\xC3\",\"exp\":1800000000}"}, {"HS256", claims}, {"[]", claims},
      {R"({"alg":"HS256")", claims}, {R"({"alg":"HS256","alg":"HS256"})", claims},
  };
  for (const auto& [header, body] : cases) {
    SCOPED_TRACE(header + " " + body);
    EXPECT_EQ(check(*hs_, hsToken(header, body)), JwtError::kMalformed);
  }
}

TEST_F(JwtTest, ClaimTypes) {
  for (const char* body : {
           R"({"sub":7,"exp":1800000000})", R"({"sub":null,"exp":1800000000})",
           R"({"sub":["u1"],"exp":1800000000})", R"({"sub":"u1","exp":"1800000000"})",
           R"({"sub":"u1","exp":true})", R"({"sub":"u1","exp":null})", R"({"sub":"u1","exp":1e300})",
           R"({"sub":"u1","exp":18446744073709551615})", R"({"sub":"u1","exp":1800000000,"name":5})",
           R"({"sub":"u1","exp":1800000000,"jti":{}})", R"({"sub":"u1","exp":1800000000,"nbf":"0"})",
           R"({"sub":"u1","exp":1800000000,"iat":false})", R"({"sub":"u1","sub":"admin","exp":1800000000})",
           R"({"sub":"u1","exp":1800000000,"exp":1})",
       }) {
    SCOPED_TRACE(body);
    EXPECT_EQ(check(*hs_, hsToken(kHs256, body)), JwtError::kMalformed);
  }
}

TEST_F(JwtTest, MissingClaims) {
  for (const char* body : {R"({"sub":"u1"})", R"({"exp":1800000000})", R"({"sub":"","exp":1800000000})", "{}"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(check(*hs_, hsToken(kHs256, body)), JwtError::kMissingClaim);
  }
}

TEST_F(JwtTest, SizeBoundedBeforeParsing) {
  EXPECT_EQ(check(*hs_, std::string(kMaxJwtBytes + 1, '.')), JwtError::kTooLarge);
  // Grow the name until the token is exactly at the bound.
  JwtClaims claims;
  claims.subject = "u1";
  claims.expiresAt = kNow + 60;
  std::string token;
  while ((token = signJwtHs256(claims, kSecret)).size() < kMaxJwtBytes) claims.name += 'n';
  ASSERT_EQ(token.size(), kMaxJwtBytes);
  EXPECT_EQ(check(*hs_, token), JwtError::kNone);
  claims.name += 'n';
  EXPECT_EQ(check(*hs_, signJwtHs256(claims, kSecret)), JwtError::kTooLarge);
}

TEST_F(JwtTest, Es256NeedsRawSignature) {
  EXPECT_EQ(check(*es_, pkToken(kEs256, payload(kNow + 60), ec_->get(), /*derEcdsa=*/true)),
            JwtError::kBadSignature);
  const std::string token = pkToken(kEs256, payload(kNow + 60), ec_->get());
  const size_t second = token.rfind('.');
  const std::string raw = *proto::base64UrlDecode(token.substr(second + 1));
  const std::string input = token.substr(0, second);
  EXPECT_EQ(check(*es_, withSignature(input, raw.substr(0, 63))), JwtError::kBadSignature);
  EXPECT_EQ(check(*es_, withSignature(input, raw + '\0')), JwtError::kBadSignature);
  EXPECT_EQ(check(*es_, withSignature(input, std::string(64, '\0'))), JwtError::kBadSignature);
}

TEST(JwtVerifierCreate, RefusesUnusableConfiguration) {
  const Pkey small = rsaKey(1024);
  const Pkey p384 = ecKey("P-384");
  const Pkey ed = Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  const Pkey p256 = ecKey("P-256");
  ASSERT_TRUE(small && p384 && ed && p256);
  const std::vector<std::pair<std::string, std::string>> configs = {
      {"", ""},
      {std::string(kMinJwtSecretBytes - 1, 's'), ""},
      {"", "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"},
      {"", toPem(p256.get(), true)},
      {"", toPem(small.get(), false)},
      {"", toPem(p384.get(), false)},
      {"", toPem(ed.get(), false)},
      {kSecret, "garbage"},
  };
  for (const auto& [secret, pem] : configs) {
    SCOPED_TRACE(secret + pem);
    std::string error;
    EXPECT_EQ(JwtVerifier::create(secret, pem, error), nullptr);
    EXPECT_FALSE(error.empty());
  }
  std::string error;
  EXPECT_NE(JwtVerifier::create(std::string(kMinJwtSecretBytes, 's'), "", error), nullptr) << error;
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(JwtErrorMessage, DistinctForEachError) {
  std::set<std::string> seen;
  for (JwtError error : {JwtError::kNone, JwtError::kMalformed, JwtError::kUnsupportedAlgorithm,
                         JwtError::kUnsupportedHeader, JwtError::kBadSignature, JwtError::kExpired,
                         JwtError::kNotYetValid, JwtError::kMissingClaim, JwtError::kTooLarge,
                         JwtError::kRevoked, JwtError::kWrongIssuer, JwtError::kWrongAudience,
                         JwtError::kReservedSubject, JwtError::kBadLocalSubject, JwtError::kInvalidName}) {
    const char* message = jwtErrorMessage(error);
    ASSERT_NE(message, nullptr);
    EXPECT_TRUE(seen.insert(message).second) << message;
  }
}

}  // namespace
}  // namespace chatd::auth
