#include "auth/TokenService.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "proto/Hex.h"
#include "proto/RandomHex.h"

namespace chatd::auth {

namespace {

constexpr std::string_view kLocalSubjectPrefix = "user:";
constexpr size_t kKeyHexDigits = 2 * SHA256_DIGEST_LENGTH;
constexpr size_t kWholeTokenKeyHexDigits = 32;  // see revokedWholeTokens_
constexpr size_t kMaxNameBytes = 64;

std::string sha256Hex(std::string_view bytes, size_t hexDigits) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return proto::lowerHex(digest, hexDigits / 2);
}

// "user:ID" with ID a positive decimal without leading zeros, so that one
// user has exactly one subject ("user:02" is no one).
std::optional<int64_t> localUserId(std::string_view subject) {
  if (!subject.starts_with(kLocalSubjectPrefix)) return std::nullopt;
  const std::string_view digits = subject.substr(kLocalSubjectPrefix.size());
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0 || digits[0] == '0') return std::nullopt;
  return id;
}

// A name others will see beside messages: short, printable, and without '#',
// which marks the id chatd appends to external users' names.
bool isDisplayName(std::string_view name) {
  if (name.size() > kMaxNameBytes) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f || c == '#';
  });
}

}  // namespace

std::unique_ptr<TokenService> TokenService::create(std::string secret, const std::string& publicKeyPem,
                                                   int64_t ttlSeconds, ExternalRules external, std::string& error) {
  auto verifier = JwtVerifier::create(secret, publicKeyPem, error);
  if (!verifier) return nullptr;
  return std::unique_ptr<TokenService>(
      new TokenService(std::move(secret), std::move(verifier), ttlSeconds, std::move(external)));
}

bool TokenService::rekey(std::optional<std::string> secret, const std::string& publicKeyPem, int64_t ttlSeconds,
                         ExternalRules external, std::string& error) {
  if (!secret) secret = secret_;
  auto verifier = JwtVerifier::create(*secret, publicKeyPem, error);
  if (!verifier) return false;
  secret_ = std::move(*secret);
  verifier_ = std::move(verifier);
  ttlSeconds_ = ttlSeconds;
  external_ = std::move(external);
  return true;
}

TokenService::Issued TokenService::issue(const store::User& user, int64_t nowSeconds) const {
  JwtClaims claims;
  claims.subject = std::string(kLocalSubjectPrefix) + std::to_string(user.id);
  claims.issuer = kLocalIssuer;
  claims.name = user.username;
  claims.issuedAt = nowSeconds;
  claims.expiresAt = nowSeconds + ttlSeconds_;
  // A random jti makes every token distinct, so logging out one session
  // (revoking its token) leaves the user's other tokens alone.
  if (auto id = proto::randomHex(16)) claims.tokenId = std::move(*id);
  return {signJwtHs256(claims, secret_), claims.expiresAt};
}

JwtError TokenService::authenticate(std::string_view token, int64_t nowSeconds, Identity& out) const {
  JwtClaims claims;
  const JwtError error = verifier_->verify(token, nowSeconds, claims);
  if (error != JwtError::kNone) return error;
  out = Identity{};
  out.revocationKey = revocationKey(token);
  if (isRevoked(token, out.revocationKey)) return JwtError::kRevoked;
  out.name = claims.name;
  out.expiresAt = claims.expiresAt;
  if (claims.signedWithSecret && claims.issuer == kLocalIssuer) {
    out.userId = localUserId(claims.subject);
    return out.userId ? JwtError::kNone : JwtError::kBadLocalSubject;
  }
  if (const JwtError refused = checkExternal(claims); refused != JwtError::kNone) return refused;
  out.subject = claims.subject;
  return JwtError::kNone;
}

JwtError TokenService::checkExternal(const JwtClaims& claims) const {
  if (claims.subject.starts_with(kLocalSubjectPrefix)) return JwtError::kReservedSubject;
  if (!external_.issuer.empty() && claims.issuer != external_.issuer) return JwtError::kWrongIssuer;
  if (!external_.audience.empty() &&
      std::find(claims.audience.begin(), claims.audience.end(), external_.audience) == claims.audience.end()) {
    return JwtError::kWrongAudience;
  }
  if (!isDisplayName(claims.name)) return JwtError::kInvalidName;
  return JwtError::kNone;
}

bool TokenService::isRevoked(std::string_view token, const std::string& key) const {
  if (revoked_.count(key)) return true;
  return !revokedWholeTokens_.empty() && revokedWholeTokens_.count(sha256Hex(token, kWholeTokenKeyHexDigits));
}

void TokenService::revoke(const std::string& key, int64_t expiresAt, int64_t nowSeconds) {
  auto expired = [nowSeconds](const auto& entry) { return entry.second <= nowSeconds; };
  std::erase_if(revoked_, expired);
  std::erase_if(revokedWholeTokens_, expired);
  if (expiresAt <= nowSeconds) return;
  (key.size() == kWholeTokenKeyHexDigits ? revokedWholeTokens_ : revoked_)[key] = expiresAt;
}

std::string TokenService::revocationKey(std::string_view token) {
  // Verified tokens have their two dots; the signature goes.
  return sha256Hex(token.substr(0, token.rfind('.')), kKeyHexDigits);
}

uint64_t TokenService::shortKey(const std::string& revocationKey) {
  uint64_t value = 0;
  std::from_chars(revocationKey.data(), revocationKey.data() + std::min<size_t>(16, revocationKey.size()), value, 16);
  return value;
}

std::optional<std::string> TokenService::newSecret(std::string& error) {
  auto secret = proto::randomHex(32);
  if (!secret) error = "no randomness for a new JWT secret";
  return secret;
}

std::optional<std::string> TokenService::loadSecret(const std::string& dataDir, std::string& error) {
  error.clear();
  const std::string path = dataDir + "/jwt.secret";
  std::ifstream existing(path);
  if (!existing) return std::nullopt;
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

std::optional<std::string> TokenService::loadOrCreateSecret(const std::string& dataDir, std::string& error) {
  std::optional<std::string> existing = loadSecret(dataDir, error);
  if (existing || !error.empty()) return existing;
  const std::string path = dataDir + "/jwt.secret";
  std::optional<std::string> secret = newSecret(error);
  if (!secret) return std::nullopt;
  // O_EXCL: never overwrite a secret another process just wrote.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot create " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  const std::string line = *secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) {
    error = "cannot write " + path;
    return std::nullopt;
  }
  return secret;
}

}  // namespace chatd::auth
