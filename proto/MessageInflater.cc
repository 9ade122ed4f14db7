#include "proto/MessageInflater.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>

namespace chatd::proto {

namespace {

constexpr uint8_t kTail[] = {0x00, 0x00, 0xff, 0xff};  // RFC 7692 §7.2.2
constexpr int kWindowBits = 15;
constexpr size_t kMinGuess = 256;  // the output buffer's first size, at least

}  // namespace

MessageInflater::MessageInflater(bool contextTakeover)
    : stream_(std::make_unique<z_stream_s>()), contextTakeover_(contextTakeover) {
  // Negative: raw DEFLATE, no zlib header or checksum.
  if (inflateInit2(stream_.get(), -kWindowBits) != Z_OK) std::abort();  // out of memory at start
}

MessageInflater::~MessageInflater() { inflateEnd(stream_.get()); }

void MessageInflater::reset() { inflateReset(stream_.get()); }

void MessageInflater::restartStream() {
  if (!contextTakeover_) return reset();  // O(1): a message may hold many final blocks
  window_.resize(size_t{1} << kWindowBits);
  uInt length = 0;
  inflateGetDictionary(stream_.get(), window_.data(), &length);
  inflateReset(stream_.get());
  if (length > 0) inflateSetDictionary(stream_.get(), window_.data(), length);
}

MessageInflater::Status MessageInflater::inflate(std::span<const uint8_t> payload, size_t maxBytes,
                                                 std::vector<uint8_t>& out) {
  if (!contextTakeover_) reset();
  out.clear();
  size_t produced = 0;
  bool endedStream = false;
  Status status = run(payload, maxBytes, out, produced, endedStream);
  // A payload that ends with a final block ends with its DEFLATE stream: no
  // tail then, which would start the next stream half-way into a block.
  if (status == Status::kOk && !endedStream) status = run(kTail, maxBytes, out, produced, endedStream);
  out.resize(produced);
  if (status != Status::kOk) reset();
  return status;
}

MessageInflater::Status MessageInflater::run(std::span<const uint8_t> input, size_t maxBytes,
                                             std::vector<uint8_t>& out, size_t& produced, bool& endedStream) {
  z_stream& z = *stream_;
  z.next_in = const_cast<Bytef*>(input.data());  // zlib's API is not const-correct; it only reads
  z.avail_in = static_cast<uInt>(input.size());
  const size_t ceiling = maxBytes + 1;  // one byte past the limit proves the message too big
  while (true) {
    if (produced == out.size()) {  // full, and not past the limit (checked below)
      // A first guess from the compressed size, then doubling, never past
      // the ceiling; reserved first, so the capacity is exactly that.
      const size_t guess = out.empty() ? std::max(kMinGuess, 4 * input.size()) : 2 * out.size();
      const size_t size = std::min(ceiling, guess);
      out.reserve(size);
      out.resize(size);
    }
    const size_t room = std::min<size_t>(out.size() - produced, UINT32_MAX);
    z.next_out = out.data() + produced;
    z.avail_out = static_cast<uInt>(room);
    const int rc = ::inflate(&z, Z_SYNC_FLUSH);
    produced += room - z.avail_out;
    if (produced > maxBytes) return Status::kTooBig;
    endedStream = rc == Z_STREAM_END;
    if (endedStream) {
      // A final block ended the stream; whatever follows (an empty block and
      // the tail, §7.2.3.4) starts a new one.
      restartStream();
      if (z.avail_in == 0) return Status::kOk;
      endedStream = false;
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Status::kCorrupt;  // Z_DATA_ERROR; Z_MEM_ERROR: cannot be inflated
    // All input taken and output room left: everything is out.
    if (z.avail_in == 0 && z.avail_out > 0) return Status::kOk;
    // No progress with room left: cannot happen with input pending; guard the loop anyway.
    if (rc == Z_BUF_ERROR && z.avail_out > 0) return Status::kCorrupt;
  }
}

}  // namespace chatd::proto
