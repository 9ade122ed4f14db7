// The streaming Utf8Validator against a plain decoder written here from
// RFC 3629: whole-input validity, and the promise to fail as soon as the
// bytes so far can no longer be valid, whatever the split.
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/Utf8Validator.h"
#include "tests/fuzz/fuzz_util.h"

using chatd::proto::Utf8Validator;

namespace {

// Decodes code point by code point; rejects malformed sequences, overlong
// forms, surrogates and anything above U+10FFFF.
bool referenceValid(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<uint8_t>(s[i]);
    size_t len;
    uint32_t cp, min;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      len = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      len = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      len = 4, cp = lead & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t j = 1; j < len; ++j) {
      const auto c = static_cast<uint8_t>(s[i + j]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Whether some continuation makes `prefix` valid. The code points a cut
// sequence can still reach form a range; if any of it is allowed, so is one
// of its ends, reached by filling the missing bytes with all 80s or all BFs.
bool referenceViable(const std::string& prefix) {
  if (referenceValid(prefix)) return true;
  for (size_t missing = 1; missing <= 3; ++missing) {
    if (referenceValid(prefix + std::string(missing, '\x80')) || referenceValid(prefix + std::string(missing, '\xBF'))) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1024) size = 1024;  // every split below is quadratic
  const std::string input(reinterpret_cast<const char*>(data), size);
  const bool valid = referenceValid(input);
  FUZZ_CHECK(Utf8Validator::isValid(data, size) == valid);

  // The longest viable prefix: viability only ever goes from true to false.
  size_t lo = 0, hi = size;
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (referenceViable(input.substr(0, mid))) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const size_t viable = lo;

  // Byte by byte: each result says exactly whether the prefix is still viable.
  Utf8Validator stepwise;
  for (size_t k = 1; k <= size; ++k) {
    FUZZ_CHECK(stepwise.feed(data + k - 1, 1) == (k <= viable));
    FUZZ_CHECK(stepwise.failed() == (k > viable));
    FUZZ_CHECK(stepwise.complete() == referenceValid(input.substr(0, k)));
  }
  FUZZ_CHECK(stepwise.complete() == valid);

  // Two pieces, cut at every offset (this crosses the 8-byte ASCII fast path
  // at every alignment).
  for (size_t cut = 0; cut <= size; ++cut) {
    Utf8Validator v;
    const bool first = v.feed(data, cut);
    FUZZ_CHECK(first == (cut <= viable));
    const bool second = v.feed(data + cut, size - cut);
    FUZZ_CHECK(second == (size <= viable));
    FUZZ_CHECK(v.complete() == valid);
    v.reset();
    FUZZ_CHECK(v.complete() && v.feed(reinterpret_cast<const uint8_t*>("ok"), 2));
  }
  return 0;
}
