// Every way a WebSocket ends, as the client sees it: the Close code the server
// sends, then the server closing the TCP connection (RFC 6455 §7.1.1).
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/ChatdProcess.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

namespace code = proto::close_code;

constexpr size_t kSmallMaxMessage = 1000;

class CloseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    chatd_ = std::make_unique<ChatdProcess>(
        std::vector<std::string>{"--echo", "/echo", "--max-message", std::to_string(kSmallMaxMessage)});
  }
  static void TearDownTestSuite() { chatd_.reset(); }
  void SetUp() override { ASSERT_TRUE(ws_.open(chatd_->port())); }

  // Skips any frames before the server's Close; nullopt if none came.
  std::optional<ReceivedFrame> readCloseFrame() {
    while (auto frame = ws_.readFrame()) {
      if (frame->opcode == 0x8) return frame;
    }
    return std::nullopt;
  }

  static std::unique_ptr<ChatdProcess> chatd_;
  WsTestClient ws_;
};

std::unique_ptr<ChatdProcess> CloseTest::chatd_;

std::string closePayload(uint16_t closeCode, std::string_view reason = {}) {
  std::string payload{static_cast<char>(closeCode >> 8), static_cast<char>(closeCode & 0xFF)};
  payload += reason;
  return payload;
}

// Bytes a client must never send, and the code the server must answer with.
struct Violation {
  const char* name;
  std::string bytes;
  uint16_t expected;
};

std::vector<Violation> violations() {
  return {
      {"UnmaskedFrame", WsTestClient::frame(0x1, "hello", true, false), code::kProtocolError},
      {"ReservedDataOpcode3", WsTestClient::frame(0x3, "x"), code::kProtocolError},
      {"ReservedControlOpcodeB", WsTestClient::frame(0xB, "x"), code::kProtocolError},
      {"Rsv1", WsTestClient::frame(0x1, "x", true, true, 4), code::kProtocolError},
      {"Rsv2", WsTestClient::frame(0x1, "x", true, true, 2), code::kProtocolError},
      {"Rsv3", WsTestClient::frame(0x1, "x", true, true, 1), code::kProtocolError},
      {"PingOver125Bytes", WsTestClient::frame(0x9, std::string(126, 'p')), code::kProtocolError},
      {"FragmentedPing", WsTestClient::frame(0x9, "p", false), code::kProtocolError},
      {"ContinuationWithoutMessage", WsTestClient::frame(0x0, "x"), code::kProtocolError},
      {"NewMessageInsideFragmented",
       WsTestClient::frame(0x1, "a", false) + WsTestClient::frame(0x1, "b"), code::kProtocolError},
      {"InvalidUtf8Text", WsTestClient::frame(0x1, "bad \xC3\x28 byte"), code::kInvalidPayload},
      {"Utf16SurrogateInText", WsTestClient::frame(0x1, "\xED\xA0\x80"), code::kInvalidPayload},
      {"InvalidUtf8AcrossFragments",
       WsTestClient::frame(0x1, "ok \xE2\x82", false) + WsTestClient::frame(0x0, "X"), code::kInvalidPayload},
      {"MessageOverMaxMessage", WsTestClient::frame(0x2, std::string(kSmallMaxMessage + 1, 'm')),
       code::kMessageTooBig},
      {"FragmentsOverMaxMessage",
       WsTestClient::frame(0x2, std::string(600, 'm'), false) + WsTestClient::frame(0x0, std::string(401, 'm')),
       code::kMessageTooBig},
      {"ClosePayloadOfOneByte", WsTestClient::frame(0x8, "\x03"), code::kProtocolError},
      {"CloseReasonInvalidUtf8", WsTestClient::frame(0x8, closePayload(1000, "\xFF")), code::kInvalidPayload},
  };
}

class ViolationTest : public CloseTest, public ::testing::WithParamInterface<Violation> {};

class InvalidCloseCodeTest : public CloseTest, public ::testing::WithParamInterface<uint16_t> {};

}  // namespace

TEST_F(CloseTest, ClientClose1000IsEchoedThenServerClosesTcp) {
  ASSERT_TRUE(ws_.sendClose(code::kNormal, "bye"));
  auto frame = readCloseFrame();
  ASSERT_TRUE(frame) << "no Close frame from the server";
  EXPECT_TRUE(frame->fin);
  EXPECT_FALSE(frame->masked);
  EXPECT_EQ(frame->closeCode(), code::kNormal);
  EXPECT_TRUE(ws_.waitForEof()) << "server must close the TCP connection after the closing handshake";
  EXPECT_TRUE(ws_.buffered().empty()) << "nothing may follow the Close frame";
}

TEST_F(CloseTest, ApplicationCloseCodeIsEchoed) {
  ASSERT_TRUE(ws_.sendClose(4000, "app"));
  EXPECT_EQ(ws_.readCloseCode(), 4000);
  EXPECT_TRUE(ws_.waitForEof());
}

// An empty Close means "no status" (1005); the reply carries no code either.
TEST_F(CloseTest, CloseWithoutPayloadIsAnsweredThenTcpCloses) {
  ASSERT_TRUE(ws_.sendFrame(0x8, {}));
  auto frame = readCloseFrame();
  ASSERT_TRUE(frame) << "no Close frame from the server";
  EXPECT_TRUE(frame->payload.empty()) << "no code to echo, and 1005 must never be sent on the wire";
  EXPECT_EQ(frame->closeCode(), code::kNoStatus);
  EXPECT_TRUE(ws_.waitForEof());
}

TEST_F(CloseTest, MessagesAfterClientCloseAreNotEchoed) {
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x8, closePayload(code::kNormal)) + WsTestClient::frame(0x1, "late")));
  auto frame = ws_.readFrame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 0x8) << "the first frame back must be the Close";
  EXPECT_TRUE(ws_.waitForEof());
  EXPECT_TRUE(ws_.buffered().empty());
}

TEST_F(CloseTest, MessageExactlyAtMaxMessageIsEchoed) {
  const std::string payload(kSmallMaxMessage, 'm');
  ASSERT_TRUE(ws_.sendBinary(payload));
  auto frame = ws_.readFrame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 0x2);
  EXPECT_EQ(frame->payload, payload);
}

TEST_P(ViolationTest, ServerClosesWithExpectedCode) {
  const Violation& violation = GetParam();
  ASSERT_TRUE(ws_.sendRaw(violation.bytes));
  auto frame = readCloseFrame();
  ASSERT_TRUE(frame) << "no Close frame for " << violation.name;
  EXPECT_EQ(frame->closeCode(), violation.expected);
  EXPECT_FALSE(frame->masked);
  EXPECT_LE(frame->payload.size(), 125u);
  EXPECT_TRUE(ws_.waitForEof()) << "server must close the TCP connection after a protocol error";
}

INSTANTIATE_TEST_SUITE_P(Frames, ViolationTest, ::testing::ValuesIn(violations()),
                         [](const auto& info) { return std::string(info.param.name); });

// Codes a peer must not send (§7.4.1-7.4.2): below 1000, the reserved
// 1004-1006 and 1015, the unassigned 1016-2999, and 5000 and up.
TEST_P(InvalidCloseCodeTest, ServerClosesWith1002) {
  ASSERT_TRUE(ws_.sendClose(GetParam()));
  EXPECT_EQ(ws_.readCloseCode(), code::kProtocolError) << "for close code " << GetParam();
  EXPECT_TRUE(ws_.waitForEof());
}

INSTANTIATE_TEST_SUITE_P(Codes, InvalidCloseCodeTest,
                         ::testing::Values(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535));

}  // namespace chatd::testing
