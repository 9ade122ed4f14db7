// The one byte range of a Range header (RFC 9110 §14) against a
// representation of a known size: what a download answers with.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chatd::proto {

struct RangeAnswer {
  enum class Kind {
    kWhole,          // no Range, another unit, several ranges or bad syntax: 200 with it all
    kPart,           // 206 with bytes first..last (inclusive)
    kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
  };
  Kind kind = Kind::kWhole;
  uint64_t first = 0;
  uint64_t last = 0;
};

RangeAnswer parseRange(std::optional<std::string_view> header, uint64_t size);

}  // namespace chatd::proto
