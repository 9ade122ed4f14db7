// chatd's tokens: issues HS256 tokens for its own users (iss "chatd", sub
// "user:ID"), and turns a presented bearer token (its own, or one an app
// backend minted with the shared secret or its key pair) into an identity,
// refusing tokens that were logged out. Owns the signing secret, the verifier
// and the in-memory revocation list (the store keeps it across restarts).
//
// Two namespaces that never meet: a token is chatd's own only when it is
// HS256 with iss "chatd", and then its sub must be a canonical "user:ID".
// Any other token is an app backend's: its sub is an external subject (never
// a local user id; subjects starting "user:" are refused so no one mistakes
// one for the other), its iss and aud must match --jwt-issuer and
// --jwt-audience when those are set, and its name must be fit for display.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/Jwt.h"
#include "store/Store.h"

namespace chatd::auth {

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

  // The iss of chatd's own tokens; --jwt-issuer may not take it (Config refuses it).
  static constexpr std::string_view kLocalIssuer = "chatd";
  // What an app backend's tokens must carry; an empty field is not checked.
  struct ExternalRules {
    std::string issuer;    // iss must equal it
    std::string audience;  // aud must be it or an array holding it
  };

  // `secret` signs and verifies HS256; `publicKeyPem` (may be empty) verifies
  // RS256/ES256 from an app backend. nullptr with `error` when unusable.
  static std::unique_ptr<TokenService> create(std::string secret, const std::string& publicKeyPem,
                                              int64_t ttlSeconds, ExternalRules external, std::string& error);

  // New keys and rules (a reload), as create() takes them; `secret` nullopt
  // keeps the one in use. The revocation list stays. False with `error`,
  // changing nothing. Tokens signed with a replaced secret or key stop verifying.
  bool rekey(std::optional<std::string> secret, const std::string& publicKeyPem, int64_t ttlSeconds,
             ExternalRules external, std::string& error);

  Issued issue(const store::User& user, int64_t nowSeconds) const;
  JwtError authenticate(std::string_view token, int64_t nowSeconds, Identity& out) const;

  // Refuses the token with `key` (Identity::revocationKey) until `expiresAt`,
  // when it would be refused anyway. Forgets entries that have expired.
  void revoke(const std::string& key, int64_t expiresAt, int64_t nowSeconds);
  // The revocation key of a token: hex of the SHA-256 of its header and
  // payload, which name it, and not of its signature, which is not unique to
  // it (ECDSA has two valid signatures per token). Works for any token, ours
  // or an app backend's, with or without a jti.
  static std::string revocationKey(std::string_view token);
  // The first 8 bytes of a revocation key, for sessions to remember cheaply.
  static uint64_t shortKey(const std::string& revocationKey);

  // The secret in `dataDir`/jwt.secret, created (mode 0600) on first start.
  static std::optional<std::string> loadOrCreateSecret(const std::string& dataDir, std::string& error);
  // A fresh random secret (32 bytes, in hex).
  static std::optional<std::string> newSecret(std::string& error);
  // The secret in `dataDir`/jwt.secret; nullopt with an empty `error` when
  // there is no such file, with the reason when it is unusable.
  static std::optional<std::string> loadSecret(const std::string& dataDir, std::string& error);

 private:
  TokenService(std::string secret, std::unique_ptr<JwtVerifier> verifier, int64_t ttlSeconds, ExternalRules external)
      : secret_(std::move(secret)), verifier_(std::move(verifier)), ttlSeconds_(ttlSeconds),
        external_(std::move(external)) {}
  bool isRevoked(std::string_view token, const std::string& key) const;
  JwtError checkExternal(const JwtClaims& claims) const;

  std::string secret_;
  std::unique_ptr<JwtVerifier> verifier_;
  int64_t ttlSeconds_;
  ExternalRules external_;
  std::unordered_map<std::string, int64_t> revoked_;  // key -> exp
  // Keys stored before revocation keys left the signature out (32 hex digits
  // of the SHA-256 of the whole token). They are checked until the last of
  // them expires, one token lifetime after the upgrade; no new ones are made.
  std::unordered_map<std::string, int64_t> revokedWholeTokens_;
};

}  // namespace chatd::auth
