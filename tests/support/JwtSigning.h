// Test-side JWT signing, independent of auth/Jwt.cc: keys made with OpenSSL,
// their PEM text, and compact tokens signed HS256, RS256 or ES256 over any
// header and payload JSON, so tests can also mint tokens chatd must refuse.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace chatd::testing {

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

inline constexpr char kHs256Header[] = R"({"alg":"HS256","typ":"JWT"})";
inline constexpr char kRs256Header[] = R"({"alg":"RS256","typ":"JWT"})";
inline constexpr char kEs256Header[] = R"({"alg":"ES256","typ":"JWT"})";

Pkey rsaKey(size_t bits);
Pkey ecKey(const char* curve);  // e.g. "P-256"

// PEM of the public key (SubjectPublicKeyInfo) or of the private key; "" on failure.
std::string toPem(EVP_PKEY* key, bool privateKey);

// HMAC-SHA256 through EVP_MAC, not HMAC(), so not the route chatd takes.
std::string hmacSha256(std::string_view key, std::string_view data);
// An RSA PKCS#1 v1.5 signature, or ECDSA as DER, over SHA-256 of `data`.
std::string signSha256(EVP_PKEY* key, std::string_view data);
// A DER ECDSA signature as JWS wants it: r||s, 32 bytes each, with the low s
// (s <= n/2) of the two that verify, as chatd requires.
std::string derToRaw(std::string_view der);
// The other valid ES256 signature for the same token: r||(n - s).
std::string withOtherS(std::string_view raw);

// base64url(header) "." base64url(payload)
std::string signingInput(std::string_view header, std::string_view payload);
std::string withSignature(const std::string& input, std::string_view signature);

std::string hsToken(std::string_view header, std::string_view payload, std::string_view secret);
// RS256 or ES256 depending on the key; `derEcdsa` keeps OpenSSL's encoding.
std::string pkToken(std::string_view header, std::string_view payload, EVP_PKEY* key, bool derEcdsa = false);

}  // namespace chatd::testing
