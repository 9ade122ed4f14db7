// Password hashing for accounts: Argon2id (libargon2) with a fresh random
// salt per hash, stored as the standard self-describing string
// "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>", so a hash
// written under older parameters still verifies after the defaults change.
//
// Every hashing function here is CPU- and memory-heavy and blocks on purpose
// (tens to hundreds of milliseconds with the production parameters): call
// them from reactor::WorkerPool jobs, never on the loop thread. They keep no
// state and are safe to call from several workers at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::auth {

struct Argon2Params {
  uint32_t timeCost = 3;          // passes over memory
  uint32_t memoryKiB = 64 * 1024;  // 64 MiB
  uint32_t lanes = 1;

  bool operator==(const Argon2Params&) const = default;
};

// Production defaults (the Argon2Params initialisers): OWASP's floor for
// Argon2id is 19 MiB with t=2, p=1; RFC 9106's second recommendation is
// 64 MiB with t=3. We take the latter's memory and passes, which is what makes
// offline guessing on GPUs expensive, but one lane: a login occupies one
// worker thread, and the pool already runs logins side by side. Peak memory is
// 64 MiB per worker busy hashing.
inline constexpr Argon2Params kDefaultArgon2Params{};
// For tests only: the smallest cost libargon2 accepts (8 KiB, one pass).
inline constexpr Argon2Params kCheapArgon2Params{1, 8, 1};

// The account rule on password length, in bytes (not characters): at least 8
// to keep out the trivially guessable, at most 128 so a login cannot hand
// Argon2 megabytes to digest.
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 128;
bool isAcceptablePassword(std::string_view password);

// The encoded hash of `password`, or "" if the salt could not be drawn or
// libargon2 refused the parameters.
std::string hashPassword(std::string_view password, const Argon2Params& params);

// True only if `encoded` is a well-formed Argon2id string for `password`.
// Anything else -- malformed, another Argon2 variant, or costs beyond what we
// would ever write (see kMaxVerify* in the .cc: a corrupt or planted row must
// not pin a worker or exhaust memory) -- is false, never a crash.
bool verifyPassword(std::string_view password, const std::string& encoded);

// The parameters an encoded Argon2id string was made with, or nullopt if it
// is not one. Cheap (no hashing): lets the caller see that a stored hash is
// weaker than the current defaults and rehash it after a successful login.
std::optional<Argon2Params> encodedParams(std::string_view encoded);

// Spends as long as verifyPassword would on a hash made with `params`, for a
// login naming an unknown user: answering those faster would reveal which
// usernames exist. Pass the parameters new hashes are made with.
void burnVerificationTime(const Argon2Params& params);

}  // namespace chatd::auth
