// JSON Web Tokens (RFC 7519, compact JWS) for chatd's auth: signs the HS256
// tokens chatd issues and verifies tokens from chatd or an app's backend.
// Pure code: no I/O, no clock (the caller passes "now").
//
// What is accepted, and why:
//   - HS256 keyed with chatd's secret; RS256 or ES256 (P-256) with the one
//     PEM public key configured, whose type decides which of the two. The
//     algorithm comes from the token's header but must exactly match one the
//     configuration allows, so a public key is never used as an HMAC secret
//     (alg confusion) and "none" is never accepted.
//   - A header naming `crit` extensions is refused: chatd understands none.
//   - base64url must be canonical and unpadded; tokens over kMaxJwtBytes are
//     refused before any decoding.
//   - ES256 signatures must be low-s (s <= n/2): ECDSA's other valid form
//     (r, n - s) would give one token a second encoding.
//   - Claims: `sub` (non-empty string) and `exp` (number) are required;
//     `name`, `jti`, `iss` (strings), `aud` (a string or an array of them),
//     `nbf`, `iat` (numbers) are optional; others are ignored. What iss and
//     aud must be is the caller's business (TokenService). A claim given twice is malformed, as different parsers would
//     disagree on which one counts. Fractional times are floored.
//   - exp and nbf are checked with kJwtClockSkewSeconds of slack.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::auth {

inline constexpr size_t kMaxJwtBytes = 8 * 1024;
inline constexpr int64_t kJwtClockSkewSeconds = 30;
// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
inline constexpr size_t kMinJwtSecretBytes = 32;

struct JwtClaims {
  std::string subject;                // sub: the user id or external subject
  std::string name;                   // empty when absent
  int64_t expiresAt = 0;              // exp, Unix seconds
  std::optional<int64_t> notBefore;   // nbf
  int64_t issuedAt = 0;               // iat, 0 when absent
  std::string tokenId;                // jti, empty when absent
  std::string issuer;                 // iss, empty when absent
  std::vector<std::string> audience;  // aud, empty when absent
  bool signedWithSecret = false;      // verified as HS256 with the shared secret (not signed)
};

enum class JwtError {
  kNone,
  kMalformed,              // not three canonical base64url parts of JSON objects, no string alg,
                           // a claim of the wrong type or given twice
  kUnsupportedAlgorithm,   // alg is "none" or not allowed by the configured keys
  kUnsupportedHeader,      // a `crit` header
  kBadSignature,
  kExpired,
  kNotYetValid,
  kMissingClaim,           // sub or exp absent (or sub empty)
  kTooLarge,
  kRevoked,                // logged out (TokenService's revocation list)
  // TokenService's checks of who the token names:
  kWrongIssuer,            // an app backend's token whose iss is not --jwt-issuer
  kWrongAudience,          // an app backend's token whose aud lacks --jwt-audience
  kReservedSubject,        // an app backend's sub in chatd's own "user:" namespace
  kBadLocalSubject,        // chatd's own token whose sub is not a canonical user:ID
  kInvalidName,            // an app backend's name claim unfit for display
};

// A short English reason, for logs and error responses. Never null.
const char* jwtErrorMessage(JwtError error);

// Configured once at start; verify() is const and keeps no state between
// calls, so one verifier may serve any number of connections. Owns its copy
// of the secret (wiped on destruction) and the parsed public key.
class JwtVerifier {
 public:
  // Either the secret or the PEM (a SubjectPublicKeyInfo "PUBLIC KEY" block,
  // RSA of at least 2048 bits or EC P-256) may be empty, not both. Returns
  // nullptr and sets `error` when the configuration is unusable.
  static std::unique_ptr<JwtVerifier> create(std::string hmacSecret, const std::string& publicKeyPem,
                                             std::string& error);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Checks size, encoding, header, signature, then claims and times, in that
  // order, so the payload's JSON is parsed only once the signature holds.
  // `out` is written only when the result is kNone.
  JwtError verify(std::string_view token, int64_t nowSeconds, JwtClaims& out) const;

 private:
  enum class KeyAlgorithm { kNone, kRs256, kEs256 };

  JwtVerifier(std::string hmacSecret, EVP_PKEY* publicKey, KeyAlgorithm keyAlgorithm);
  JwtError checkAlgorithm(std::string_view alg) const;
  bool checkHmac(std::string_view signingInput, std::string_view signature) const;
  bool checkPublicKey(std::string_view signingInput, std::string_view signature) const;

  std::string hmacSecret_;  // empty: HS256 is refused
  EVP_PKEY* publicKey_;     // owned; null: RS256 and ES256 are refused
  KeyAlgorithm keyAlgorithm_;
};

// A compact HS256 token, header {"alg":"HS256","typ":"JWT"}. Writes name,
// iss, jti only when non-empty, iat only when non-zero, nbf only when set
// (never aud). Strings must
// be UTF-8, or the verifier will refuse the token.
std::string signJwtHs256(const JwtClaims& claims, std::string_view secret);

}  // namespace chatd::auth
