#include "proto/HmacSha256.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "proto/Hex.h"

namespace chatd::proto {

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  return lowerHex(digest, length);
}

}  // namespace chatd::proto
