// RFC 6455 §7 (closing the connection), with §5.5.1 (the Close frame).
//
// - §5.5.1: a Close body is empty or a 2-byte status code then a UTF-8 reason;
//   one byte is a protocol error. An endpoint that receives a Close and has
//   not sent one MUST answer with a Close (typically echoing the code); after
//   sending a Close it MUST NOT send further data frames, and data received
//   after the peer's Close is discarded.
// - §7.1.1: after the closing handshake the server closes TCP first.
// - §7.1.5/§7.4: 1005, 1006 and 1015 MUST NOT be sent in a Close frame; a
//   received code outside 1000-1003, 1007-1011, 3000-4999 (the codes defined
//   or assignable when RFC 6455 was written) fails the connection (1002).
// - §8.1: a reason that is not UTF-8 fails the connection (1007).
#include <signal.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

using Closing = ExchangeSuite;

TEST_P(Closing, Section7) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

std::vector<Exchange> closeCodeCases() {
  std::vector<Exchange> cases;
  // Echoed: defined in §7.4.1, or reserved for libraries (3000-3999) and applications (4000-4999).
  for (uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    cases.push_back({"ValidCode" + std::to_string(code), closeFrame(code), {}, code});
  }
  // Refused: never valid on the wire (1005, 1006, 1015), reserved (1004), unassigned, or out of range.
  for (uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    cases.push_back({"InvalidCode" + std::to_string(code), closeFrame(code), {}, 1002});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Section7_4, Closing, ::testing::ValuesIn(closeCodeCases()), NameOf{});

INSTANTIATE_TEST_SUITE_P(
    Section5_5_1, Closing,
    ::testing::Values(
        // An empty Close is answered by an empty Close: 1005 never goes on the wire.
        Exchange{"EmptyCloseAnsweredWithEmptyClose", controlFrame(kClose), {}, kNoCode},
        Exchange{"OneBytePayloadFailsWith1002", controlFrame(kClose, "\x03"), {}, 1002},
        Exchange{"CodeWithAsciiReason", closeFrame(1000, "goodbye"), {}, 1000},
        Exchange{"CodeWithMultiByteReason", closeFrame(1001, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"), {}, 1001},
        Exchange{"MaximalReason123Bytes", closeFrame(1000, std::string(123, 'r')), {}, 1000},
        Exchange{"ReasonInvalidByteFailsWith1007", closeFrame(1000, "\xff"), {}, 1007},
        Exchange{"ReasonOverlongFailsWith1007", closeFrame(1000, "\xc0\xaf"), {}, 1007},
        Exchange{"ReasonSurrogateFailsWith1007", closeFrame(1000, "a\xed\xa0\x80z"), {}, 1007},
        Exchange{"ReasonTruncatedFailsWith1007", closeFrame(1000, "euro \xe2\x82"), {}, 1007},
        // Data before the Close is delivered; the reply Close comes after the echoes.
        Exchange{"MessagesBeforeCloseEchoedFirst", textFrame("one") + binaryFrame("two") + closeFrame(1000),
                 {{kText, "one"}, {kBinary, "two"}}, 1000}),
    NameOf{});

// Whatever follows the client's Close is discarded: no echo, no Pong, no
// second Close, and not even a protocol error for garbage.
std::vector<Exchange> afterCloseCases() {
  const std::pair<const char*, std::string> after[] = {
      {"Text", textFrame("ignored")},
      {"Binary", binaryFrame("ignored")},
      {"Ping", controlFrame(kPing, "ignored")},
      {"SecondClose", closeFrame(1001)},
      {"UnmaskedFrame", RawFrame{.opcode = kText, .payload = "x", .masked = false}.encode()},
      {"ReservedOpcode", RawFrame{.opcode = 0x5}.encode()},
      {"InvalidUtf8Text", textFrame("\xff")},
      {"OrphanContinuation", continuationFrame("x")},
      {"Garbage", std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8)},
  };
  std::vector<Exchange> cases;
  for (const auto& [name, bytes] : after) {
    cases.push_back({std::string(name) + "AfterCloseIgnored", closeFrame(1000) + bytes, {}, 1000});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Section5_5_1_AfterClose, Closing, ::testing::ValuesIn(afterCloseCases()), NameOf{});

// §7.1.1: the closing handshake works however the Close is cut by TCP.
TEST_F(EchoSuite, Section7_1_1_CloseSentOneByteAtATime) {
  ASSERT_TRUE(sendInPieces(ws, closeFrame(1000, "slow"), 1, 2));
  EXPECT_TRUE(closesWith(ws, 1000));
}

// --- The server starts the closing handshake (SIGTERM: "going away") -------------

class ServerInitiatedClose : public ::testing::Test {
 protected:
  void SetUp() override {
    chatd_ = std::make_unique<ChatdProcess>(std::vector<std::string>{"--echo", "/echo"});
    ASSERT_TRUE(ws.open(chatd_->port()));
    ASSERT_TRUE(ws.sendText("open"));
    ASSERT_TRUE(nextFrameIs(ws, kText, "open"));
    ASSERT_EQ(kill(chatd_->pid(), SIGTERM), 0);
    const auto frame = ws.readFrame(kReplyTimeoutMs);
    ASSERT_TRUE(frame) << "no Close after SIGTERM";
    ASSERT_EQ(frame->opcode, kClose);
    ASSERT_FALSE(frame->masked);
    ASSERT_EQ(frame->closeCode(), 1001);
  }
  std::unique_ptr<ChatdProcess> chatd_;
  WsTestClient ws;
};

// §5.5.1: after its Close the server sends no data frame, and no second Close
// when the client answers; §7.1.1: it then closes TCP.
TEST_F(ServerInitiatedClose, Section5_5_1_NoDataAfterServerCloseThenTcpClosed) {
  ASSERT_TRUE(ws.sendRaw(textFrame("not echoed") + binaryFrame("not echoed") + closeFrame(1001)));
  EXPECT_TRUE(ws.waitForEof(kReplyTimeoutMs)) << "the server kept TCP open after the closing handshake";
  EXPECT_EQ(hex(ws.buffered()), "") << "the server sent frames after its Close";
}

// §5.5.2: "upon receipt of a Ping frame, an endpoint MUST send a Pong frame in
// response, unless it already received a Close frame". Having *sent* a Close
// is no exemption, and a Pong is a control frame, not data (§5.5.1).
TEST_F(ServerInitiatedClose, Section5_5_2_PingAfterServerCloseStillAnswered) {
  ASSERT_TRUE(ws.sendRaw(controlFrame(kPing, "still there?")));
  EXPECT_TRUE(nextFrameIs(ws, kPong, "still there?"));
}

}  // namespace
}  // namespace chatd::testing::conformance
