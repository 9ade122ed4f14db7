#include "proto/WsFrameWriter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/ws_test_frames.h"

namespace chatd::proto {
namespace {

using namespace ws_test;

std::string asString(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }

// Encodes into a buffer larger than needed and checks nothing is written past
// the returned length.
std::string encodeHeader(const WsFrameHeader& header, uint64_t length) {
  constexpr uint8_t kUntouched = 0xEE;
  uint8_t out[kMaxFrameHeader + 4];
  std::fill(std::begin(out), std::end(out), kUntouched);
  const size_t n = encodeFrameHeader(header, length, out);
  EXPECT_LE(n, kMaxFrameHeader);
  for (size_t i = n; i < sizeof out; ++i) EXPECT_EQ(out[i], kUntouched) << "byte " << i << " written";
  return {reinterpret_cast<const char*>(out), n};
}

struct LengthCase {
  uint64_t length;
  std::vector<uint8_t> lengthBytes;  // the second header byte onwards, unmasked
};

const std::vector<LengthCase> kLengths = {
    {0, {0x00}},
    {1, {0x01}},
    {125, {0x7D}},
    {126, {0x7E, 0x00, 0x7E}},
    {127, {0x7E, 0x00, 0x7F}},
    {65535, {0x7E, 0xFF, 0xFF}},
    {65536, {0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}},
    {0x0102030405060708, {0x7F, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}},
};

TEST(WsFrameWriter, LengthEncodings) {
  for (const LengthCase& c : kLengths) {
    SCOPED_TRACE(c.length);
    EXPECT_EQ(encodeHeader({}, c.length), "\x81" + asString(c.lengthBytes));

    WsFrameHeader masked;
    masked.mask = kMaskKey;
    std::vector<uint8_t> expected = c.lengthBytes;
    expected[0] |= 0x80;
    expected.insert(expected.end(), std::begin(kMaskKey), std::end(kMaskKey));
    EXPECT_EQ(encodeHeader(masked, c.length), "\x81" + asString(expected));
  }
}

TEST(WsFrameWriter, FirstByte) {
  struct Case {
    WsOpcode opcode;
    bool fin;
    bool rsv1;
    uint8_t expected;
  };
  const Case cases[] = {
      {WsOpcode::kText, true, false, 0x81},          {WsOpcode::kBinary, true, false, 0x82},
      {WsOpcode::kText, false, false, 0x01},         {WsOpcode::kContinuation, false, false, 0x00},
      {WsOpcode::kContinuation, true, false, 0x80},  {WsOpcode::kClose, true, false, 0x88},
      {WsOpcode::kPing, true, false, 0x89},          {WsOpcode::kPong, true, false, 0x8A},
      {WsOpcode::kText, true, true, 0xC1},           {WsOpcode::kBinary, false, true, 0x42},
  };
  for (const Case& c : cases) {
    const std::string head = encodeHeader({c.opcode, c.fin, c.rsv1, nullptr}, 3);
    EXPECT_EQ(static_cast<uint8_t>(head[0]), c.expected) << "opcode " << int(c.opcode) << " fin " << c.fin << " rsv1 " << c.rsv1;
  }
}

// RFC 6455 §5.7.
TEST(WsFrameWriter, Rfc6455Examples) {
  EXPECT_EQ(encodeFrame(WsFrameHeader{}, "Hello"), "\x81\x05Hello");
  EXPECT_EQ(encodeFrame({WsOpcode::kText, true, false, kMaskKey}, "Hello"), "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
  EXPECT_EQ(encodeFrame({WsOpcode::kText, false, false, nullptr}, "Hel") +
                encodeFrame({WsOpcode::kContinuation, true, false, nullptr}, "lo"),
            "\x01\x03Hel\x80\x02lo");
  EXPECT_EQ(encodeFrame({WsOpcode::kPing, true, false, nullptr}, "Hello"), "\x89\x05Hello");
}

class WsFrameWriterRoundTrip : public ::testing::TestWithParam<size_t> {};

// Masked frames must parse on the server side, unmasked ones on the client
// side, and match the frames the tests build by hand.
TEST_P(WsFrameWriterRoundTrip, ThroughWsFrameParser) {
  const std::string payload = patternBytes(GetParam());
  const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());

  const std::string masked = encodeFrame({WsOpcode::kBinary, true, false, kMaskKey}, span);
  EXPECT_EQ(masked, rawFrame(kFin | kOpBinary, payload));
  EXPECT_EQ(parseWhole(masked), std::vector<WsEvent>{binaryEvent(payload)});

  const std::string plain = encodeFrame({WsOpcode::kBinary, true, false, nullptr}, span);
  EXPECT_EQ(plain, rawFrame(kFin | kOpBinary, payload, false));
  EXPECT_EQ(parseWhole(plain, {WsFrameParser::Role::kClient}), std::vector<WsEvent>{binaryEvent(payload)});

  const std::string text(GetParam(), 't');
  const std::string compressed = encodeFrame({WsOpcode::kText, true, true, kMaskKey}, text);
  EXPECT_EQ(parseWhole(compressed, {WsFrameParser::Role::kServer, 1 << 20, true}),
            std::vector<WsEvent>{textEvent(text, true)});
}

INSTANTIATE_TEST_SUITE_P(Boundaries, WsFrameWriterRoundTrip, ::testing::Values(0, 1, 125, 126, 65535, 65536));

TEST(WsFrameWriter, FragmentsAndControlFramesRoundTrip) {
  const WsFrameHeader first{WsOpcode::kText, false, false, kMaskKey};
  const WsFrameHeader middle{WsOpcode::kContinuation, false, false, kMaskKey};
  const WsFrameHeader last{WsOpcode::kContinuation, true, false, kMaskKey};
  const std::string wire = encodeFrame(first, "h\xC3") + encodeFrame({WsOpcode::kPing, true, false, kMaskKey}, "p") +
                           encodeFrame(middle, "\xA9") + encodeFrame({WsOpcode::kPong, true, false, kMaskKey}, "") +
                           encodeFrame(last, "llo") +
                           encodeFrame({WsOpcode::kClose, true, false, kMaskKey}, closePayload(1000, "bye"));
  expectEventsInEverySplit(wire, {pingEvent("p"), pongEvent(""), textEvent("h\xC3\xA9llo"), closeEvent(1000, "bye")});
}

TEST(WsFrameWriter, ClosePayload) {
  EXPECT_EQ(closePayload(1000, ""), "\x03\xE8");
  EXPECT_EQ(closePayload(1001, "bye"), "\x03\xE9" "bye");
  EXPECT_EQ(closePayload(4999, "x"), "\x13\x87x");
  EXPECT_EQ(closePayload(0xFFFF, ""), "\xFF\xFF");
  EXPECT_EQ(closePayload(0x0100, ""), std::string("\x01\x00", 2));
  const std::string reason = "d\xC3\xA9j\xC3\xA0 vu";
  EXPECT_EQ(parseWhole(encodeFrame({WsOpcode::kClose, true, false, kMaskKey}, closePayload(4000, reason))),
            std::vector<WsEvent>{closeEvent(4000, reason)});
}

// decodeUnmaskedFrame reads back what the writer wrote, at every length form.
TEST(WsFrameWriter, DecodeUnmaskedFrameInvertsTheEncoder) {
  for (const LengthCase& c : kLengths) {
    if (c.length > 70000) continue;
    const std::string payload(c.length, 'p');
    for (const WsFrameHeader& header : {WsFrameHeader{.opcode = WsOpcode::kText},
                                        WsFrameHeader{.opcode = WsOpcode::kBinary, .fin = false, .rsv1 = true},
                                        WsFrameHeader{.opcode = WsOpcode::kPing}}) {
      const std::string frame = encodeFrame(header, payload);
      const auto layout = decodeUnmaskedFrame({reinterpret_cast<const uint8_t*>(frame.data()), frame.size()});
      ASSERT_TRUE(layout) << c.length;
      EXPECT_EQ(layout->header.opcode, header.opcode);
      EXPECT_EQ(layout->header.fin, header.fin);
      EXPECT_EQ(layout->header.rsv1, header.rsv1);
      EXPECT_EQ(layout->headerLength, frame.size() - c.length);
    }
  }
}

TEST(WsFrameWriter, DecodeUnmaskedFrameRefusesWhatIsNotOneWholeUnmaskedFrame) {
  const auto decode = [](const std::string& bytes) {
    return decodeUnmaskedFrame({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  };
  const std::string frame = encodeFrame({.opcode = WsOpcode::kText}, "hello");
  EXPECT_TRUE(decode(frame));
  EXPECT_FALSE(decode(frame.substr(0, frame.size() - 1)));  // short
  EXPECT_FALSE(decode(frame + "x"));                        // more than one frame's worth
  EXPECT_FALSE(decode(encodeFrame({.opcode = WsOpcode::kText, .mask = kMaskKey}, "hello")));
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode(std::string("\x81\x7E\x01", 3)));  // a 16-bit length cut short
}

}  // namespace
}  // namespace chatd::proto
