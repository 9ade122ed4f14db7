// Who may register (POST /api/v1/register): anyone (open), nobody (closed),
// or whoever brings an invite code (invite). The mode starts from
// --registration and the admin API changes it while the process runs. Invite
// codes are minted here: random, single-use, expiring; only their SHA-256
// digests are kept. Owns the mode and the invites, in this process's memory:
// a restart forgets changes and unused invites, and in a cluster each node
// has its own (docs/admin-api.md). Pure bookkeeping for the loop thread; the
// caller passes the wall clock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::auth {

enum class RegistrationMode { kOpen, kClosed, kInvite };
std::optional<RegistrationMode> registrationModeNamed(std::string_view name);
std::string_view registrationModeName(RegistrationMode mode);

class RegistrationPolicy {
 public:
  // Unused invites kept at most: minting past it fails until some expire or are used.
  static constexpr size_t kMaxInvites = 10'000;

  explicit RegistrationPolicy(RegistrationMode mode) : mode_(mode) {}

  RegistrationMode mode() const { return mode_; }
  void setMode(RegistrationMode mode) { mode_ = mode; }

  // A new invite code valid until `expiresAt` (unix seconds), or nullopt when
  // kMaxInvites are waiting.
  std::optional<std::string> mint(int64_t expiresAt, int64_t nowSeconds);
  // Uses up `code`: true once per minted code, before it expires.
  bool take(std::string_view code, int64_t nowSeconds);
  // Gives back a code take() accepted, when the registration failed for
  // another reason (a taken username): it stays valid until its expiry.
  void giveBack(std::string_view code, int64_t expiresAt);
  // The expiry of an unused code, for giveBack(); 0 when unknown.
  int64_t expiryOf(std::string_view code) const;
  size_t waiting() const { return invites_.size(); }

 private:
  using Digest = std::array<uint8_t, 32>;
  static Digest digestOf(std::string_view code);
  void forgetExpired(int64_t nowSeconds);

  RegistrationMode mode_;
  std::map<Digest, int64_t> invites_;  // digest -> expires at (unix seconds)
};

}  // namespace chatd::auth
