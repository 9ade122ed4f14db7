// Inflates the payload of one permessage-deflate message at a time (RFC 7692
// §7.2.2): raw DEFLATE with a 15-bit window (which decodes data compressed with
// any smaller one), the 0x00 0x00 0xff 0xff tail appended by the inflater.
//
// Owns one zlib stream, allocated once and reset between messages, never per
// message. Without context takeover (the server's case: it always answers
// client_no_context_takeover) each message starts afresh, so one inflater
// serves every connection of a loop; with it (the client side, tests) the
// window carries over from message to message.
//
// Bounded: the output never grows past the caller's limit + 1 byte. A message
// that would inflate further stops right there (kTooBig: close 1009), so a
// compression bomb costs at most the limit, however much it would expand.
// Data that is not valid DEFLATE is kCorrupt: the payload breaks the
// negotiated extension's framing, a protocol error (1002) rather than a
// payload of the wrong kind (1007, which RFC 6455 keeps for data
// inconsistent with the message type, such as text that is not UTF-8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct z_stream_s;

namespace chatd::proto {

class MessageInflater {
 public:
  enum class Status : uint8_t {
    kOk,
    kTooBig,   // would inflate past the limit
    kCorrupt,  // not a valid DEFLATE stream
  };

  explicit MessageInflater(bool contextTakeover = false);
  ~MessageInflater();
  MessageInflater(const MessageInflater&) = delete;
  MessageInflater& operator=(const MessageInflater&) = delete;

  // Inflates one whole message `payload` into `out` (replacing what it held).
  // kOk: `out` holds the message, at most `maxBytes`. kTooBig: `out` holds
  // the first maxBytes + 1 bytes. `out` grows from a guess (4 x the payload)
  // by doubling, its capacity never past maxBytes + 1 (or what it had).
  // After kTooBig or kCorrupt the stream starts afresh (the connection is
  // failed anyway).
  Status inflate(std::span<const uint8_t> payload, size_t maxBytes, std::vector<uint8_t>& out);

 private:
  // Inflates `input` into out[produced..]; `endedStream`: the input ended
  // exactly where a DEFLATE stream did.
  Status run(std::span<const uint8_t> input, size_t maxBytes, std::vector<uint8_t>& out, size_t& produced,
             bool& endedStream);
  // After the end of a DEFLATE stream (a block with BFINAL set, §7.2.3.4):
  // starts a new one, which with context takeover still sees the window, so
  // later messages decode.
  void restartStream();
  void reset();

  std::unique_ptr<z_stream_s> stream_;
  std::vector<uint8_t> window_;  // context takeover only: the window carried over a restart
  bool contextTakeover_;
};

}  // namespace chatd::proto
