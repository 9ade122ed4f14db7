// The loop's permessage-deflate machinery (RFC 7692), lent to every
// Connection that negotiated it: one deflater and one inflater, each reset
// between messages (chatd always answers no context takeover both ways, see
// proto/WsDeflateOffer.h), the inflated-message buffer they reuse, and the
// counters /metrics shows. Owned by HttpServer; one per loop (single thread).
//
// A connection holds nothing of this: only whether it negotiated and the
// window its client inflates with (Connection's deflateWindowBits_). So an
// idle compressed WebSocket costs what an uncompressed one does.
//
// Shared frames (a broadcast) are compressed once: the compressed frame is
// the frame block's derived block (reactor/Block.h), made by the first member
// that wants it and queued as is to every other. A frame whose compressed form
// is no smaller stays as it is for everyone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/MessageDeflater.h"
#include "proto/MessageInflater.h"
#include "proto/WsTypes.h"
#include "reactor/Block.h"

namespace chatd::server {

struct WsCompressionStats {
  uint64_t compressions = 0;      // messages compressed (each shared frame once)
  uint64_t sharedSends = 0;       // a shared compressed frame queued to one member
  uint64_t compressedReplies = 0;  // replies to one session's input sent compressed
  uint64_t inflations = 0;        // compressed messages received and inflated
};

class WsCompression {
 public:
  WsCompression(bool enabled, size_t minBytes) : enabled_(enabled), minBytes_(minBytes) {}

  // --deflate: whether offers are accepted at all.
  bool enabled() const { return enabled_; }

  // What to queue for a member that negotiated a `windowBits` window (0: no
  // deflate): `frame` (built by makeServerFrame), or its compressed twin,
  // made the first time any member asks for it. Control frames, and messages
  // under --deflate-min-size or too long for the window, stay as they are.
  reactor::BlockRef sharedFrame(const reactor::BlockRef& frame, uint8_t windowBits);
  // A reply to one session's input, compressed when worth it (as above).
  reactor::BlockRef replyFrame(proto::WsOpcode opcode, std::span<const uint8_t> payload, uint8_t windowBits);

  // Inflates one received compressed message, bounded by `maxBytes`. The
  // plaintext lands in `out`: take a buffer with takeBuffer() and hand it back
  // with recycle() once the message is handled, so a message being handled
  // never shares its bytes with the next one inflated.
  proto::MessageInflater::Status inflate(std::span<const uint8_t> payload, size_t maxBytes, std::vector<uint8_t>& out);
  std::vector<uint8_t> takeBuffer() { return std::move(buffer_); }
  void recycle(std::vector<uint8_t> buffer);

  const WsCompressionStats& stats() const { return stats_; }

 private:
  // Whether a message of `plainBytes` goes compressed to a `windowBits` member:
  // its compressed bytes only refer back less than plainBytes, so they fit
  // any window of at least that size.
  bool worthCompressing(size_t plainBytes, uint8_t windowBits) const;
  // The compressed frame of a message; empty when that is no smaller.
  reactor::BlockRef compress(proto::WsOpcode opcode, std::span<const uint8_t> payload);

  proto::MessageDeflater deflater_;
  proto::MessageInflater inflater_;
  std::vector<uint8_t> compressed_;  // the deflater's output, reused
  std::vector<uint8_t> buffer_;      // the inflated-message buffer, kept while small
  WsCompressionStats stats_;
  bool enabled_;
  size_t minBytes_;
};

}  // namespace chatd::server
