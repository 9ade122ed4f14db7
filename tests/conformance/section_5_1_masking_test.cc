// RFC 6455 §5.1 (overview: who masks) and §5.3 (client-to-server masking).
//
// §5.1: a server MUST NOT mask any frame it sends; a server MUST close the
//   connection on receiving an unmasked frame, and MAY send Close 1002 first
//   (chatd does, and this suite requires it).
// §5.3: the masking key is any 32-bit value chosen by the client, and
//   octet i of the payload is XORed with octet i MOD 4 of the key.
#include <array>
#include <string>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

// --- §5.1: every kind of frame the server sends is unmasked -------------------

struct ServerFrameCase {
  std::string name;
  std::string send;
  uint8_t opcode;  // of the expected reply
  std::string payload;
  uint16_t closeCode = 0;  // for a Close reply
};

using ServerNeverMasks = EchoSuiteWithParam<ServerFrameCase>;

// nextFrameIs fails on a masked frame; the Close cases also go through closesWith.
TEST_P(ServerNeverMasks, Section5_1_ServerFrameIsUnmasked) {
  const auto& c = GetParam();
  ASSERT_TRUE(ws.sendRaw(c.send));
  if (c.opcode == kClose) {
    EXPECT_TRUE(closesWith(ws, c.closeCode));
  } else {
    EXPECT_TRUE(nextFrameIs(ws, c.opcode, c.payload));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Section5_1, ServerNeverMasks,
    ::testing::Values(ServerFrameCase{"TextEcho", textFrame("masked in, unmasked out"), kText, "masked in, unmasked out"},
                      ServerFrameCase{"BinaryEcho", binaryFrame(patternBytes(300)), kBinary, patternBytes(300)},
                      ServerFrameCase{"Pong", controlFrame(kPing, "ping"), kPong, "ping"},
                      ServerFrameCase{"CloseReply", closeFrame(1000), kClose, {}, 1000},
                      ServerFrameCase{"CloseOnError", RawFrame{.opcode = 0x3}.encode(), kClose, {}, 1002}),
    NameOf{});

// --- §5.1: an unmasked client frame fails the connection ----------------------

struct UnmaskedCase {
  std::string name;
  RawFrame frame;
};

using UnmaskedClientFrame = EchoSuiteWithParam<UnmaskedCase>;

TEST_P(UnmaskedClientFrame, Section5_1_FailsWith1002AndClosesTcp) {
  RawFrame frame = GetParam().frame;
  frame.masked = false;
  EXPECT_TRUE(failsAfterPrelude(ws, frame.encode(), 1002));
}

INSTANTIATE_TEST_SUITE_P(Section5_1, UnmaskedClientFrame,
                         ::testing::Values(UnmaskedCase{"Text", {.opcode = kText, .payload = "Hello"}},
                                           UnmaskedCase{"EmptyText", {.opcode = kText}},
                                           UnmaskedCase{"Binary", {.opcode = kBinary, .payload = patternBytes(200)}},
                                           UnmaskedCase{"FirstFragment", {.opcode = kText, .payload = "Hel", .fin = false}},
                                           UnmaskedCase{"Ping", {.opcode = kPing, .payload = "ping"}},
                                           UnmaskedCase{"Pong", {.opcode = kPong}},
                                           UnmaskedCase{"Close", {.opcode = kClose, .payload = closePayload(1000)}}),
                         NameOf{});

// An unmasked continuation inside a fragmented message is just as fatal.
TEST_F(EchoSuite, Section5_1_UnmaskedContinuationFailsWith1002) {
  const RawFrame tail{.opcode = kContinuation, .payload = "lo", .masked = false};
  EXPECT_TRUE(failsAfterPrelude(ws, textFrame("Hel", false) + tail.encode(), 1002));
}

// --- §5.3: any key, applied octet by octet -------------------------------------

struct MaskKeyCase {
  std::string name;
  std::array<uint8_t, 4> key;
};

using MaskingKey = EchoSuiteWithParam<MaskKeyCase>;

// Payload lengths 0..9 and 127 cover every position of the key and a 16-bit length.
TEST_P(MaskingKey, Section5_3_PayloadUnmaskedWithTheGivenKey) {
  for (size_t length : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 127}) {
    const std::string payload = patternBytes(length, static_cast<uint8_t>(length));
    ASSERT_TRUE(ws.sendRaw(RawFrame{.opcode = kBinary, .payload = payload, .maskKey = GetParam().key}.encode()));
    EXPECT_TRUE(nextFrameIs(ws, kBinary, payload)) << "payload length " << length;
  }
}

INSTANTIATE_TEST_SUITE_P(Section5_3, MaskingKey,
                         ::testing::Values(MaskKeyCase{"AllZero", {0, 0, 0, 0}},
                                           MaskKeyCase{"AllOnes", {0xff, 0xff, 0xff, 0xff}},
                                           MaskKeyCase{"RfcExample", {0x37, 0xfa, 0x21, 0x3d}},
                                           MaskKeyCase{"Counting", {0x01, 0x02, 0x03, 0x04}}),
                         NameOf{});

// §5.3: each frame has its own key; the key of one frame never leaks into the
// next, including across the fragments of one message.
TEST_F(EchoSuite, Section5_3_EachFragmentUsesItsOwnKey) {
  const RawFrame first{.opcode = kText, .payload = "abcde", .fin = false, .maskKey = {1, 2, 3, 4}};
  const RawFrame second{.opcode = kContinuation, .payload = "fghij", .maskKey = {0xa0, 0xb0, 0xc0, 0xd0}};
  ASSERT_TRUE(ws.sendRaw(first.encode() + second.encode()));
  EXPECT_TRUE(nextFrameIs(ws, kText, "abcdefghij"));
}

}  // namespace
}  // namespace chatd::testing::conformance
