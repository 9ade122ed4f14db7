// LEB128 varints, as the store's own byte formats write numbers (the bus's
// RoomEventWire, a message's MessageDetails): seven bits a byte, low first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::store {

inline void putVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads one from the front of `in`, consuming what it read; false for a
// cut-short one or one longer than ten bytes (not one of ours).
inline bool takeVarint(std::string_view& in, uint64_t& value) {
  value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace chatd::store
