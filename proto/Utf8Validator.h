// Streaming UTF-8 validation (RFC 3629): rejects overlong forms, surrogates
// (U+D800..U+DFFF) and code points above U+10FFFF as soon as the offending
// byte arrives, so a bad message fails fast even when split across frames.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatd::proto {

class Utf8Validator {
 public:
  // Feeds more bytes; returns false once the input can no longer be valid.
  bool feed(const uint8_t* data, size_t len);
  // True when the bytes fed so far end on a code point boundary and are valid.
  bool complete() const { return state_ == kAccept; }
  bool failed() const { return state_ == kReject; }
  void reset() { state_ = kAccept; }

  // Whole-buffer convenience check.
  static bool isValid(const uint8_t* data, size_t len);

 private:
  // Each state names what the next byte must be.
  enum State : uint8_t {
    kAccept,     // a lead byte or ASCII
    kReject,     // sticky failure
    kTail1,      // one continuation byte 80..BF left
    kTail2,      // two continuation bytes left
    kTail3,      // three continuation bytes left
    kAfterE0,    // A0..BF (no overlong 3-byte forms), then one more
    kAfterED,    // 80..9F (no surrogates), then one more
    kAfterF0,    // 90..BF (no overlong 4-byte forms), then two more
    kAfterF4,    // 80..8F (nothing above U+10FFFF), then two more
  };
  static State step(State state, uint8_t byte);

  State state_ = kAccept;
};

}  // namespace chatd::proto
