// An app backend's RS256 and ES256 tokens against a real chatd started with
// --jwt-public-key: accepted through GET /api/v1/me (the token's user made on
// first sight, the same one after), and refused with 401 for the reason the
// token is bad; its subjects and names never pass for chatd's own users.
// HS256 from an app backend is in accounts_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/Jwt.h"
#include "proto/Base64Url.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/JwtSigning.h"

namespace chatd::testing {

namespace {

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Keys {
  Pkey rsa = rsaKey(2048);
  Pkey otherRsa = rsaKey(2048);
  Pkey ec = ecKey("P-256");
};

// Generated once: RSA key generation is the slow part of this suite.
const Keys& keys() {
  static const Keys generated;
  return generated;
}

std::string claims(const std::string& sub, const std::string& name, int64_t exp, const std::string& extra = "") {
  return R"({"sub":")" + sub + R"(","name":")" + name + R"(","exp":)" + std::to_string(exp) + extra + "}";
}

// What an app backend holding `key` sends: RS256 for RSA, ES256 for EC.
std::string signedBy(EVP_PKEY* key, std::string_view payload) {
  const bool ec = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;
  return pkToken(ec ? kEs256Header : kRs256Header, payload, key);
}

// A PEM text in a temporary file, removed by the destructor.
class PemFile {
 public:
  explicit PemFile(const std::string& pem) {
    char path[] = "/tmp/chatd-key-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    path_ = path;
    const bool written = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ::close(fd);
    if (!written) throw std::runtime_error("cannot write " + path_);
  }
  ~PemFile() { std::remove(path_.c_str()); }
  PemFile(const PemFile&) = delete;
  PemFile& operator=(const PemFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// chatd configured with only the public half of `key` (its HS256 secret is
// then generated into its data directory).
class ChatdWithKey {
 public:
  explicit ChatdWithKey(EVP_PKEY* key)
      : pem_(toPem(key, false)), file_(pem_), chatd_({"--argon2-memory", "1024", "--jwt-public-key", file_.path()}) {}
  int port() const { return chatd_.port(); }
  const std::string& pem() const { return pem_; }

 private:
  std::string pem_;
  PemFile file_;
  ChatdProcess chatd_;
};

HttpReply me(int port, const std::string& token) { return httpCallAs(token, port, "GET", "/api/v1/me"); }

void expectRejected(int port, const std::string& token, auth::JwtError reason) {
  const HttpReply reply = me(port, token);
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(jsonField(reply.body, "message"), auth::jwtErrorMessage(reason)) << reply.body;
}

// The first token for a subject makes its user, named by `name`; another
// token for that subject finds the same user; another subject is another user.
void expectUserPerSubject(EVP_PKEY* key) {
  const ChatdWithKey chatd(key);
  const int64_t exp = nowSeconds() + 3600;
  const HttpReply first = me(chatd.port(), signedBy(key, claims("backend|42", "Rita", exp)));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(jsonField(first.body, "username"), "Rita#" + jsonField(first.body, "id"));
  ASSERT_FALSE(jsonField(first.body, "id").empty()) << first.body;
  const HttpReply again = me(chatd.port(), signedBy(key, claims("backend|42", "Rita", exp + 60, R"(,"jti":"2")")));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(jsonField(again.body, "id"), jsonField(first.body, "id"));
  const HttpReply other = me(chatd.port(), signedBy(key, claims("backend|43", "Sam", exp)));
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(jsonField(other.body, "username"), "Sam#" + jsonField(other.body, "id"));
  EXPECT_NE(jsonField(other.body, "id"), jsonField(first.body, "id"));
}

TEST(ExternalTokens, Rs256WithAnRsaKeyNamesItsUser) { expectUserPerSubject(keys().rsa.get()); }

TEST(ExternalTokens, Es256WithAnEcP256KeyNamesItsUser) { expectUserPerSubject(keys().ec.get()); }

TEST(ExternalTokens, ChatdStillVerifiesItsOwnHs256TokensWithOnlyAPublicKey) {
  const ChatdWithKey chatd(keys().rsa.get());
  const HttpReply registered =
      httpCall(chatd.port(), "POST", "/api/v1/register", R"({"username":"kim","password":"correct-horse"})");
  ASSERT_EQ(registered.status, 201) << registered.body;
  const std::string token = jsonField(registered.body, "token");
  const auto header = proto::base64UrlDecode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header.has_value()) << token;
  EXPECT_NE(header->find(R"("alg":"HS256")"), std::string::npos) << *header;
  const HttpReply reply = me(chatd.port(), token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(jsonField(reply.body, "username"), "kim");
  EXPECT_EQ(jsonField(reply.body, "id"), jsonField(registered.body, "id"));
}

TEST(ExternalTokens, BadTokensAre401ForTheirReason) {
  const ChatdWithKey chatd(keys().rsa.get());
  EVP_PKEY* key = keys().rsa.get();
  const int64_t now = nowSeconds();
  const std::string good = claims("backend|7", "Vic", now + 3600);
  const std::string token = signedBy(key, good);
  // The untouched token passes, so each refusal below is for its own flaw.
  ASSERT_EQ(me(chatd.port(), token).status, 200);

  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  std::string tamperedPayload = token;
  char& c = tamperedPayload[(first + second) / 2];  // mid-payload: still canonical base64url
  c = c == 'A' ? 'B' : 'A';
  const std::string tamperedHeader =
      proto::base64UrlEncode(R"({"alg":"RS256","typ":"JWS"})") + token.substr(first);

  struct Case {
    const char* what;
    std::string token;
    auth::JwtError reason;
  };
  const std::vector<Case> cases = {
      {"expired beyond the skew", signedBy(key, claims("backend|7", "Vic", now - auth::kJwtClockSkewSeconds - 60)),
       auth::JwtError::kExpired},
      {"not yet valid beyond the skew",
       signedBy(key, claims("backend|7", "Vic", now + 3600,
                            R"(,"nbf":)" + std::to_string(now + auth::kJwtClockSkewSeconds + 60))),
       auth::JwtError::kNotYetValid},
      {"signed by another RSA key", signedBy(keys().otherRsa.get(), good), auth::JwtError::kBadSignature},
      {"alg none", signingInput(R"({"alg":"none","typ":"JWT"})", good) + ".", auth::JwtError::kUnsupportedAlgorithm},
      {"payload changed after signing", tamperedPayload, auth::JwtError::kBadSignature},
      {"header changed after signing", tamperedHeader, auth::JwtError::kBadSignature},
      // HS256 is allowed here (chatd's own generated secret), so the forgery
      // fails on its signature: the public key is never an HMAC key.
      {"HS256 keyed with chatd's public key PEM", hsToken(kHs256Header, good, chatd.pem()),
       auth::JwtError::kBadSignature},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.what);
    ASSERT_NE(bad.token, token);
    expectRejected(chatd.port(), bad.token, bad.reason);
  }
}

TEST(ExternalTokens, TheKeyTypeFixesTheAlgorithm) {
  const ChatdWithKey chatd(keys().ec.get());
  const std::string payload = claims("backend|8", "Wes", nowSeconds() + 3600);
  ASSERT_EQ(me(chatd.port(), signedBy(keys().ec.get(), payload)).status, 200);
  expectRejected(chatd.port(), signedBy(keys().rsa.get(), payload), auth::JwtError::kUnsupportedAlgorithm);
}

TEST(ExternalTokens, AnEs256SignatureWithTheOtherSIsRefused) {
  const ChatdWithKey chatd(keys().ec.get());
  const std::string token = signedBy(keys().ec.get(), claims("backend|9", "Xan", nowSeconds() + 3600));
  ASSERT_EQ(me(chatd.port(), token).status, 200);
  // (r, n - s) verifies as ECDSA too: accepted, it would be a second token
  // that a logout of the first one does not name.
  const size_t dot = token.rfind('.');
  const auto raw = proto::base64UrlDecode(token.substr(dot + 1));
  ASSERT_TRUE(raw.has_value());
  const std::string malleated = token.substr(0, dot + 1) + proto::base64UrlEncode(withOtherS(*raw));
  expectRejected(chatd.port(), malleated, auth::JwtError::kBadSignature);
}

TEST(ExternalTokens, AnAppBackendsSubjectIsNeverALocalUser) {
  const ChatdWithKey chatd(keys().ec.get());
  const HttpReply registered =
      httpCall(chatd.port(), "POST", "/api/v1/register", R"({"username":"lou","password":"correct-horse"})");
  ASSERT_EQ(registered.status, 201) << registered.body;
  const std::string localId = jsonField(registered.body, "id");
  const int64_t exp = nowSeconds() + 3600;
  for (const std::string& sub : {"user:" + localId, "user:0" + localId}) {
    SCOPED_TRACE(sub);
    expectRejected(chatd.port(), signedBy(keys().ec.get(), claims(sub, "lou", exp)), auth::JwtError::kReservedSubject);
    // Not even with chatd's own issuer: only its HS256 tokens are its own.
    expectRejected(chatd.port(), signedBy(keys().ec.get(), claims(sub, "lou", exp, R"(,"iss":"chatd")")),
                   auth::JwtError::kReservedSubject);
  }
}

TEST(ExternalTokens, NamesAreCheckedAndShownApartFromRegisteredOnes) {
  const ChatdWithKey chatd(keys().ec.get());
  ASSERT_EQ(httpCall(chatd.port(), "POST", "/api/v1/register", R"({"username":"alice","password":"correct-horse"})")
                .status,
            201);
  const int64_t exp = nowSeconds() + 3600;
  const HttpReply first = me(chatd.port(), signedBy(keys().ec.get(), claims("backend|1", "alice", exp)));
  const HttpReply second = me(chatd.port(), signedBy(keys().ec.get(), claims("backend|2", "alice", exp)));
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(jsonField(first.body, "username"), "alice#" + jsonField(first.body, "id"));
  EXPECT_EQ(jsonField(second.body, "username"), "alice#" + jsonField(second.body, "id"));
  EXPECT_NE(jsonField(first.body, "username"), jsonField(second.body, "username"));
  EXPECT_NE(first.body.find(R"("nickname":null)"), std::string::npos) << first.body;  // clients show the username
  for (const std::string& name : {std::string("alice#2"), std::string("tab\\there"), std::string(65, 'x')}) {
    SCOPED_TRACE(name);
    expectRejected(chatd.port(), signedBy(keys().ec.get(), claims("backend|3", name, exp)), auth::JwtError::kInvalidName);
  }
}

TEST(ExternalTokens, IssuerAndAudienceAreCheckedWhenConfigured) {
  const std::string pem = toPem(keys().ec.get(), false);
  const PemFile file(pem);
  ChatdProcess chatd({"--argon2-memory", "1024", "--jwt-public-key", file.path(), "--jwt-issuer",
                      "https://app.example", "--jwt-audience", "chat"});
  EVP_PKEY* key = keys().ec.get();
  const int64_t exp = nowSeconds() + 3600;
  const std::string iss = R"(,"iss":"https://app.example")";
  EXPECT_EQ(me(chatd.port(), signedBy(key, claims("backend|5", "Yael", exp, iss + R"(,"aud":"chat")"))).status, 200);
  EXPECT_EQ(me(chatd.port(), signedBy(key, claims("backend|5", "Yael", exp, iss + R"(,"aud":["web","chat"])"))).status,
            200);
  expectRejected(chatd.port(), signedBy(key, claims("backend|5", "Yael", exp, R"(,"aud":"chat")")),
                 auth::JwtError::kWrongIssuer);
  expectRejected(chatd.port(), signedBy(key, claims("backend|5", "Yael", exp, R"(,"iss":"https://evil.example","aud":"chat")")),
                 auth::JwtError::kWrongIssuer);
  expectRejected(chatd.port(), signedBy(key, claims("backend|5", "Yael", exp, iss + R"(,"aud":"web")")),
                 auth::JwtError::kWrongAudience);
  expectRejected(chatd.port(), signedBy(key, claims("backend|5", "Yael", exp, iss)), auth::JwtError::kWrongAudience);
}

}  // namespace
}  // namespace chatd::testing
