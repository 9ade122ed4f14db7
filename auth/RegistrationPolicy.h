// Who may register (POST /api/v1/register): anyone (open), nobody (closed),
// or whoever brings an invite code (invite). The mode set through the admin
// API and the unused invites live in the store (store::RegistrationStore),
// so every node of a cluster shares them and a restart keeps them; a mode set
// there wins over the configured one (--registration) until it is cleared.
// This is the rule around them: the mode names, which mode is in force, the
// invite codes (random, single-use, expiring) and the digests the store keeps
// of them, and their bounds. Owns the configured mode; borrows nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/Store.h"

namespace chatd::auth {

enum class RegistrationMode { kOpen, kClosed, kInvite };
std::optional<RegistrationMode> registrationModeNamed(std::string_view name);
std::string_view registrationModeName(RegistrationMode mode);

// The mode in force and where it comes from.
struct RegistrationSetting {
  RegistrationMode mode = RegistrationMode::kOpen;
  bool fromAdminApi = false;  // false: the configured mode (--registration)
};

class RegistrationPolicy {
 public:
  // Unused invites waiting at most, over the whole cluster: minting past it
  // fails until some expire or are used.
  static constexpr size_t kMaxInvites = 10'000;
  // How long an invite is valid (seconds): by default, and at most.
  static constexpr int64_t kDefaultInviteSeconds = 7 * 86'400;
  static constexpr int64_t kMaxInviteSeconds = 30 * 86'400;

  explicit RegistrationPolicy(RegistrationMode configured) : configured_(configured) {}

  RegistrationMode configured() const { return configured_; }
  // The setting in force when the store holds `stored` (a mode's name, "":
  // none). A name this chatd does not know counts as closed: never open by
  // mistake.
  RegistrationSetting inForce(std::string_view stored) const;
  // Asks `store` and answers the setting in force; when the store fails,
  // its status and the setting of no one (closed).
  void current(store::RegistrationStore& store,
               std::function<void(store::StoreStatus, RegistrationSetting)> done) const;

  // A new invite code (32 hex digits), or nullopt when no randomness is to be had.
  static std::optional<std::string> newInviteCode();
  // What the store keeps of a code: its SHA-256, in hex.
  static std::string inviteDigest(std::string_view code);

 private:
  RegistrationMode configured_;
};

}  // namespace chatd::auth
