// HMAC-SHA256 (RFC 2104) through OpenSSL, as lowercase hex: what a webhook
// receiver recomputes to check chatd's signature.
#pragma once

#include <string>
#include <string_view>

namespace chatd::proto {

std::string hmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace chatd::proto
