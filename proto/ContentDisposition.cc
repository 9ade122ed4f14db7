#include "proto/ContentDisposition.h"

namespace chatd::proto {

namespace {

// RFC 8187's attr-char: what goes unescaped in an ext-value.
bool attrChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string contentDisposition(bool inlined, std::string_view filename) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string fallback;  // printable ASCII but the quote and backslash, '_' for the rest
  std::string encoded;
  for (const char ch : filename) {
    const auto c = static_cast<unsigned char>(ch);
    fallback.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? ch : '_');
    if (attrChar(c)) {
      encoded.push_back(ch);
    } else {
      encoded += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return std::string(inlined ? "inline" : "attachment") + "; filename=\"" + fallback + "\"; filename*=UTF-8''" +
         encoded;
}

}  // namespace chatd::proto
