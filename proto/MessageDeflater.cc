#include "proto/MessageDeflater.h"

#include <zlib.h>

#include <cstdlib>

namespace chatd::proto {

namespace {

constexpr size_t kTailSize = 4;  // 0x00 0x00 0xff 0xff, the end of every sync flush
constexpr int kMemLevel = 8;     // zlib's default

}  // namespace

MessageDeflater::MessageDeflater(Options options)
    : stream_(std::make_unique<z_stream_s>()), contextTakeover_(options.contextTakeover) {
  // Negative window bits: raw DEFLATE, no zlib header or checksum.
  if (deflateInit2(stream_.get(), options.level, Z_DEFLATED, -options.windowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();  // a bad level or window is a caller's bug; else out of memory at start
  }
}

MessageDeflater::~MessageDeflater() { deflateEnd(stream_.get()); }

void MessageDeflater::deflate(std::span<const uint8_t> plain, std::vector<uint8_t>& out) {
  z_stream& z = *stream_;
  if (!contextTakeover_) deflateReset(&z);
  const size_t start = out.size();
  z.next_in = const_cast<Bytef*>(plain.data());  // zlib's API is not const-correct; it only reads
  z.avail_in = static_cast<uInt>(plain.size());
  // deflateBound() covers a finished stream; a sync flush adds an empty
  // stored block (5 bytes) and the bits that close the current one.
  size_t room = deflateBound(&z, static_cast<uLong>(plain.size())) + 16;
  do {
    const size_t have = out.size();
    out.resize(have + room);
    z.next_out = out.data() + have;
    z.avail_out = static_cast<uInt>(room);
    ::deflate(&z, Z_SYNC_FLUSH);  // Z_OK, or Z_BUF_ERROR when it had nothing left to do
    out.resize(out.size() - z.avail_out);
    room = 4096;
  } while (z.avail_out == 0);
  const uint8_t* end = out.data() + out.size();
  if (out.size() - start >= kTailSize && end[-4] == 0x00 && end[-3] == 0x00 && end[-2] == 0xff && end[-1] == 0xff) {
    out.resize(out.size() - kTailSize);
  }
  // zlib flushes nothing for an empty message right after a flush (context
  // takeover): the payload is then the bits of an empty stored block alone,
  // which the tail completes (as §7.2.3.6's 0x00).
  if (out.size() == start) out.push_back(0x00);
}

}  // namespace chatd::proto
