// Shared by the fuzz targets: a check that survives NDEBUG, and a splitter
// that cuts a buffer into chunks the way reads from a socket might.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                               \
    }                                                                             \
  } while (0)

namespace chatd::fuzz {

// Chunk sizes derived from one byte of the input, so the fuzzer explores
// splits by mutating it: the low two bits pick single bytes, small pieces,
// medium pieces or pieces of any size; the rest seeds the sizes.
class Splitter {
 public:
  explicit Splitter(uint8_t selector) : mode_(selector & 3), state_(0x9E3779B9u ^ (selector * 0x01000193u)) {}

  // The size of the next chunk, 1..remaining (0 only when nothing remains).
  size_t next(size_t remaining) {
    if (remaining == 0) return 0;
    const uint32_t r = step();
    size_t n;
    switch (mode_) {
      case 0: n = 1; break;
      case 1: n = 1 + r % 8; break;
      case 2: n = 1 + r % 97; break;
      default: n = 1 + r % remaining; break;
    }
    return n < remaining ? n : remaining;
  }

 private:
  uint32_t step() {  // xorshift32
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

  uint8_t mode_;
  uint32_t state_;
};

// The input as the targets that compare a split feed with a whole one take
// it: byte 0 picks the chunking, the rest is the stream. Returns
// {run(data, size, nullptr), run(data, size, &splitter)}.
template <typename Run>
auto wholeAndSplit(const uint8_t* input, size_t size, Run run) {
  Splitter splitter(input[0]);
  const char* data = reinterpret_cast<const char*>(input + 1);
  return std::make_pair(run(data, size - 1, nullptr), run(data, size - 1, &splitter));
}

}  // namespace chatd::fuzz
