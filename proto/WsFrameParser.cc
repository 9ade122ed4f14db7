#include "proto/WsFrameParser.h"

#include <algorithm>
#include <cstring>

namespace chatd::proto {

// Part of the ~263 bytes an idle WebSocket costs (bench/RESULTS.md; docs/architecture.md, "What an idle WebSocket costs").
static_assert(sizeof(WsFrameParser) <= 56, "WsFrameParser grew: the idle-WebSocket figure grows with it");

namespace {

size_t headerLengthFor(uint8_t byte1) {
  size_t len = 2;
  uint8_t len7 = byte1 & 0x7F;
  if (len7 == 126) len += 2;
  if (len7 == 127) len += 8;
  if (byte1 & 0x80) len += 4;
  return len;
}

bool isKnownOpcode(uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

}  // namespace

void WsFrameParser::fail(WsFrameSink& sink, uint16_t code, const char* reason) {
  state_ = State::kDone;
  message_.reset();
  control_.reset();
  sink.onWsProtocolError(code, reason);
}

void WsFrameParser::unmask(uint8_t* data, size_t len) {
  if (!frameMasked_) return;
  uint8_t phase = maskPhase_;
  // Eight bytes at a time with the key rotated to the current phase; a
  // multiple of four bytes leaves the phase where it was.
  uint8_t rotated[8];
  for (int j = 0; j < 8; ++j) rotated[j] = mask_[(phase + j) & 3];
  uint64_t key;
  std::memcpy(&key, rotated, 8);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    word ^= key;
    std::memcpy(data + i, &word, 8);
  }
  for (; i < len; ++i) {
    data[i] ^= mask_[phase];
    phase = (phase + 1) & 3;
  }
  maskPhase_ = phase;
}

void WsFrameParser::feed(std::span<uint8_t> input, WsFrameSink& sink) {
  uint8_t* data = input.data();
  size_t len = input.size();
  size_t pos = 0;
  while (pos < len && state_ != State::kDone) {
    if (state_ == State::kHeader) {
      pos += takeHeader(data + pos, len - pos, sink);
    } else {
      pos += takePayload(data + pos, len - pos, sink);
    }
  }
}

size_t WsFrameParser::takeHeader(const uint8_t* data, size_t len, WsFrameSink& sink) {
  size_t used = 0;
  if (headerHave_ < 2) {
    size_t n = std::min<size_t>(2 - headerHave_, len);
    std::memcpy(header_ + headerHave_, data, n);
    headerHave_ += n;
    used += n;
    if (headerHave_ < 2) return used;
  }
  size_t need = headerLengthFor(header_[1]);
  size_t n = std::min(need - headerHave_, len - used);
  std::memcpy(header_ + headerHave_, data + used, n);
  headerHave_ += n;
  used += n;
  if (headerHave_ == need) {
    headerHave_ = 0;
    if (startFrame(sink) && remaining_ == 0) finishFrame({}, sink);
  }
  return used;
}

// Validates a complete header; returns false (after failing) on a violation.
bool WsFrameParser::startFrame(WsFrameSink& sink) {
  const uint8_t b0 = header_[0], b1 = header_[1];
  frameFin_ = b0 & 0x80;
  const bool rsv1 = b0 & 0x40;
  const uint8_t op = b0 & 0x0F;
  frameMasked_ = b1 & 0x80;

  if (b0 & 0x30) return fail(sink, close_code::kProtocolError, "RSV2/RSV3 set without a negotiated extension"), false;
  if (!isKnownOpcode(op)) return fail(sink, close_code::kProtocolError, "reserved opcode"), false;
  frameOpcode_ = static_cast<WsOpcode>(op);
  if (role_ == Role::kServer && !frameMasked_) return fail(sink, close_code::kProtocolError, "client frame not masked"), false;
  if (role_ == Role::kClient && frameMasked_) return fail(sink, close_code::kProtocolError, "server frame masked"), false;

  size_t at = 2;
  uint64_t length = b1 & 0x7F;
  if (length == 126) {
    length = (uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
  } else if (length == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | header_[2 + i];
    at = 10;
    if (length >> 63) return fail(sink, close_code::kProtocolError, "64-bit length with the high bit set"), false;
  }
  if (frameMasked_) std::memcpy(mask_, header_ + at, 4);
  maskPhase_ = 0;

  if (isControl(frameOpcode_)) {
    if (!frameFin_) return fail(sink, close_code::kProtocolError, "fragmented control frame"), false;
    if (length > kMaxControlPayload) return fail(sink, close_code::kProtocolError, "control frame payload over 125 bytes"), false;
    if (rsv1) return fail(sink, close_code::kProtocolError, "RSV1 on a control frame"), false;
  } else if (frameOpcode_ == WsOpcode::kContinuation) {
    if (messageOpcode_ == WsOpcode::kContinuation) return fail(sink, close_code::kProtocolError, "continuation frame with no message in progress"), false;
    if (rsv1) return fail(sink, close_code::kProtocolError, "RSV1 on a continuation frame"), false;
  } else {
    if (messageOpcode_ != WsOpcode::kContinuation) return fail(sink, close_code::kProtocolError, "new data frame inside a fragmented message"), false;
    if (rsv1 && !rsv1Allowed_) return fail(sink, close_code::kProtocolError, "RSV1 set without a negotiated extension"), false;
    messageOpcode_ = frameOpcode_;
    messageCompressed_ = rsv1;
    utf8_.reset();
  }
  if (!isControl(frameOpcode_) && length > maxMessage_ - std::min<uint64_t>(maxMessage_, gatheredBytes())) {
    return fail(sink, close_code::kMessageTooBig, "message exceeds the size limit"), false;
  }
  remaining_ = length;
  payloadSplit_ = false;
  state_ = State::kPayload;
  return true;
}

size_t WsFrameParser::takePayload(uint8_t* data, size_t len, WsFrameSink& sink) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, len));
  unmask(data, n);
  const bool control = isControl(frameOpcode_);
  if (!control && messageOpcode_ == WsOpcode::kText && !messageCompressed_ && !utf8_.feed(data, n)) {
    fail(sink, close_code::kInvalidPayload, "invalid UTF-8 in a text message");
    return n;
  }
  remaining_ -= n;
  // Zero-copy: the whole frame is in this span and nothing is gathered before it.
  const bool whole = remaining_ == 0 && !payloadSplit_;
  if (whole && (control ? !control_ : (frameFin_ && !message_))) {
    finishFrame({data, n}, sink);
    return n;
  }
  payloadSplit_ = true;
  std::unique_ptr<std::string>& gather = control ? control_ : message_;
  if (!gather) gather = std::make_unique<std::string>();
  gather->append(reinterpret_cast<const char*>(data), n);
  if (remaining_ == 0) finishFrame({}, sink);
  return n;
}

// Completes the current frame. `wholeFrame` holds the payload when it was not
// gathered; otherwise the gathered buffer is used.
void WsFrameParser::finishFrame(std::span<const uint8_t> wholeFrame, WsFrameSink& sink) {
  state_ = State::kHeader;
  if (isControl(frameOpcode_)) {
    if (control_) {
      const std::unique_ptr<std::string> payload = std::move(control_);
      finishControl({reinterpret_cast<const uint8_t*>(payload->data()), payload->size()}, sink);
    } else {
      finishControl(wholeFrame, sink);
    }
    return;
  }
  if (!frameFin_) return;
  const WsOpcode opcode = messageOpcode_;
  const bool compressed = messageCompressed_;
  messageOpcode_ = WsOpcode::kContinuation;
  if (opcode == WsOpcode::kText && !compressed && !utf8_.complete()) {
    return fail(sink, close_code::kInvalidPayload, "text message ends inside a UTF-8 sequence");
  }
  if (message_) {
    // Taken out of the parser and freed after the callback: an idle connection holds no buffer.
    const std::unique_ptr<std::string> payload = std::move(message_);
    sink.onWsMessage(opcode, {reinterpret_cast<const uint8_t*>(payload->data()), payload->size()}, compressed);
  } else {
    sink.onWsMessage(opcode, wholeFrame, compressed);
  }
}

void WsFrameParser::finishControl(std::span<const uint8_t> payload, WsFrameSink& sink) {
  switch (frameOpcode_) {
    case WsOpcode::kPing: sink.onWsPing(payload); return;
    case WsOpcode::kPong: sink.onWsPong(payload); return;
    default: break;
  }
  // Close: empty, or a 2-byte code and a UTF-8 reason (§5.5.1).
  if (payload.size() == 1) return fail(sink, close_code::kProtocolError, "close payload of one byte");
  uint16_t code = close_code::kNoStatus;
  std::string_view reason;
  if (payload.size() >= 2) {
    code = static_cast<uint16_t>((payload[0] << 8) | payload[1]);
    if (!isValidReceivedCloseCode(code)) return fail(sink, close_code::kProtocolError, "invalid close code");
    if (!Utf8Validator::isValid(payload.data() + 2, payload.size() - 2)) {
      return fail(sink, close_code::kInvalidPayload, "close reason is not valid UTF-8");
    }
    reason = {reinterpret_cast<const char*>(payload.data() + 2), payload.size() - 2};
  }
  state_ = State::kDone;
  sink.onWsClose(code, reason);
}

}  // namespace chatd::proto
