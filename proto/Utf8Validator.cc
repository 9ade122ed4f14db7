#include "proto/Utf8Validator.h"

#include <cstring>

namespace chatd::proto {

Utf8Validator::State Utf8Validator::step(State state, uint8_t b) {
  auto tail = [b](uint8_t lo, uint8_t hi, State next) { return (b >= lo && b <= hi) ? next : kReject; };
  switch (state) {
    case kAccept:
      if (b < 0x80) return kAccept;
      if (b >= 0xC2 && b <= 0xDF) return kTail1;
      if (b == 0xE0) return kAfterE0;
      if (b == 0xED) return kAfterED;
      if (b >= 0xE1 && b <= 0xEF) return kTail2;
      if (b == 0xF0) return kAfterF0;
      if (b >= 0xF1 && b <= 0xF3) return kTail3;
      if (b == 0xF4) return kAfterF4;
      return kReject;  // 80..C1 (stray continuation, overlong 2-byte), F5..FF
    case kTail1: return tail(0x80, 0xBF, kAccept);
    case kTail2: return tail(0x80, 0xBF, kTail1);
    case kTail3: return tail(0x80, 0xBF, kTail2);
    case kAfterE0: return tail(0xA0, 0xBF, kTail1);
    case kAfterED: return tail(0x80, 0x9F, kTail1);
    case kAfterF0: return tail(0x90, 0xBF, kTail2);
    case kAfterF4: return tail(0x80, 0x8F, kTail2);
    case kReject: return kReject;
  }
  return kReject;
}

bool Utf8Validator::feed(const uint8_t* data, size_t len) {
  size_t i = 0;
  State state = state_;
  while (i < len) {
    if (state == kAccept) {
      // Chat text is mostly ASCII: skip it eight bytes at a time.
      while (i + 8 <= len) {
        uint64_t word;
        std::memcpy(&word, data + i, 8);
        if (word & 0x8080808080808080ULL) break;
        i += 8;
      }
      if (i == len) break;
    }
    state = step(state, data[i++]);
    if (state == kReject) break;
  }
  state_ = state;
  return state_ != kReject;
}

bool Utf8Validator::isValid(const uint8_t* data, size_t len) {
  Utf8Validator v;
  return v.feed(data, len) && v.complete();
}

}  // namespace chatd::proto
