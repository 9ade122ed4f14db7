#include "auth/Jwt.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <utility>

#include "proto/Base64Url.h"
#include "proto/JsonWriter.h"

namespace chatd::auth {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// NIST's guidance since 2015; smaller RSA keys are refused at configuration.
constexpr int kMinRsaBits = 2048;
constexpr size_t kEs256CoordinateBytes = 32;
// Half the order n of P-256, big-endian: (n - 1) / 2.
constexpr unsigned char kP256HalfOrder[kEs256CoordinateBytes] = {
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8};

struct TokenParts {
  std::string_view header, payload, signature;
  std::string_view signingInput;  // header '.' payload, exactly as sent
};

bool splitToken(std::string_view token, TokenParts& parts) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return false;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return false;
  parts.header = token.substr(0, first);
  parts.payload = token.substr(first + 1, second - first - 1);
  parts.signature = token.substr(second + 1);
  parts.signingInput = token.substr(0, second);
  return true;
}

// `parser` owns what `out` points into until its next parse.
bool parseObject(simdjson::dom::parser& parser, std::string& json, simdjson::dom::object& out) {
  // With the padding reserved, simdjson parses in place instead of copying.
  json.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return false;
  return root.get_object().get(out) == simdjson::SUCCESS;
}

// `alg` points into the parser's memory.
JwtError readAlgorithm(simdjson::dom::object header, std::string_view& alg) {
  bool seen = false;
  for (const auto field : header) {
    // crit names extensions the verifier must understand (RFC 7515 §4.1.11),
    // such as unencoded payloads: chatd understands none.
    if (field.key == "crit") return JwtError::kUnsupportedHeader;
    if (field.key != "alg") continue;
    if (seen || field.value.get_string().get(alg) != simdjson::SUCCESS) return JwtError::kMalformed;
    seen = true;
  }
  return seen ? JwtError::kNone : JwtError::kMalformed;
}

bool readString(element value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  out.assign(text);
  return true;
}

// aud is one string or an array of them (RFC 7519 §4.1.3).
bool readAudience(element value, std::vector<std::string>& out) {
  if (value.is_string()) return readString(value, out.emplace_back());
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  for (const element item : array) {
    if (!readString(item, out.emplace_back())) return false;
  }
  return true;
}

// A NumericDate (RFC 7519 §2) may have a fraction; whole seconds are enough.
bool readNumericDate(element value, int64_t& out) {
  switch (value.type()) {
    case element_type::INT64:
      return value.get_int64().get(out) == simdjson::SUCCESS;
    case element_type::DOUBLE: {
      double seconds = 0;
      // Well inside int64, so the conversion below is defined.
      if (value.get_double().get(seconds) != simdjson::SUCCESS || !(seconds > -1e18 && seconds < 1e18)) return false;
      out = static_cast<int64_t>(std::floor(seconds));
      return true;
    }
    default:
      return false;  // UINT64 is past int64: no date a token could mean
  }
}

JwtError readClaims(simdjson::dom::object payload, JwtClaims& claims) {
  enum : unsigned { kSub = 1, kName = 2, kExp = 4, kNbf = 8, kIat = 16, kJti = 32, kIss = 64, kAud = 128 };
  unsigned seen = 0;
  for (const auto field : payload) {
    unsigned claim = 0;
    bool ok = false;
    if (field.key == "sub") {
      claim = kSub;
      ok = readString(field.value, claims.subject);
    } else if (field.key == "name") {
      claim = kName;
      ok = readString(field.value, claims.name);
    } else if (field.key == "jti") {
      claim = kJti;
      ok = readString(field.value, claims.tokenId);
    } else if (field.key == "iss") {
      claim = kIss;
      ok = readString(field.value, claims.issuer);
    } else if (field.key == "aud") {
      claim = kAud;
      ok = readAudience(field.value, claims.audience);
    } else if (field.key == "exp") {
      claim = kExp;
      ok = readNumericDate(field.value, claims.expiresAt);
    } else if (field.key == "iat") {
      claim = kIat;
      ok = readNumericDate(field.value, claims.issuedAt);
    } else if (field.key == "nbf") {
      claim = kNbf;
      int64_t notBefore = 0;
      ok = readNumericDate(field.value, notBefore);
      claims.notBefore = notBefore;
    } else {
      continue;  // the app's own claims are its business
    }
    if (!ok || (seen & claim) != 0) return JwtError::kMalformed;
    seen |= claim;
  }
  if ((seen & kSub) == 0 || claims.subject.empty() || (seen & kExp) == 0) return JwtError::kMissingClaim;
  return JwtError::kNone;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac, &length) == nullptr) {
    ERR_clear_error();
    return {};
  }
  return std::string(reinterpret_cast<const char*>(mac), length);
}

// ECDSA verifies (r, s) and (r, n - s) alike, so anyone can turn a valid
// signature into a second one for the same token. Only the low form
// (s <= n/2, as libsecp256k1 and BIP 62 require) is accepted: one token, one
// encoding. `raw` is r || s.
bool hasLowS(std::string_view raw) {
  const auto* s = reinterpret_cast<const unsigned char*>(raw.data()) + kEs256CoordinateBytes;
  return std::memcmp(s, kP256HalfOrder, kEs256CoordinateBytes) <= 0;
}

// JWS carries an ES256 signature as r || s, 32 bytes each (RFC 7518 §3.4);
// OpenSSL verifies the DER ECDSA-Sig-Value. Empty when `raw` is not 64 bytes
// or its s is not the low one.
std::string ecdsaRawToDer(std::string_view raw) {
  if (raw.size() != 2 * kEs256CoordinateBytes || !hasLowS(raw)) return {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, kEs256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kEs256CoordinateBytes, kEs256CoordinateBytes, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return {};
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);  // sig owns r and s now
  ECDSA_SIG_free(sig);
  std::string out;
  if (length > 0) out.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

// A public key has no passphrase; the default callback would prompt on the
// terminal for a PEM block marked encrypted.
int refusePassphrase(char*, int, int, void*) { return -1; }

EVP_PKEY* readPublicKeyPem(const std::string& pem, std::string& error) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio == nullptr ? nullptr : PEM_read_bio_PUBKEY(bio, nullptr, refusePassphrase, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  if (key == nullptr) error = "JWT public key: not a PEM \"PUBLIC KEY\" block";
  return key;
}

bool isP256(EVP_PKEY* key) {
  char group[64];
  size_t length = 0;
  const bool named = EVP_PKEY_get_group_name(key, group, sizeof group, &length) == 1;
  ERR_clear_error();
  return named && std::string_view(group, length) == SN_X9_62_prime256v1;
}

}  // namespace

const char* jwtErrorMessage(JwtError error) {
  switch (error) {
    case JwtError::kNone: return "ok";
    case JwtError::kMalformed: return "malformed token";
    case JwtError::kUnsupportedAlgorithm: return "token algorithm not accepted";
    case JwtError::kUnsupportedHeader: return "token header has critical extensions";
    case JwtError::kBadSignature: return "bad token signature";
    case JwtError::kExpired: return "token expired";
    case JwtError::kNotYetValid: return "token not yet valid";
    case JwtError::kMissingClaim: return "token lacks sub or exp";
    case JwtError::kTooLarge: return "token too large";
    case JwtError::kRevoked: return "token revoked (logged out)";
    case JwtError::kWrongIssuer: return "token iss is not the configured issuer";
    case JwtError::kWrongAudience: return "token aud does not name the configured audience";
    case JwtError::kReservedSubject: return "token sub user:... is reserved for chatd's own tokens";
    case JwtError::kBadLocalSubject: return "token of chatd's own names no user";
    case JwtError::kInvalidName: return "token name: at most 64 bytes, no control characters or '#'";
  }
  return "unknown token error";
}

std::unique_ptr<JwtVerifier> JwtVerifier::create(std::string hmacSecret, const std::string& publicKeyPem,
                                                 std::string& error) {
  if (hmacSecret.empty() && publicKeyPem.empty()) {
    error = "JWT: neither an HMAC secret nor a public key is configured";
    return nullptr;
  }
  if (!hmacSecret.empty() && hmacSecret.size() < kMinJwtSecretBytes) {
    error = "JWT secret: shorter than " + std::to_string(kMinJwtSecretBytes) + " bytes";
    return nullptr;
  }
  if (publicKeyPem.empty()) return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(hmacSecret), nullptr, KeyAlgorithm::kNone));

  EVP_PKEY* key = readPublicKeyPem(publicKeyPem, error);
  if (key == nullptr) return nullptr;
  KeyAlgorithm algorithm = KeyAlgorithm::kNone;
  const int type = EVP_PKEY_get_base_id(key);
  if (type == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= kMinRsaBits) {
    algorithm = KeyAlgorithm::kRs256;
  } else if (type == EVP_PKEY_RSA) {
    error = "JWT public key: RSA keys need at least " + std::to_string(kMinRsaBits) + " bits";
  } else if (type == EVP_PKEY_EC && isP256(key)) {
    algorithm = KeyAlgorithm::kEs256;
  } else {
    error = "JWT public key: neither RSA (RS256) nor EC P-256 (ES256)";
  }
  if (algorithm == KeyAlgorithm::kNone) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(hmacSecret), key, algorithm));
}

JwtVerifier::JwtVerifier(std::string hmacSecret, EVP_PKEY* publicKey, KeyAlgorithm keyAlgorithm)
    : hmacSecret_(std::move(hmacSecret)), publicKey_(publicKey), keyAlgorithm_(keyAlgorithm) {}

JwtVerifier::~JwtVerifier() {
  OPENSSL_cleanse(hmacSecret_.data(), hmacSecret_.size());
  EVP_PKEY_free(publicKey_);
}

JwtError JwtVerifier::checkAlgorithm(std::string_view alg) const {
  // Each algorithm is tied to the one key configured for it: the header picks
  // among what the configuration allows, never the kind of key.
  const bool allowed = (alg == "HS256" && !hmacSecret_.empty()) ||
                       (alg == "RS256" && keyAlgorithm_ == KeyAlgorithm::kRs256) ||
                       (alg == "ES256" && keyAlgorithm_ == KeyAlgorithm::kEs256);
  return allowed ? JwtError::kNone : JwtError::kUnsupportedAlgorithm;
}

bool JwtVerifier::checkHmac(std::string_view signingInput, std::string_view signature) const {
  const std::string expected = hmacSha256(hmacSecret_, signingInput);
  return !expected.empty() && signature.size() == expected.size() &&
         CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

bool JwtVerifier::checkPublicKey(std::string_view signingInput, std::string_view signature) const {
  std::string der;
  if (keyAlgorithm_ == KeyAlgorithm::kEs256) {
    der = ecdsaRawToDer(signature);
    if (der.empty()) return false;
    signature = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(publicKey_))) {
    return false;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* keyCtx = nullptr;
  const bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, &keyCtx, EVP_sha256(), nullptr, publicKey_) == 1 &&
      (keyAlgorithm_ != KeyAlgorithm::kRs256 || EVP_PKEY_CTX_set_rsa_padding(keyCtx, RSA_PKCS1_PADDING) == 1) &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size()) == 1;
  EVP_MD_CTX_free(ctx);
  // A failed check queues errors that later TLS calls on this thread would
  // mistake for their own.
  ERR_clear_error();
  return ok;
}

JwtError JwtVerifier::verify(std::string_view token, int64_t nowSeconds, JwtClaims& out) const {
  if (token.size() > kMaxJwtBytes) return JwtError::kTooLarge;
  TokenParts parts;
  if (!splitToken(token, parts)) return JwtError::kMalformed;
  std::optional<std::string> headerJson = proto::base64UrlDecode(parts.header);
  std::optional<std::string> payloadJson = proto::base64UrlDecode(parts.payload);
  const std::optional<std::string> signature = proto::base64UrlDecode(parts.signature);
  if (!headerJson || !payloadJson || !signature) return JwtError::kMalformed;

  simdjson::dom::parser parser(kMaxJwtBytes);
  simdjson::dom::object object;
  if (!parseObject(parser, *headerJson, object)) return JwtError::kMalformed;
  std::string_view alg;
  if (const JwtError error = readAlgorithm(object, alg); error != JwtError::kNone) return error;
  if (const JwtError error = checkAlgorithm(alg); error != JwtError::kNone) return error;
  const bool signedWithSecret = alg == "HS256";
  const bool valid = signedWithSecret ? checkHmac(parts.signingInput, *signature)
                                      : checkPublicKey(parts.signingInput, *signature);
  if (!valid) return JwtError::kBadSignature;

  // Only now, with the signer vouching for it, is the payload parsed (which
  // also ends the life of `alg` and the header).
  if (!parseObject(parser, *payloadJson, object)) return JwtError::kMalformed;
  JwtClaims claims;
  if (const JwtError error = readClaims(object, claims); error != JwtError::kNone) return error;
  claims.signedWithSecret = signedWithSecret;
  // exp is the first instant the token is no longer good (RFC 7519 §4.1.4).
  if (nowSeconds - kJwtClockSkewSeconds >= claims.expiresAt) return JwtError::kExpired;
  if (claims.notBefore && nowSeconds + kJwtClockSkewSeconds < *claims.notBefore) return JwtError::kNotYetValid;
  out = std::move(claims);
  return JwtError::kNone;
}

std::string signJwtHs256(const JwtClaims& claims, std::string_view secret) {
  std::string payload = "{\"sub\":";
  proto::appendJsonString(payload, claims.subject);
  if (!claims.issuer.empty()) {
    payload += ",\"iss\":";
    proto::appendJsonString(payload, claims.issuer);
  }
  if (!claims.name.empty()) {
    payload += ",\"name\":";
    proto::appendJsonString(payload, claims.name);
  }
  if (claims.issuedAt != 0) payload += ",\"iat\":" + std::to_string(claims.issuedAt);
  if (claims.notBefore) payload += ",\"nbf\":" + std::to_string(*claims.notBefore);
  payload += ",\"exp\":" + std::to_string(claims.expiresAt);
  if (!claims.tokenId.empty()) {
    payload += ",\"jti\":";
    proto::appendJsonString(payload, claims.tokenId);
  }
  payload += '}';

  std::string token = proto::base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  token += '.';
  token += proto::base64UrlEncode(payload);
  const std::string mac = hmacSha256(secret, token);
  token += '.';
  token += proto::base64UrlEncode(mac);
  return token;
}

}  // namespace chatd::auth
