#include "chat/TokenService.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace chatd::chat {

namespace {

constexpr std::string_view kLocalSubjectPrefix = "user:";

std::string hex(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace

std::unique_ptr<TokenService> TokenService::create(std::string secret, const std::string& publicKeyPem,
                                                   int64_t ttlSeconds, std::string& error) {
  auto verifier = JwtVerifier::create(secret, publicKeyPem, error);
  if (!verifier) return nullptr;
  return std::unique_ptr<TokenService>(new TokenService(std::move(secret), std::move(verifier), ttlSeconds));
}

TokenService::Issued TokenService::issue(const store::User& user, int64_t nowSeconds) const {
  JwtClaims claims;
  claims.subject = std::string(kLocalSubjectPrefix) + std::to_string(user.id);
  claims.name = user.username;
  claims.issuedAt = nowSeconds;
  claims.expiresAt = nowSeconds + ttlSeconds_;
  // A random jti makes every token distinct, so logging out one session
  // (revoking its token) leaves the user's other tokens alone.
  unsigned char id[16];
  if (RAND_bytes(id, sizeof id) == 1) claims.tokenId = hex(id, sizeof id);
  return {signJwtHs256(claims, secret_), claims.expiresAt};
}

JwtError TokenService::authenticate(std::string_view token, int64_t nowSeconds, Identity& out) const {
  JwtClaims claims;
  const JwtError error = verifier_->verify(token, nowSeconds, claims);
  if (error != JwtError::kNone) return error;
  out = Identity{};
  out.revocationKey = revocationKey(token);
  if (revoked_.count(out.revocationKey)) return JwtError::kRevoked;
  out.name = claims.name;
  out.expiresAt = claims.expiresAt;
  const std::string_view subject = claims.subject;
  int64_t id = 0;
  if (subject.substr(0, kLocalSubjectPrefix.size()) == kLocalSubjectPrefix) {
    const std::string_view digits = subject.substr(kLocalSubjectPrefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec == std::errc() && end == digits.data() + digits.size() && id > 0) {
      out.userId = id;
      return JwtError::kNone;
    }
  }
  out.subject = claims.subject;
  return JwtError::kNone;
}

void TokenService::revoke(const std::string& key, int64_t expiresAt, int64_t nowSeconds) {
  std::erase_if(revoked_, [nowSeconds](const auto& entry) { return entry.second <= nowSeconds; });
  if (expiresAt > nowSeconds) revoked_[key] = expiresAt;
}

std::string TokenService::revocationKey(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return hex(digest, 16);
}

uint64_t TokenService::shortKey(const std::string& revocationKey) {
  uint64_t value = 0;
  std::from_chars(revocationKey.data(), revocationKey.data() + std::min<size_t>(16, revocationKey.size()), value, 16);
  return value;
}

std::optional<std::string> TokenService::loadOrCreateSecret(const std::string& dataDir, std::string& error) {
  const std::string path = dataDir + "/jwt.secret";
  std::ifstream existing(path);
  if (existing) {
    std::stringstream text;
    text << existing.rdbuf();
    std::string secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < kMinJwtSecretBytes) {
      error = path + " holds fewer than " + std::to_string(kMinJwtSecretBytes) + " bytes";
      return std::nullopt;
    }
    return secret;
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) {
    error = "no randomness for a new JWT secret";
    return std::nullopt;
  }
  std::string secret = hex(random, sizeof random);
  // O_EXCL: never overwrite a secret another process just wrote.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot create " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  const std::string line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) {
    error = "cannot write " + path;
    return std::nullopt;
  }
  return secret;
}

}  // namespace chatd::chat
