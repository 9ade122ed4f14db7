#include "auth/RegistrationPolicy.h"

#include <openssl/sha.h>

#include "proto/Hex.h"
#include "proto/RandomHex.h"

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

RegistrationSetting RegistrationPolicy::inForce(std::string_view stored) const {
  if (stored.empty()) return {configured_, false};
  return {registrationModeNamed(stored).value_or(RegistrationMode::kClosed), true};
}

void RegistrationPolicy::current(store::RegistrationStore& store,
                                 std::function<void(store::StoreStatus, RegistrationSetting)> done) const {
  store.registrationMode([this, done = std::move(done)](store::StoreStatus status, const std::string& stored) {
    if (status != store::StoreStatus::kOk) return done(status, {RegistrationMode::kClosed, false});
    done(status, inForce(stored));
  });
}

std::optional<std::string> RegistrationPolicy::newInviteCode() {
  return proto::randomHex(16);
}

std::string RegistrationPolicy::inviteDigest(std::string_view code) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(code.data()), code.size(), digest);
  return proto::lowerHex(digest, sizeof digest);
}

}  // namespace chatd::auth
