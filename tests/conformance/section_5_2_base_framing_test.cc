// RFC 6455 §5.2 (base framing protocol).
//
// - RSV1, RSV2, RSV3 MUST be 0 unless an extension defines them; a nonzero
//   value with no such extension MUST fail the connection (1002).
// - An unknown opcode (0x3-0x7, 0xB-0xF) MUST fail the connection (1002).
// - Payload length: 7 bits, or 126 + 16 bits, or 127 + 64 bits whose most
//   significant bit MUST be 0; the sender MUST use the minimal encoding, so
//   every server frame is checked for it here.
// - Frames are a byte stream: a server must parse them however TCP cuts them.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

// --- RSV bits --------------------------------------------------------------------

struct RsvCase {
  std::string name;
  uint8_t rsv;
  uint8_t opcode;
};

using ReservedBits = EchoSuiteWithParam<RsvCase>;

TEST_P(ReservedBits, Section5_2_NonzeroRsvWithoutExtensionFailsWith1002) {
  const auto& c = GetParam();
  std::string bad;
  if (c.opcode == kContinuation) bad = textFrame("start", false);  // RSV on the continuation only
  const std::string payload = c.opcode == kClose ? closePayload(1000) : "payload";
  bad += RawFrame{.opcode = c.opcode, .payload = payload, .rsv = c.rsv}.encode();
  EXPECT_TRUE(failsAfterPrelude(ws, bad, 1002));
}

std::vector<RsvCase> rsvCases() {
  const std::pair<const char*, uint8_t> bits[] = {{"Rsv1", 4}, {"Rsv2", 2}, {"Rsv3", 1}, {"Rsv12", 6}, {"Rsv123", 7}};
  const std::pair<const char*, uint8_t> opcodes[] = {{"Text", kText},   {"Binary", kBinary}, {"Continuation", kContinuation},
                                                     {"Ping", kPing},   {"Pong", kPong},     {"Close", kClose}};
  std::vector<RsvCase> cases;
  for (const auto& [bitName, rsv] : bits) {
    for (const auto& [opName, opcode] : opcodes) cases.push_back({std::string(bitName) + "_" + opName, rsv, opcode});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Section5_2, ReservedBits, ::testing::ValuesIn(rsvCases()), NameOf{});

// --- Reserved opcodes ----------------------------------------------------------

struct OpcodeCase {
  std::string name;
  uint8_t opcode;
  std::string payload;
};

using ReservedOpcode = EchoSuiteWithParam<OpcodeCase>;

TEST_P(ReservedOpcode, Section5_2_UnknownOpcodeFailsWith1002) {
  EXPECT_TRUE(failsAfterPrelude(ws, RawFrame{.opcode = GetParam().opcode, .payload = GetParam().payload}.encode(), 1002));
}

// Also inside a fragmented message, where a lax parser might take it for a continuation.
TEST_P(ReservedOpcode, Section5_2_UnknownOpcodeInsideFragmentedMessageFailsWith1002) {
  const std::string bad = textFrame("frag", false) + RawFrame{.opcode = GetParam().opcode, .payload = GetParam().payload}.encode();
  EXPECT_TRUE(failsAfterPrelude(ws, bad, 1002));
}

std::vector<OpcodeCase> reservedOpcodeCases() {
  std::vector<OpcodeCase> cases;
  for (uint8_t op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    char name[16];
    std::snprintf(name, sizeof name, "Opcode%X", op);
    cases.push_back({std::string(name) + "_Empty", op, ""});
    cases.push_back({std::string(name) + "_WithPayload", op, "reserved"});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Section5_2, ReservedOpcode, ::testing::ValuesIn(reservedOpcodeCases()), NameOf{});

// --- Payload length ------------------------------------------------------------

struct LengthCase {
  std::string name;
  size_t size;
  std::string expectedHeader;  // the minimal encoding the server must use
};

using PayloadLength = EchoSuiteWithParam<LengthCase>;

// The echo is byte-identical and the server's header uses the minimal length form.
TEST_P(PayloadLength, Section5_2_EchoedWithMinimalLengthEncoding) {
  const auto& c = GetParam();
  const std::string payload = patternBytes(c.size, 7);
  ASSERT_TRUE(ws.sendRaw(binaryFrame(payload)));
  ASSERT_TRUE(ws.fill(c.expectedHeader.size(), kReplyTimeoutMs)) << "no reply header";
  EXPECT_EQ(hex(ws.buffered().substr(0, c.expectedHeader.size())), hex(c.expectedHeader));
  EXPECT_TRUE(nextFrameIs(ws, kBinary, payload));
}

std::string header(std::initializer_list<uint8_t> bytes) { return std::string(bytes.begin(), bytes.end()); }

INSTANTIATE_TEST_SUITE_P(
    Section5_2, PayloadLength,
    ::testing::Values(LengthCase{"Len0", 0, header({0x82, 0})}, LengthCase{"Len1", 1, header({0x82, 1})},
                      LengthCase{"Len125", 125, header({0x82, 125})},
                      LengthCase{"Len126", 126, header({0x82, 126, 0x00, 126})},
                      LengthCase{"Len127", 127, header({0x82, 126, 0x00, 127})},
                      LengthCase{"Len65535", 65535, header({0x82, 126, 0xff, 0xff})},
                      LengthCase{"Len65536", 65536, header({0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0})},
                      LengthCase{"Len131073", 131073, header({0x82, 127, 0, 0, 0, 0, 0, 2, 0, 1})}),
    NameOf{});

// The minimal-encoding MUST binds the sender; a receiver may accept a longer
// form, and chatd does (as most servers). The echo is re-encoded minimally.
struct LongFormCase {
  std::string name;
  size_t size;
  RawFrame::Length length;
};

using NonMinimalLength = EchoSuiteWithParam<LongFormCase>;

TEST_P(NonMinimalLength, Section5_2_SmallPayloadInLongLengthFormIsAccepted) {
  const std::string payload(GetParam().size, 'x');
  ASSERT_TRUE(ws.sendRaw(RawFrame{.opcode = kText, .payload = payload, .length = GetParam().length}.encode()));
  EXPECT_TRUE(nextFrameIs(ws, kText, payload));
}

INSTANTIATE_TEST_SUITE_P(Section5_2, NonMinimalLength,
                         ::testing::Values(LongFormCase{"Len0In16Bit", 0, RawFrame::Length::k16Bit},
                                           LongFormCase{"Len5In16Bit", 5, RawFrame::Length::k16Bit},
                                           LongFormCase{"Len5In64Bit", 5, RawFrame::Length::k64Bit},
                                           LongFormCase{"Len125In64Bit", 125, RawFrame::Length::k64Bit},
                                           LongFormCase{"Len300In64Bit", 300, RawFrame::Length::k64Bit}),
                         NameOf{});

// "the most significant bit MUST be 0": a 64-bit length with it set is a
// protocol error (whatever the message limit), failed on the header alone.
TEST_F(EchoSuite, Section5_2_64BitLengthWithMostSignificantBitFailsWith1002) {
  const RawFrame frame{.opcode = kBinary, .declaredLength = 0x8000000000000005ull};
  EXPECT_TRUE(failsAfterPrelude(ws, frame.encode(), 1002));
}

// --- A byte stream, however it is cut ------------------------------------------

// One stream exercising every header shape: 7-bit, 16-bit and 64-bit lengths,
// a fragmented message with a ping inside, and an empty frame.
std::string mixedStream() {
  return textFrame("Hello") + binaryFrame(patternBytes(200)) + textFrame("frag", false) + controlFrame(kPing, "in") +
         continuationFrame("mented") + RawFrame{.opcode = kBinary, .payload = "long", .length = RawFrame::Length::k64Bit}.encode() +
         textFrame("");
}

::testing::AssertionResult mixedStreamEchoed(WsTestClient& ws) {
  const std::pair<uint8_t, std::string> replies[] = {{kText, "Hello"}, {kBinary, patternBytes(200)}, {kPong, "in"},
                                                     {kText, "fragmented"}, {kBinary, "long"}, {kText, ""}};
  for (const auto& [opcode, payload] : replies) {
    if (auto ok = nextFrameIs(ws, opcode, payload); !ok) return ok;
  }
  return ::testing::AssertionSuccess();
}

struct SplitCase {
  std::string name;
  size_t chunk;
  int pauseMs;
};

using SplitStream = EchoSuiteWithParam<SplitCase>;

TEST_P(SplitStream, Section5_2_FramesParsedAcrossArbitraryWrites) {
  ASSERT_TRUE(sendInPieces(ws, mixedStream(), GetParam().chunk, GetParam().pauseMs));
  EXPECT_TRUE(mixedStreamEchoed(ws));
}

INSTANTIATE_TEST_SUITE_P(Section5_2, SplitStream,
                         ::testing::Values(SplitCase{"AllInOneWrite", 1 << 20, 0}, SplitCase{"OneBytePerWrite", 1, 1},
                                           SplitCase{"TwoBytesPerWrite", 2, 1}, SplitCase{"ThreeBytesPerWrite", 3, 1},
                                           SplitCase{"SevenBytesPerWrite", 7, 1}, SplitCase{"ThirteenBytesPerWrite", 13, 1}),
                         NameOf{});

// Many frames in one segment are all processed, in order.
TEST_F(EchoSuite, Section5_2_HundredFramesInOneWriteEchoedInOrder) {
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += textFrame("message " + std::to_string(i));
  ASSERT_TRUE(ws.sendRaw(stream));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(nextFrameIs(ws, kText, "message " + std::to_string(i)));
}

}  // namespace
}  // namespace chatd::testing::conformance
