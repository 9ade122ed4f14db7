#include "proto/MediaSniffer.h"

#include <array>

#include "proto/HttpRequest.h"
#include "proto/Utf8Validator.h"

namespace chatd::proto {

namespace {

constexpr std::string_view kOctetStream = "application/octet-stream";

bool at(std::string_view head, size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() && head.substr(offset, magic.size()) == magic;
}

bool isText(std::string_view head, bool whole) {
  for (const unsigned char c : head) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) return false;
  }
  Utf8Validator utf8;
  return utf8.feed(reinterpret_cast<const uint8_t*>(head.data()), head.size()) && (!whole || utf8.complete());
}

// MPEG audio without an ID3 tag: a frame sync (11 bits) and a layer other than "reserved".
bool isMpegFrame(std::string_view head) {
  if (head.size() < 2) return false;
  const auto b0 = static_cast<unsigned char>(head[0]);
  const auto b1 = static_cast<unsigned char>(head[1]);
  return b0 == 0xff && (b1 & 0xe0) == 0xe0 && ((b1 >> 1) & 3) != 0;
}

// Types a client may declare that sniffing never answers, but which name what it does.
constexpr std::array<std::string_view, 6> kAliases = {"audio/webm", "video/ogg",  "audio/mp3",
                                                      "audio/x-wav", "audio/wave", "image/jpg"};
constexpr std::array<std::string_view, 12> kSniffed = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "audio/ogg",
    "video/webm", "video/mp4", "audio/mp4", "audio/mpeg", "audio/wav", "text/plain"};

bool known(std::string_view type) {
  for (std::string_view t : kSniffed) {
    if (t == type) return true;
  }
  for (std::string_view t : kAliases) {
    if (t == type) return true;
  }
  return false;
}

// audio/webm and video/webm are one container, whichever streams it carries.
bool sameContainer(std::string_view a, std::string_view b) {
  const auto media = [](std::string_view t) { return t.starts_with("audio/") || t.starts_with("video/"); };
  return media(a) && media(b) && a.substr(a.find('/')) == b.substr(b.find('/'));
}

}  // namespace

std::string_view sniffMediaType(std::string_view head, bool whole) {
  if (at(head, 0, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (at(head, 0, "\xff\xd8\xff")) return "image/jpeg";
  if (at(head, 0, "GIF87a") || at(head, 0, "GIF89a")) return "image/gif";
  if (at(head, 0, "RIFF") && at(head, 8, "WEBP")) return "image/webp";
  if (at(head, 0, "RIFF") && at(head, 8, "WAVE")) return "audio/wav";
  if (at(head, 0, "%PDF-")) return "application/pdf";
  if (at(head, 0, "OggS")) return "audio/ogg";
  if (at(head, 0, "\x1a\x45\xdf\xa3")) return "video/webm";
  if (at(head, 4, "ftyp")) return at(head, 8, "M4A ") || at(head, 8, "M4B ") ? "audio/mp4" : "video/mp4";
  if (at(head, 0, "ID3") || isMpegFrame(head)) return "audio/mpeg";
  if (isText(head, whole)) return "text/plain";
  return kOctetStream;
}

std::optional<std::string> storedMediaType(std::string_view declared, std::string_view sniffed) {
  std::string type(mediaTypeOf(declared));
  for (char& c : type) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (type.starts_with("image/") && !sniffed.starts_with("image/")) return std::nullopt;
  if (type.empty() || type == kOctetStream || type == sniffed) return std::string(sniffed);
  if (sameContainer(type, sniffed)) return type;
  return std::string(known(type) ? sniffed : kOctetStream);
}

}  // namespace chatd::proto
