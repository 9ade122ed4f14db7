// The echo endpoint end to end: every payload-length encoding, the message
// limit, fragmentation with an interleaved ping, and ping/pong.
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/ChatdProcess.h"
#include "tests/support/ClientChecks.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

constexpr size_t kDefaultMaxMessage = 1024 * 1024;

// One chatd for the whole file: each test opens its own connection.
class EchoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { chatd_ = std::make_unique<ChatdProcess>(std::vector<std::string>{"--echo", "/echo"}); }
  static void TearDownTestSuite() { chatd_.reset(); }
  void SetUp() override { ASSERT_TRUE(ws_.open(chatd_->port())); }

  static std::unique_ptr<ChatdProcess> chatd_;
  WsTestClient ws_;
};

std::unique_ptr<ChatdProcess> EchoTest::chatd_;

struct EchoCase {
  uint8_t opcode;
  size_t size;
  friend void PrintTo(const EchoCase& c, std::ostream* out) {
    *out << (c.opcode == 0x1 ? "text of " : "binary of ") << c.size << " bytes";
  }
};

std::string caseName(const ::testing::TestParamInfo<EchoCase>& info) {
  return std::string(info.param.opcode == 0x1 ? "Text" : "Binary") + std::to_string(info.param.size);
}

class EchoSizeTest : public EchoTest, public ::testing::WithParamInterface<EchoCase> {};

}  // namespace

// 0 and 125 use the 7-bit length, 126 and 65535 the 16-bit one, 65536 and up
// the 64-bit one; 1 MiB is exactly the default --max-message.
TEST_P(EchoSizeTest, EchoesMessageUnchanged) {
  const auto [opcode, size] = GetParam();
  const std::string payload = opcode == 0x1 ? textPayload(size) : binaryPayload(size);
  ASSERT_TRUE(ws_.sendFrame(opcode, payload));
  EXPECT_TRUE(receivesFrame(ws_, opcode, payload));
}

INSTANTIATE_TEST_SUITE_P(AllLengthEncodings, EchoSizeTest,
                         ::testing::Values(EchoCase{0x1, 0}, EchoCase{0x1, 125}, EchoCase{0x1, 126},
                                           EchoCase{0x1, 65535}, EchoCase{0x1, 65536},
                                           EchoCase{0x1, kDefaultMaxMessage}, EchoCase{0x2, 0},
                                           EchoCase{0x2, 125}, EchoCase{0x2, 126}, EchoCase{0x2, 65535},
                                           EchoCase{0x2, 65536}, EchoCase{0x2, kDefaultMaxMessage}),
                         caseName);

TEST_F(EchoTest, OneByteOverDefaultLimitIsClosedWith1009) {
  ASSERT_TRUE(ws_.sendBinary(binaryPayload(kDefaultMaxMessage + 1)));
  EXPECT_EQ(ws_.readCloseCode(10000), proto::close_code::kMessageTooBig);
  EXPECT_TRUE(ws_.waitForEof());
}

TEST_F(EchoTest, SeveralMessagesOnOneConnectionKeepTheirOrder) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(ws_.sendText("message " + std::to_string(i)));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(receivesFrame(ws_, 0x1, "message " + std::to_string(i))) << i;
}

// The fragments cut multi-byte characters; the ping between them is answered
// at once, and the message comes back whole, as one frame.
TEST_F(EchoTest, FragmentedTextWithInterleavedPingIsEchoedWhole) {
  const std::string text = textPayload(1000);
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x1, text.substr(0, 301), false)));
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x9, "between fragments")));
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x0, text.substr(301, 402), false)));
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x0, text.substr(703), true)));

  EXPECT_TRUE(receivesFrame(ws_, 0xA, "between fragments")) << "the pong comes first";
  EXPECT_TRUE(receivesFrame(ws_, 0x1, text)) << "then the whole message, as one frame";
}

TEST_F(EchoTest, FragmentedBinaryIncludingEmptyFragmentsIsEchoedWhole) {
  const std::string bytes = binaryPayload(70000);
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x2, {}, false)));
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x0, bytes.substr(0, 65536), false)));
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x0, bytes.substr(65536), false)));
  ASSERT_TRUE(ws_.sendRaw(WsTestClient::frame(0x0, {}, true)));
  EXPECT_TRUE(receivesFrame(ws_, 0x2, bytes));
}

TEST_F(EchoTest, PingIsAnsweredWithPongCarryingTheSamePayload) {
  for (const std::string& payload : {std::string(), std::string("are you there?"), binaryPayload(125)}) {
    ASSERT_TRUE(ws_.sendFrame(0x9, payload));
    EXPECT_TRUE(receivesFrame(ws_, 0xA, payload)) << "for a " << payload.size() << "-byte ping";
  }
}

TEST_F(EchoTest, UnsolicitedPongIsIgnored) {
  ASSERT_TRUE(ws_.sendFrame(0xA, "nobody asked"));
  ASSERT_TRUE(ws_.sendText("after the pong"));
  EXPECT_TRUE(receivesFrame(ws_, 0x1, "after the pong")) << "the pong must not be answered or echoed";
}

// A header, a mask or a payload split across TCP segments is still one frame.
TEST_F(EchoTest, FrameDeliveredByteByByteIsEchoed) {
  const std::string bytes = WsTestClient::frame(0x1, textPayload(200));
  for (char c : bytes) ASSERT_TRUE(ws_.sendRaw(std::string_view(&c, 1)));
  EXPECT_TRUE(receivesFrame(ws_, 0x1, textPayload(200)));
}

}  // namespace chatd::testing
