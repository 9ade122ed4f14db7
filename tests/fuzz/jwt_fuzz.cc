// The JWT verifier on arbitrary input, in three modes picked by the first byte:
//   '0' the rest is a token, verified as presented: never a crash, and the
//       same answer twice (verify keeps no state);
//   '1' the rest is a payload, signed HS256 with the verifier's secret, so the
//       claims parser runs on fuzzed JSON behind a valid signature;
//   '2' NUL-separated sub, name, jti, iss signed by signJwtHs256: whatever
//       verifies reads back exactly as signed.
// The verifier holds an HS256 secret and an ES256 key (seeds carry a token
// signed with its private half), so both signature paths are reached.
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/Jwt.h"
#include "proto/Base64Url.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using chatd::chat::JwtClaims;
using chatd::chat::JwtError;
using chatd::chat::JwtVerifier;

constexpr std::string_view kSecret = "fuzz-secret-that-is-long-enough-for-hs256";
constexpr int64_t kNow = 1'700'000'000;
constexpr char kEcPublicKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnSeB2GKnAKSPC1FuBDspRAj0zCQe\n"
    "YcrtIkRSYOms+HyJEPodhMlwnvln8uqVJp7MwLasWc3QsRJjR2g1Q/tcfQ==\n"
    "-----END PUBLIC KEY-----\n";

const JwtVerifier& verifier() {
  static const std::unique_ptr<JwtVerifier> made = [] {
    std::string error;
    auto v = JwtVerifier::create(std::string(kSecret), kEcPublicKey, error);
    FUZZ_CHECK(v != nullptr);
    return v;
  }();
  return *made;
}

JwtError verifyTwice(std::string_view token, JwtClaims& out) {
  const JwtError first = verifier().verify(token, kNow, out);
  JwtClaims again;
  FUZZ_CHECK(verifier().verify(token, kNow, again) == first);
  if (first == JwtError::kNone) {
    FUZZ_CHECK(!out.subject.empty());
    FUZZ_CHECK(again.subject == out.subject && again.expiresAt == out.expiresAt);
  }
  return first;
}

std::string signedPayload(std::string_view payload) {
  std::string token = chatd::proto::base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      chatd::proto::base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &length);
  return token + "." + chatd::proto::base64UrlEncode(std::string_view(reinterpret_cast<char*>(mac), length));
}

void roundTrip(std::string_view fields) {
  std::vector<std::string> parts(4);
  for (size_t i = 0, start = 0; i < parts.size() && start <= fields.size(); ++i) {
    const size_t end = std::min(fields.find('\0', start), fields.size());
    parts[i] = std::string(fields.substr(start, end - start));
    start = end + 1;
  }
  JwtClaims claims;
  claims.subject = parts[0];
  claims.name = parts[1];
  claims.tokenId = parts[2];
  claims.issuer = parts[3];
  claims.expiresAt = kNow + 60;
  JwtClaims out;
  const JwtError error = verifyTwice(chatd::chat::signJwtHs256(claims, kSecret), out);
  // Only what signJwtHs256 cannot vouch for may fail: strings that are not UTF-8, an empty sub.
  if (error != JwtError::kNone) {
    FUZZ_CHECK(error == JwtError::kMalformed || error == JwtError::kMissingClaim || error == JwtError::kTooLarge);
    return;
  }
  FUZZ_CHECK(out.subject == claims.subject && out.name == claims.name && out.tokenId == claims.tokenId &&
             out.issuer == claims.issuer && out.expiresAt == claims.expiresAt && out.signedWithSecret);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  JwtClaims out;
  switch (data[0]) {
    case '0':
      verifyTwice(rest, out);
      break;
    case '1':
      if (verifyTwice(signedPayload(rest), out) == JwtError::kBadSignature) std::abort();  // it is signed
      break;
    case '2':
      roundTrip(rest);
      break;
    default:
      break;
  }
  return 0;
}
