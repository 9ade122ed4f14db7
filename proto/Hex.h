// Bytes as lowercase hexadecimal, two digits a byte.
#pragma once

#include <cstddef>
#include <string>

namespace chatd::proto {

inline std::string lowerHex(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace chatd::proto
