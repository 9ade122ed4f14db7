// What a file is, from its first bytes, and what chatd stores it as given
// what the client declared. A client's Content-Type is a claim: the bytes
// decide, so a script never passes for an image.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::proto {

// Enough of a file's start for sniffMediaType().
inline constexpr size_t kSniffBytes = 512;

// The media type the bytes show: image/png, image/jpeg, image/gif,
// image/webp, application/pdf, audio/ogg, video/webm, video/mp4, audio/mp4,
// audio/mpeg, audio/wav, text/plain (UTF-8 without control characters
// other than tab, LF, CR and FF), else application/octet-stream. `head` is
// the first kSniffBytes bytes, or the whole file when `whole` (a UTF-8
// sequence cut at the end of a partial head still counts as text).
std::string_view sniffMediaType(std::string_view head, bool whole);

// The type to store a file under: the sniffed type, or the declared one when
// it names the same container (audio/webm for video/webm bytes). nullopt
// (refuse: 415) when an image was declared and the bytes are no image. A
// declared type chatd does not know, or none, stores application/octet-stream
// unless the bytes show a known type and nothing or application/octet-stream was declared.
std::optional<std::string> storedMediaType(std::string_view declared, std::string_view sniffed);

}  // namespace chatd::proto
