// MessageInflater (and MessageDeflater) over arbitrary bytes.
//
// Input: byte 0 picks the output limit (1..4096 bytes, or 64 KiB), byte 1
// how the rest is cut into messages; the rest is the data.
//
// 1. As a compressed payload, the data never inflates past the limit + 1
//    byte, kOk never past the limit, and inflating it again (no context
//    takeover: each message starts afresh) gives the same answer.
// 2. As plaintext, deflated and inflated again it comes back whole when it
//    fits the limit; when it does not, kTooBig with exactly limit + 1 bytes,
//    which are its first bytes.
// 3. Cut into messages and sent with context takeover, each message comes
//    back whole.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/MessageDeflater.h"
#include "proto/MessageInflater.h"
#include "tests/fuzz/fuzz_util.h"

using namespace chatd::proto;
using Status = MessageInflater::Status;
using Bytes = std::vector<uint8_t>;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t limit = data[0] == 0xFF ? 64 * 1024 : 1 + (size_t{data[0]} * 16);
  chatd::fuzz::Splitter splitter(data[1]);
  const std::span<const uint8_t> input(data + 2, size - 2);

  static MessageInflater inflater;  // one for every run, as the server keeps one for every connection
  Bytes out;
  const Status status = inflater.inflate(input, limit, out);
  FUZZ_CHECK(out.size() <= limit + 1);
  FUZZ_CHECK(out.capacity() <= limit + 1);
  if (status == Status::kOk) FUZZ_CHECK(out.size() <= limit);
  if (status == Status::kTooBig) FUZZ_CHECK(out.size() == limit + 1);
  Bytes again;
  FUZZ_CHECK(inflater.inflate(input, limit, again) == status);
  if (status == Status::kOk) FUZZ_CHECK(again == out);

  static MessageDeflater deflater;
  Bytes compressed;
  deflater.deflate(input, compressed);
  const Status roundTrip = inflater.inflate(compressed, limit, out);
  if (input.size() <= limit) {
    FUZZ_CHECK(roundTrip == Status::kOk);
    FUZZ_CHECK(Bytes(input.begin(), input.end()) == out);
  } else {
    FUZZ_CHECK(roundTrip == Status::kTooBig);
    FUZZ_CHECK(out.size() == limit + 1);
    FUZZ_CHECK(Bytes(input.begin(), input.begin() + static_cast<ptrdiff_t>(limit + 1)) == out);
  }

  MessageDeflater sender({.level = 1 + data[1] % 9, .contextTakeover = true});
  MessageInflater receiver(true);
  for (size_t at = 0; at < input.size();) {
    const size_t n = splitter.next(input.size() - at);
    const std::span<const uint8_t> message = input.subspan(at, n);
    at += n;
    compressed.clear();
    sender.deflate(message, compressed);
    FUZZ_CHECK(receiver.inflate(compressed, message.size(), out) == Status::kOk);
    FUZZ_CHECK(Bytes(message.begin(), message.end()) == out);
  }
  return 0;
}
