// base64url without padding (RFC 4648 §5, as JWS uses it, RFC 7515 §2).
// Decoding is strict so that one byte string has exactly one encoding: no
// '=' padding, nothing outside the alphabet, and the unused low bits of the
// last character must be zero.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chatd::proto {

std::string base64UrlEncode(std::string_view bytes);

// nullopt when `text` is not the canonical unpadded encoding of some bytes.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace chatd::proto
