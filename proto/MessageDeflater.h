// Compresses the payload of one permessage-deflate message at a time (RFC
// 7692 §7.2.1): raw DEFLATE flushed with Z_SYNC_FLUSH, the trailing 0x00 0x00
// 0xff 0xff removed.
//
// Owns one zlib stream, allocated once and reset between messages, never per
// message. Without context takeover (the server's case: it always answers
// server_no_context_takeover) each message stands alone, so one deflater
// serves every connection of a loop and a broadcast is compressed once for all
// its members; with it (clients, tests) later messages may refer back to
// earlier ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct z_stream_s;

namespace chatd::proto {

class MessageDeflater {
 public:
  struct Options {
    int level = 6;  // zlib's 0 (store) .. 9 (smallest)
    bool contextTakeover = false;
    int windowBits = 15;  // 9..15 (zlib's raw DEFLATE has no 8-bit window)
  };

  MessageDeflater() : MessageDeflater(Options{}) {}
  explicit MessageDeflater(Options options);
  ~MessageDeflater();
  MessageDeflater(const MessageDeflater&) = delete;
  MessageDeflater& operator=(const MessageDeflater&) = delete;

  // Appends the compressed payload of the message `plain` to `out`.
  void deflate(std::span<const uint8_t> plain, std::vector<uint8_t>& out);

 private:
  std::unique_ptr<z_stream_s> stream_;
  bool contextTakeover_;
};

}  // namespace chatd::proto
