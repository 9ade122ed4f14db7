#include "auth/PasswordHasher.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <cstring>

namespace chatd::auth {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr std::string_view kArgon2idPrefix = "$argon2id$v=19$";

// Far above any cost we write (the defaults are t=3, 64 MiB, p=1), far below
// what would take a worker minutes or the machine's memory. A stored string
// past them did not come from hashPassword.
constexpr uint32_t kMaxVerifyTimeCost = 64;
constexpr uint32_t kMaxVerifyMemoryKiB = 1024 * 1024;  // 1 GiB
constexpr uint32_t kMaxVerifyLanes = 16;

// Reads "<label><decimal>" from the front of `rest` and drops it from `rest`.
std::optional<uint32_t> takeNumber(std::string_view& rest, std::string_view label) {
  if (!rest.starts_with(label)) return std::nullopt;
  rest.remove_prefix(label.size());
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || end == rest.data()) return std::nullopt;
  rest.remove_prefix(static_cast<size_t>(end - rest.data()));
  return value;
}

bool isVerifiableCost(const Argon2Params& p) {
  return p.timeCost <= kMaxVerifyTimeCost && p.memoryKiB <= kMaxVerifyMemoryKiB &&
         p.lanes <= kMaxVerifyLanes;
}

}  // namespace

bool isAcceptablePassword(std::string_view password) {
  return password.size() >= kMinPasswordBytes && password.size() <= kMaxPasswordBytes;
}

std::string hashPassword(std::string_view password, const Argon2Params& params) {
  std::array<unsigned char, kSaltBytes> salt;
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return {};
  // argon2_encodedlen counts the terminating NUL.
  std::string encoded(argon2_encodedlen(params.timeCost, params.memoryKiB, params.lanes,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(params.timeCost, params.memoryKiB, params.lanes,
                                       password.data(), password.size(), salt.data(),
                                       salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return {};
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

std::optional<Argon2Params> encodedParams(std::string_view encoded) {
  if (!encoded.starts_with(kArgon2idPrefix)) return std::nullopt;
  std::string_view rest = encoded.substr(kArgon2idPrefix.size());
  const std::optional<uint32_t> memory = takeNumber(rest, "m=");
  const std::optional<uint32_t> time = memory ? takeNumber(rest, ",t=") : std::nullopt;
  const std::optional<uint32_t> lanes = time ? takeNumber(rest, ",p=") : std::nullopt;
  if (!lanes || !rest.starts_with('$')) return std::nullopt;
  return Argon2Params{*time, *memory, *lanes};
}

bool verifyPassword(std::string_view password, const std::string& encoded) {
  // libargon2 reads `encoded` up to its first NUL; one inside would make it
  // judge a different string than the one stored.
  if (encoded.find('\0') != std::string::npos) return false;
  const std::optional<Argon2Params> params = encodedParams(encoded);
  if (!params || !isVerifiableCost(*params)) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

void burnVerificationTime(const Argon2Params& params) {
  // Verifying is one hash with the stored salt plus a comparison: hashing a
  // fixed password with a fixed salt under the same costs takes as long.
  constexpr std::string_view kDecoy = "unknown-user-decoy";
  const std::array<unsigned char, kSaltBytes> salt{};
  std::array<unsigned char, kHashBytes> out;
  argon2id_hash_raw(params.timeCost, params.memoryKiB, params.lanes, kDecoy.data(),
                    kDecoy.size(), salt.data(), salt.size(), out.data(), out.size());
}

}  // namespace chatd::auth
