// Signed download URLs: /files/ID?exp=UNIX_SECONDS&sig=HEX, the signature an
// HMAC-SHA256 over "ID:EXP" with a key derived from the server's secret, so
// that every node of a cluster mints and checks the same ones. Whoever holds
// one may download that file until it expires: what an <img> or <audio> tag
// can carry where no Authorization header goes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::auth {

// How long the signed URLs chatd mints (uploads' answers, message frames) stay valid.
inline constexpr int64_t kSignedUrlSeconds = 3600;

// The signing key, from the secret tokens are signed with: a key of its own,
// so that a URL's signature can never pass for a token's.
std::string fileUrlKey(std::string_view serverSecret);
std::string signedFileUrl(std::string_view key, std::string_view fileId, int64_t expiresAt);
// Whether `sig` signs (fileId, exp) and `exp` has not passed at `now` (unix seconds).
bool fileSignatureValid(std::string_view key, std::string_view fileId, std::string_view exp, std::string_view sig,
                        int64_t now);

}  // namespace chatd::auth
