// RFC 6455 §5.5 (control frames), §5.5.2 (Ping) and §5.5.3 (Pong).
//
// - All control frames MUST have a payload of 125 bytes or less (else 1002).
// - On a Ping an endpoint MUST send a Pong, unless it already received a
//   Close; the Pong MUST carry the Ping's application data unchanged.
// - An unsolicited Pong needs no answer. After several Pings the server MAY
//   answer only the latest one, so back-to-back Pings are checked for that
//   rule only; a Ping answered before the next is sent must each be answered.
// §5.5.1 (Close) is covered in section_7_closing_test.cc.
#include <string>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

using ControlFrames = ExchangeSuite;

TEST_P(ControlFrames, Section5_5) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

Exchange pingEcho(std::string name, const std::string& payload) {
  return {std::move(name), controlFrame(kPing, payload), {{kPong, payload}}};
}

Exchange tooLong(std::string name, uint8_t opcode, size_t size) {
  const std::string payload = opcode == kClose ? closePayload(1000, std::string(size - 2, 'r')) : std::string(size, 'x');
  return {std::move(name), controlFrame(opcode, payload), {}, 1002};
}

INSTANTIATE_TEST_SUITE_P(
    Section5_5, ControlFrames,
    ::testing::Values(
        // §5.5.2/§5.5.3: Pong with identical application data.
        pingEcho("PingEmpty", ""), pingEcho("PingOneByte", "x"), pingEcho("PingText", "Hello, pong"),
        pingEcho("Ping125Bytes", std::string(125, 'p')), pingEcho("PingAllByteValues", patternBytes(125, 0x80)),
        pingEcho("PingInvalidUtf8IsNotChecked", "\xff\xfe\xc0\xaf"),
        // §5.5: over 125 bytes (16-bit and 64-bit length forms) fails, for every control opcode.
        tooLong("Ping126Bytes", kPing, 126), tooLong("Ping65536Bytes", kPing, 65536), tooLong("Pong126Bytes", kPong, 126),
        tooLong("Close126Bytes", kClose, 126),
        // §5.5.3: an unsolicited Pong gets no answer; what follows is processed.
        Exchange{"UnsolicitedEmptyPongIgnored", controlFrame(kPong) + textFrame("after"), {{kText, "after"}}},
        Exchange{"Unsolicited125BytePongIgnored", controlFrame(kPong, std::string(125, 'q')) + textFrame("after"),
                 {{kText, "after"}}},
        // Control frames interleave with data messages in the order received.
        Exchange{"PingBetweenMessages", textFrame("one") + controlFrame(kPing, "p") + binaryFrame("two"),
                 {{kText, "one"}, {kPong, "p"}, {kBinary, "two"}}},
        // §5.5.2: "unless it already received a Close frame".
        Exchange{"PingAfterCloseNotAnswered", closeFrame(1000) + controlFrame(kPing, "too late"), {}, 1000}),
    NameOf{});

// §5.5.2: each Ping sent after the previous Pong arrived MUST be answered.
TEST_F(EchoSuite, Section5_5_2_EachPingAnsweredInTurn) {
  for (int i = 0; i < 20; ++i) {
    const std::string payload = "ping " + std::to_string(i);
    ASSERT_TRUE(ws.sendRaw(controlFrame(kPing, payload)));
    ASSERT_TRUE(nextFrameIs(ws, kPong, payload));
  }
}

// §5.5.2: Pings sent back to back may be answered one by one or only the
// latest; either way the Pongs come in order and the last Ping is answered.
TEST_F(EchoSuite, Section5_5_2_BackToBackPingsLatestAnswered) {
  std::string stream;
  std::vector<std::string> payloads;
  for (int i = 0; i < 10; ++i) {
    payloads.push_back("burst " + std::to_string(i));
    stream += controlFrame(kPing, payloads.back());
  }
  ASSERT_TRUE(ws.sendRaw(stream + textFrame("end")));
  size_t next = 0;  // index of the earliest Ping a Pong may still answer
  bool lastAnswered = false;
  for (;;) {
    const auto frame = ws.readFrame(kReplyTimeoutMs);
    ASSERT_TRUE(frame) << "the text after the Pings never came back";
    if (frame->opcode == kText) break;
    ASSERT_EQ(frame->opcode, kPong);
    ASSERT_FALSE(frame->masked);
    while (next < payloads.size() && payloads[next] != frame->payload) ++next;
    ASSERT_LT(next, payloads.size()) << "a Pong out of order or for no Ping: " << frame->payload;
    lastAnswered = next + 1 == payloads.size();
    ++next;
  }
  EXPECT_TRUE(lastAnswered) << "the most recent Ping was never answered";
}

}  // namespace
}  // namespace chatd::testing::conformance
