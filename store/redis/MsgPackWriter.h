// The few MessagePack types chatd's Redis records use (RedisKeys.h): arrays,
// maps, integers and strings, encoded as Redis's Lua cmsgpack encodes them
// (the smallest form of each), so a record written here and one written by
// a script are the same bytes. Owns the bytes it builds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::store {

class MsgPackWriter {
 public:
  // A header: the next `count` values (arrays) or key/value pairs (maps) follow.
  MsgPackWriter& array(uint32_t count);
  MsgPackWriter& map(uint32_t count);
  MsgPackWriter& integer(int64_t value);
  MsgPackWriter& string(std::string_view text);

  const std::string& bytes() const { return bytes_; }
  // Hands the bytes over and starts empty again.
  std::string take();

 private:
  // `marker` then `value` in `width` bytes, big-endian.
  void put(uint8_t marker, uint64_t value, int width);
  // A fixed form when `count` fits its four bits, else the 16- or 32-bit form.
  void header(uint8_t fixed, uint8_t marker16, uint8_t marker32, uint32_t count);

  std::string bytes_;
};

}  // namespace chatd::store
