// chatd's tokens: issues HS256 tokens for its own users (sub "user:ID"),
// and turns a presented bearer token (its own, or one an app backend minted
// with the shared secret or its key pair) into an identity, refusing tokens
// that were logged out. Owns the signing secret, the verifier and the
// in-memory revocation list (the store keeps it across restarts).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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
    int64_t expiresAt = 0;       // exp, unix seconds
    std::string revocationKey;   // what revoke() takes for this token
  };

  // `secret` signs and verifies HS256; `publicKeyPem` (may be empty) verifies
  // RS256/ES256 from an app backend. nullptr with `error` when unusable.
  static std::unique_ptr<TokenService> create(std::string secret, const std::string& publicKeyPem,
                                              int64_t ttlSeconds, std::string& error);

  Issued issue(const store::User& user, int64_t nowSeconds) const;
  JwtError authenticate(std::string_view token, int64_t nowSeconds, Identity& out) const;

  // Refuses the token with `key` (Identity::revocationKey) until `expiresAt`,
  // when it would be refused anyway. Forgets entries that have expired.
  void revoke(const std::string& key, int64_t expiresAt, int64_t nowSeconds);
  // The revocation key of a token: hex of the first 16 bytes of its SHA-256,
  // so that any token (ours, with a jti, or an app backend's) can be revoked.
  static std::string revocationKey(std::string_view token);
  // The first 8 bytes of a revocation key, for sessions to remember cheaply.
  static uint64_t shortKey(const std::string& revocationKey);

  // The secret in `dataDir`/jwt.secret, created (mode 0600) on first start.
  static std::optional<std::string> loadOrCreateSecret(const std::string& dataDir, std::string& error);

 private:
  TokenService(std::string secret, std::unique_ptr<JwtVerifier> verifier, int64_t ttlSeconds)
      : secret_(std::move(secret)), verifier_(std::move(verifier)), ttlSeconds_(ttlSeconds) {}

  std::string secret_;
  std::unique_ptr<JwtVerifier> verifier_;
  int64_t ttlSeconds_;
  std::unordered_map<std::string, int64_t> revoked_;  // key -> exp
};

}  // namespace chatd::chat
