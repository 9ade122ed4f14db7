// chatd's tokens: issues HS256 tokens for its own users (sub "user:ID"),
// and turns a presented bearer token (its own, or one an app backend minted
// with the shared secret or its key pair) into an identity.
// Owns the signing secret and the verifier.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chat/Jwt.h"
#include "store/Store.h"

namespace chatd::chat {

class TokenService {
 public:
  struct Issued {
    std::string token;
    int64_t expiresAt;  // unix seconds
  };
  // Who a valid token names: one of our users, or an app backend's subject.
  struct Identity {
    std::optional<int64_t> userId;  // set for tokens chatd issued
    std::string subject;            // the external subject otherwise
    std::string name;
  };

  // `secret` signs and verifies HS256; `publicKeyPem` (may be empty) verifies
  // RS256/ES256 from an app backend. nullptr with `error` when unusable.
  static std::unique_ptr<TokenService> create(std::string secret, const std::string& publicKeyPem,
                                              int64_t ttlSeconds, std::string& error);

  Issued issue(const store::User& user, int64_t nowSeconds) const;
  JwtError authenticate(std::string_view token, int64_t nowSeconds, Identity& out) const;

  // The secret in `dataDir`/jwt.secret, created (mode 0600) on first start.
  static std::optional<std::string> loadOrCreateSecret(const std::string& dataDir, std::string& error);

 private:
  TokenService(std::string secret, std::unique_ptr<JwtVerifier> verifier, int64_t ttlSeconds)
      : secret_(std::move(secret)), verifier_(std::move(verifier)), ttlSeconds_(ttlSeconds) {}

  std::string secret_;
  std::unique_ptr<JwtVerifier> verifier_;
  int64_t ttlSeconds_;
};

}  // namespace chatd::chat
