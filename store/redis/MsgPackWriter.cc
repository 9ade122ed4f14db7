#include "store/redis/MsgPackWriter.h"

namespace chatd::store {

void MsgPackWriter::put(uint8_t marker, uint64_t value, int width) {
  bytes_ += static_cast<char>(marker);
  for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) bytes_ += static_cast<char>((value >> shift) & 0xff);
}

void MsgPackWriter::header(uint8_t fixed, uint8_t marker16, uint8_t marker32, uint32_t count) {
  if (count < 16) {
    bytes_ += static_cast<char>(fixed | count);
  } else if (count <= 0xffff) {
    put(marker16, count, 2);
  } else {
    put(marker32, count, 4);
  }
}

MsgPackWriter& MsgPackWriter::array(uint32_t count) {
  header(0x90, 0xdc, 0xdd, count);
  return *this;
}

MsgPackWriter& MsgPackWriter::map(uint32_t count) {
  header(0x80, 0xde, 0xdf, count);
  return *this;
}

MsgPackWriter& MsgPackWriter::integer(int64_t value) {
  const auto bits = static_cast<uint64_t>(value);
  if (value >= 0) {
    if (value < 128) {
      bytes_ += static_cast<char>(value);  // positive fixint
    } else if (value <= 0xff) {
      put(0xcc, bits, 1);
    } else if (value <= 0xffff) {
      put(0xcd, bits, 2);
    } else if (value <= 0xffffffffLL) {
      put(0xce, bits, 4);
    } else {
      put(0xcf, bits, 8);
    }
  } else if (value >= -32) {
    bytes_ += static_cast<char>(value);  // negative fixint: the byte is the value
  } else if (value >= INT8_MIN) {
    put(0xd0, bits, 1);
  } else if (value >= INT16_MIN) {
    put(0xd1, bits, 2);
  } else if (value >= INT32_MIN) {
    put(0xd2, bits, 4);
  } else {
    put(0xd3, bits, 8);
  }
  return *this;
}

MsgPackWriter& MsgPackWriter::string(std::string_view text) {
  const size_t size = text.size();
  if (size < 32) {
    bytes_ += static_cast<char>(0xa0 | size);
  } else if (size <= 0xff) {
    put(0xd9, size, 1);
  } else if (size <= 0xffff) {
    put(0xda, size, 2);
  } else {
    put(0xdb, size, 4);
  }
  bytes_ += text;
  return *this;
}

std::string MsgPackWriter::take() {
  std::string taken;
  taken.swap(bytes_);
  return taken;
}

}  // namespace chatd::store
