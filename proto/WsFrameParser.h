// Incremental RFC 6455 frame parser: bytes in any split, complete messages and
// control frames out. It does no I/O and owns no socket.
//
// The input span is mutable because payloads are unmasked in place: a whole,
// unfragmented message that arrives in one span reaches the sink without a copy.
// Only a message that spans several reads or fragments is gathered in the
// parser's own buffer, bounded by the configured message limit.
//
// Every violation stops the parser and reports the close code the RFC asks for
// (1002 protocol error, 1007 invalid UTF-8, 1009 too big). After a Close frame
// or an error the parser ignores further input. The sink may call halt() from
// any callback to stop parsing the rest of the current span.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "proto/Utf8Validator.h"
#include "proto/WsTypes.h"

namespace chatd::proto {

class WsFrameSink {
 public:
  // A complete text or binary message. `compressed` is the RSV1 bit of its
  // first frame (only ever set when the owner allowed RSV1: permessage-deflate);
  // text of a compressed message is not UTF-8 checked here, since the bytes
  // are still deflated.
  virtual void onWsMessage(WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) = 0;
  virtual void onWsPing(std::span<const uint8_t> payload) = 0;
  virtual void onWsPong(std::span<const uint8_t> payload) = 0;
  // A valid Close frame; code is close_code::kNoStatus when the frame had no payload.
  virtual void onWsClose(uint16_t code, std::string_view reason) = 0;
  // The peer broke the protocol; the owner should close with `code`.
  virtual void onWsProtocolError(uint16_t code, const char* reason) = 0;

 protected:
  ~WsFrameSink() = default;
};

class WsFrameParser {
 public:
  enum class Role : uint8_t {
    kServer,  // parses client frames: every frame must be masked
    kClient,  // parses server frames: no frame may be masked
  };

  // Messages are limited to at most 4 GiB - 1 (`maxMessageBytes` is clamped):
  // the limit is kept in 32 bits, as the parser lives in every open connection.
  WsFrameParser(Role role, size_t maxMessageBytes)
      : maxMessage_(static_cast<uint32_t>(std::min<size_t>(maxMessageBytes, UINT32_MAX))), role_(role) {}

  // permessage-deflate negotiated: RSV1 allowed on the first frame of a data message.
  void allowRsv1(bool allowed) { rsv1Allowed_ = allowed; }

  // Parses all of `data` (unless halted), calling the sink as events complete.
  void feed(std::span<uint8_t> data, WsFrameSink& sink);

  void halt() { state_ = State::kDone; }
  bool done() const { return state_ == State::kDone; }

  // Bytes held for an unfinished message or control frame (memory accounting).
  size_t bufferedBytes() const { return gatheredBytes() + (control_ ? control_->size() : 0); }

 private:
  enum class State : uint8_t { kHeader, kPayload, kDone };

  size_t takeHeader(const uint8_t* data, size_t len, WsFrameSink& sink);
  bool startFrame(WsFrameSink& sink);
  size_t takePayload(uint8_t* data, size_t len, WsFrameSink& sink);
  void finishFrame(std::span<const uint8_t> wholeFrame, WsFrameSink& sink);
  void finishControl(std::span<const uint8_t> payload, WsFrameSink& sink);
  void fail(WsFrameSink& sink, uint16_t code, const char* reason);
  void unmask(uint8_t* data, size_t len);

  size_t gatheredBytes() const { return message_ ? message_->size() : 0; }

  // A data message split across frames or reads, gathered; null otherwise.
  std::unique_ptr<std::string> message_;
  // A control payload split across reads: rare, so kept off the idle footprint.
  std::unique_ptr<std::string> control_;
  uint64_t remaining_ = 0;   // payload bytes still to come for the current frame
  uint32_t maxMessage_;
  Utf8Validator utf8_;
  uint8_t header_[kMaxFrameHeader];
  uint8_t headerHave_ = 0;
  uint8_t mask_[4] = {};
  uint8_t maskPhase_ = 0;
  WsOpcode frameOpcode_ = WsOpcode::kContinuation;
  WsOpcode messageOpcode_ = WsOpcode::kContinuation;  // kContinuation: no message in progress
  bool frameFin_ : 1 = false;
  bool frameMasked_ : 1 = false;
  bool payloadSplit_ : 1 = false;  // part of this frame's payload came in an earlier span
  bool messageCompressed_ : 1 = false;
  bool rsv1Allowed_ : 1 = false;
  Role role_;
  State state_ = State::kHeader;
};

}  // namespace chatd::proto
