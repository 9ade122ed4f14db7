#include "auth/RegistrationPolicy.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

namespace chatd::auth {

std::optional<RegistrationMode> registrationModeNamed(std::string_view name) {
  if (name == "open") return RegistrationMode::kOpen;
  if (name == "closed") return RegistrationMode::kClosed;
  if (name == "invite") return RegistrationMode::kInvite;
  return std::nullopt;
}

std::string_view registrationModeName(RegistrationMode mode) {
  switch (mode) {
    case RegistrationMode::kOpen: return "open";
    case RegistrationMode::kClosed: return "closed";
    case RegistrationMode::kInvite: return "invite";
  }
  return "open";
}

RegistrationPolicy::Digest RegistrationPolicy::digestOf(std::string_view code) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(code.data()), code.size(), digest.data());
  return digest;
}

void RegistrationPolicy::forgetExpired(int64_t nowSeconds) {
  std::erase_if(invites_, [nowSeconds](const auto& invite) { return invite.second <= nowSeconds; });
}

std::optional<std::string> RegistrationPolicy::mint(int64_t expiresAt, int64_t nowSeconds) {
  if (invites_.size() >= kMaxInvites) forgetExpired(nowSeconds);
  if (invites_.size() >= kMaxInvites) return std::nullopt;
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string code;
  for (const unsigned char byte : random) {
    code.push_back(kHex[byte >> 4]);
    code.push_back(kHex[byte & 15]);
  }
  invites_[digestOf(code)] = expiresAt;
  return code;
}

bool RegistrationPolicy::take(std::string_view code, int64_t nowSeconds) {
  const auto it = invites_.find(digestOf(code));
  if (it == invites_.end()) return false;
  const bool valid = it->second > nowSeconds;
  invites_.erase(it);
  return valid;
}

int64_t RegistrationPolicy::expiryOf(std::string_view code) const {
  const auto it = invites_.find(digestOf(code));
  return it == invites_.end() ? 0 : it->second;
}

void RegistrationPolicy::giveBack(std::string_view code, int64_t expiresAt) {
  if (expiresAt > 0) invites_[digestOf(code)] = expiresAt;
}

}  // namespace chatd::auth
