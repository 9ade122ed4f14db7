#include "auth/FileUrls.h"

#include <openssl/crypto.h>

#include <charconv>

#include "proto/HmacSha256.h"

namespace chatd::auth {

namespace {

std::string signature(std::string_view key, std::string_view fileId, std::string_view exp) {
  return proto::hmacSha256Hex(key, std::string(fileId) + ":" + std::string(exp));
}

}  // namespace

std::string fileUrlKey(std::string_view serverSecret) {
  return proto::hmacSha256Hex(serverSecret, "chatd signed file URLs");
}

std::string signedFileUrl(std::string_view key, std::string_view fileId, int64_t expiresAt) {
  const std::string exp = std::to_string(expiresAt);
  return "/files/" + std::string(fileId) + "?exp=" + exp + "&sig=" + signature(key, fileId, exp);
}

bool fileSignatureValid(std::string_view key, std::string_view fileId, std::string_view exp, std::string_view sig,
                        int64_t now) {
  int64_t expiresAt = 0;
  const auto [end, error] = std::from_chars(exp.data(), exp.data() + exp.size(), expiresAt);
  if (exp.empty() || error != std::errc() || end != exp.data() + exp.size() || expiresAt < now) return false;
  const std::string expected = signature(key, fileId, exp);
  return sig.size() == expected.size() && CRYPTO_memcmp(sig.data(), expected.data(), sig.size()) == 0;
}

}  // namespace chatd::auth
