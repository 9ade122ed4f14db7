// WsFrameParser in both roles over arbitrary bytes.
//
// Input: byte 0 picks the chunking (see Splitter), byte 1 the options (bit 0:
// RSV1 allowed; bit 1: a small message limit; the rest: masking key and how
// messages are re-fragmented), the rest is the stream.
//
// 1. Fed whole and fed in chunks, the stream must give identical events.
// 2. The events re-encoded with encodeFrame (messages cut into fragments,
//    control frames slipped between them) and parsed again must give the same
//    events, without the protocol error that may have ended the original.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "proto/WsFrameParser.h"
#include "proto/WsFrameWriter.h"
#include "tests/fuzz/fuzz_util.h"

using namespace chatd::proto;
using chatd::fuzz::Splitter;

namespace {

struct Event {
  enum Kind : char { kMessage = 'M', kPing = 'P', kPong = 'O', kClose = 'C', kError = 'E' } kind;
  WsOpcode opcode = WsOpcode::kContinuation;
  bool compressed = false;
  uint16_t code = 0;
  std::string bytes;  // payload, close reason or error reason
  bool operator==(const Event&) const = default;
};

class Recorder final : public WsFrameSink {
 public:
  void onWsMessage(WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) override {
    add({Event::kMessage, opcode, compressed, 0, text(payload)});
  }
  void onWsPing(std::span<const uint8_t> payload) override { add({Event::kPing, WsOpcode::kPing, false, 0, text(payload)}); }
  void onWsPong(std::span<const uint8_t> payload) override { add({Event::kPong, WsOpcode::kPong, false, 0, text(payload)}); }
  void onWsClose(uint16_t code, std::string_view reason) override {
    add({Event::kClose, WsOpcode::kClose, false, code, std::string(reason)});
  }
  void onWsProtocolError(uint16_t code, const char* reason) override {
    add({Event::kError, WsOpcode::kContinuation, false, code, reason});
  }

  std::vector<Event> events;

 private:
  static std::string text(std::span<const uint8_t> s) { return {reinterpret_cast<const char*>(s.data()), s.size()}; }
  void add(Event e) {
    // A Close or an error is the parser's last word.
    FUZZ_CHECK(events.empty() || (events.back().kind != Event::kClose && events.back().kind != Event::kError));
    events.push_back(std::move(e));
  }
};

struct Options {
  WsFrameParser::Role role;
  bool rsv1;
  size_t maxMessage;
};

std::vector<Event> parse(const Options& o, const uint8_t* data, size_t size, Splitter* splitter) {
  WsFrameParser parser(o.role, o.maxMessage);
  parser.allowRsv1(o.rsv1);
  Recorder sink;
  std::vector<uint8_t> copy(data, data + size);  // unmasked in place
  for (size_t at = 0; at < size;) {
    const size_t n = splitter ? splitter->next(size - at) : size - at;
    parser.feed({copy.data() + at, n}, sink);
    FUZZ_CHECK(parser.bufferedBytes() <= o.maxMessage + kMaxControlPayload);
    at += n;
  }
  const bool ended = !sink.events.empty() && (sink.events.back().kind == Event::kClose || sink.events.back().kind == Event::kError);
  FUZZ_CHECK(parser.done() == ended);
  for (const Event& e : sink.events) {
    if (e.kind == Event::kMessage) FUZZ_CHECK(e.bytes.size() <= o.maxMessage);
    if (e.kind == Event::kMessage && e.opcode == WsOpcode::kText && !e.compressed) {
      FUZZ_CHECK(Utf8Validator::isValid(reinterpret_cast<const uint8_t*>(e.bytes.data()), e.bytes.size()));
    }
    if (e.kind == Event::kPing || e.kind == Event::kPong) FUZZ_CHECK(e.bytes.size() <= kMaxControlPayload);
  }
  return sink.events;
}

// The events as a peer of the parser's role would send them.
std::string encode(const std::vector<Event>& events, const Options& o, uint8_t shape) {
  const uint8_t key[4] = {shape, static_cast<uint8_t>(shape ^ 0x5A), 0x00, 0xFF};
  auto frame = [&](WsOpcode op, bool fin, bool rsv1, std::string_view payload) {
    WsFrameHeader h;
    h.opcode = op;
    h.fin = fin;
    h.rsv1 = rsv1;
    h.mask = o.role == WsFrameParser::Role::kServer ? key : nullptr;
    return encodeFrame(h, payload);
  };
  Splitter fragments(shape);
  std::string out, controls;  // control frames waiting to be slipped into the next message
  for (const Event& e : events) {
    switch (e.kind) {
      case Event::kPing:
      case Event::kPong:
        controls += frame(e.opcode, true, false, e.bytes);
        break;
      case Event::kClose:
        out += controls + frame(WsOpcode::kClose, true, false, e.code == close_code::kNoStatus ? "" : closePayload(e.code, e.bytes));
        return out;
      case Event::kError:
        return out + controls;
      case Event::kMessage: {
        std::string_view rest = e.bytes;
        bool first = true;
        do {
          const size_t n = fragments.next(rest.size());
          const bool fin = n == rest.size();
          if (fin) out += std::exchange(controls, {});  // controls land before the message completes
          out += frame(first ? e.opcode : WsOpcode::kContinuation, fin, first && e.compressed, rest.substr(0, n));
          rest.remove_prefix(n);
          first = false;
        } while (!rest.empty());
        break;
      }
    }
  }
  return out + controls;
}

void check(const Options& o, const uint8_t* data, size_t size, uint8_t selector, uint8_t shape) {
  Splitter splitter(selector);
  const std::vector<Event> whole = parse(o, data, size, nullptr);
  const std::vector<Event> split = parse(o, data, size, &splitter);
  FUZZ_CHECK(whole == split);

  std::vector<Event> expected = whole;
  if (!expected.empty() && expected.back().kind == Event::kError) expected.pop_back();
  const std::string again = encode(whole, o, shape);
  FUZZ_CHECK(parse(o, reinterpret_cast<const uint8_t*>(again.data()), again.size(), nullptr) == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t size) {
  if (size < 2) return 0;
  const uint8_t selector = input[0], flags = input[1];
  const bool rsv1 = flags & 1;
  const size_t maxMessage = (flags & 2) ? 200 : 1 << 20;
  for (auto role : {WsFrameParser::Role::kServer, WsFrameParser::Role::kClient}) {
    check({role, rsv1, maxMessage}, input + 2, size - 2, selector, static_cast<uint8_t>(flags >> 2));
  }
  return 0;
}
