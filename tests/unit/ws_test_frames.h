// Shared by the framer tests: frames built by hand (independently of
// WsFrameWriter, so the writer and the parser check each other), a sink that
// records every event as a value, and a driver that feeds a wire image to a
// fresh WsFrameParser in any split.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proto/WsFrameParser.h"

namespace chatd::proto::ws_test {

// First-byte bits.
constexpr uint8_t kFin = 0x80;
constexpr uint8_t kRsv1 = 0x40;
constexpr uint8_t kRsv2 = 0x20;
constexpr uint8_t kRsv3 = 0x10;
constexpr uint8_t kOpCont = 0x0;
constexpr uint8_t kOpText = 0x1;
constexpr uint8_t kOpBinary = 0x2;
constexpr uint8_t kOpClose = 0x8;
constexpr uint8_t kOpPing = 0x9;
constexpr uint8_t kOpPong = 0xA;

// The masking key of RFC 6455 §5.7's examples.
constexpr uint8_t kMaskKey[4] = {0x37, 0xfa, 0x21, 0x3d};

// One frame with the shortest length encoding; masked unless `masked` is false.
inline std::string rawFrame(uint8_t firstByte, std::string_view payload, bool masked = true) {
  std::string out(1, static_cast<char>(firstByte));
  const uint8_t maskBit = masked ? 0x80 : 0;
  const uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(maskBit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(maskBit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(maskBit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  }
  if (masked) out.append(reinterpret_cast<const char*>(kMaskKey), 4);
  for (size_t i = 0; i < payload.size(); ++i) {
    out.push_back(static_cast<char>(masked ? payload[i] ^ kMaskKey[i & 3] : payload[i]));
  }
  return out;
}

// `n` bytes cycling through all 256 values, so masking and copying mistakes show.
inline std::string patternBytes(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 7 + 3) & 0xFF);
  return out;
}

struct WsEvent {
  enum Kind { kText, kBinary, kPing, kPong, kClose, kError };
  Kind kind;
  std::string payload;  // message, ping or pong payload; close reason
  uint16_t code = 0;    // close code, or the close code of a protocol error
  bool compressed = false;

  bool operator==(const WsEvent&) const = default;
  bool terminal() const { return kind == kClose || kind == kError; }
};

inline WsEvent textEvent(std::string s, bool compressed = false) { return {WsEvent::kText, std::move(s), 0, compressed}; }
inline WsEvent binaryEvent(std::string s, bool compressed = false) { return {WsEvent::kBinary, std::move(s), 0, compressed}; }
inline WsEvent pingEvent(std::string s) { return {WsEvent::kPing, std::move(s)}; }
inline WsEvent pongEvent(std::string s) { return {WsEvent::kPong, std::move(s)}; }
inline WsEvent closeEvent(uint16_t code, std::string reason = {}) { return {WsEvent::kClose, std::move(reason), code}; }
inline WsEvent errorEvent(uint16_t code) { return {WsEvent::kError, {}, code}; }

// Long payloads print as their size and first bytes, not 64 KiB of escapes.
inline void PrintTo(const WsEvent& e, std::ostream* os) {
  static const char* const kNames[] = {"text", "binary", "ping", "pong", "close", "error"};
  *os << kNames[e.kind];
  if (e.compressed) *os << "(compressed)";
  if (e.kind == WsEvent::kClose || e.kind == WsEvent::kError) *os << " " << e.code;
  *os << " [" << e.payload.size() << " bytes]";
  for (size_t i = 0; i < e.payload.size() && i < 24; ++i) {
    *os << ' ' << std::hex << (static_cast<unsigned>(e.payload[i]) & 0xFF) << std::dec;
  }
}

class RecordingSink : public WsFrameSink {
 public:
  std::vector<WsEvent> events;
  std::function<void()> afterEvent;  // e.g. to halt() the parser from inside a callback

  void onWsMessage(WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) override {
    record({opcode == WsOpcode::kText ? WsEvent::kText : WsEvent::kBinary, str(payload), 0, compressed});
  }
  void onWsPing(std::span<const uint8_t> payload) override { record({WsEvent::kPing, str(payload)}); }
  void onWsPong(std::span<const uint8_t> payload) override { record({WsEvent::kPong, str(payload)}); }
  void onWsClose(uint16_t code, std::string_view reason) override { record({WsEvent::kClose, std::string(reason), code}); }
  void onWsProtocolError(uint16_t code, const char* reason) override {
    EXPECT_NE(reason, nullptr);
    EXPECT_GT(std::string_view(reason ? reason : "").size(), 0u) << "errors carry a named reason";
    record({WsEvent::kError, {}, code});
  }

 private:
  static std::string str(std::span<const uint8_t> p) { return {reinterpret_cast<const char*>(p.data()), p.size()}; }
  void record(WsEvent e) {
    events.push_back(std::move(e));
    if (afterEvent) afterEvent();
  }
};

struct ParserSetup {
  WsFrameParser::Role role = WsFrameParser::Role::kServer;
  size_t maxMessage = 1 << 20;
  bool allowRsv1 = false;
};

// Feeds `wire` to a fresh parser in chunks that end at each of the ascending
// `cuts` (and at the end). Every chunk is a separate span of one mutable copy,
// as a socket's reads would be.
inline std::vector<WsEvent> parseInChunks(std::string_view wire, std::span<const size_t> cuts,
                                          const ParserSetup& setup = {}, bool* doneAfter = nullptr) {
  WsFrameParser parser(setup.role, setup.maxMessage);
  parser.allowRsv1(setup.allowRsv1);
  RecordingSink sink;
  std::string bytes(wire);
  size_t from = 0;
  auto feedTo = [&](size_t to) {
    parser.feed(std::span<uint8_t>(reinterpret_cast<uint8_t*>(bytes.data()) + from, to - from), sink);
    from = to;
  };
  for (size_t cut : cuts) feedTo(cut);
  feedTo(bytes.size());
  if (doneAfter) *doneAfter = parser.done();
  return sink.events;
}

inline std::vector<WsEvent> parseWhole(std::string_view wire, const ParserSetup& setup = {}) {
  return parseInChunks(wire, {}, setup);
}

// Where a two-chunk split is tried: every offset, except that inside a long
// payload only every 61st is. The parser's state in a payload depends on the
// header (always covered: it sits in the first bytes), the mask phase (61 is
// coprime with 4, so every phase is hit) and the distance to the end (the last
// KiB is covered); every offset of a 64 KiB frame would cost seconds.
inline bool splitWorthTrying(size_t cut, size_t wireSize) {
  constexpr size_t kEdge = 1024;
  return cut <= kEdge || cut + kEdge >= wireSize || cut % 61 == 0;
}

// The framer's central promise: the same events whatever the split. Feeds
// `wire` whole, in two chunks split at every offset (see splitWorthTrying),
// and byte by byte. When the expected events end in a Close or an error, a
// valid frame is appended to check that the parser ignores everything after it.
inline void expectEventsInEverySplit(std::string wire, const std::vector<WsEvent>& expected,
                                     const ParserSetup& setup = {}) {
  const bool terminal = !expected.empty() && expected.back().terminal();
  if (terminal) {
    wire += rawFrame(kFin | kOpPing, "after", setup.role == WsFrameParser::Role::kServer);
  }
  auto check = [&](std::span<const size_t> cuts, const std::string& how) {
    bool done = false;
    const std::vector<WsEvent> got = parseInChunks(wire, cuts, setup, &done);
    EXPECT_EQ(got, expected) << "fed " << how;
    EXPECT_EQ(done, terminal) << "fed " << how;
    return got == expected && done == terminal;
  };
  if (!check({}, "whole")) return;
  for (size_t cut = 1; cut < wire.size(); ++cut) {
    if (!splitWorthTrying(cut, wire.size())) continue;
    const size_t cuts[] = {cut};
    if (!check(cuts, "in two chunks split at " + std::to_string(cut))) return;  // one report, not thousands
  }
  std::vector<size_t> everyByte;
  for (size_t cut = 1; cut < wire.size(); ++cut) everyByte.push_back(cut);
  check(everyByte, "byte by byte");
}

}  // namespace chatd::proto::ws_test
