// Unguessable ids and secrets: `bytes` bytes from OpenSSL's generator as
// lowercase hex (proto/Hex.h), or nullopt when the generator fails.
#pragma once

#include <openssl/rand.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "proto/Hex.h"

namespace chatd::proto {

inline std::optional<std::string> randomHex(size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(bytes)) != 1) return std::nullopt;
  return lowerHex(random.data(), bytes);
}

}  // namespace chatd::proto
