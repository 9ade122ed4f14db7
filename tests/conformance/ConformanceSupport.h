// Shared pieces of the RFC 6455 conformance suite (tests/conformance/).
//
// Each test suite runs against its own chatd (`--echo /echo` plus the suite's
// extra flags), started once in SetUpTestSuite and killed in
// TearDownTestSuite; every test opens its own connections to it. Frames are
// built byte by byte here (RawFrame) so tests can send what WsTestClient::frame
// cannot express: a chosen mask key, over-long length encodings, a length the
// payload does not match. Server frames are read with WsTestClient and judged
// by the assertions below, which never use proto/ code to decide what is right.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/ChatdProcess.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing::conformance {

// Opcodes as they appear on the wire (§5.2).
inline constexpr uint8_t kContinuation = 0x0;
inline constexpr uint8_t kText = 0x1;
inline constexpr uint8_t kBinary = 0x2;
inline constexpr uint8_t kClose = 0x8;
inline constexpr uint8_t kPing = 0x9;
inline constexpr uint8_t kPong = 0xA;

// How long a test waits for an answer the server owes it. Generous for a
// loaded machine, yet short enough that a broken server fails fast.
inline constexpr int kReplyTimeoutMs = 3000;

// One client frame, encoded exactly as described.
struct RawFrame {
  enum class Length : uint8_t { kMinimal, k16Bit, k64Bit };

  uint8_t opcode = kText;
  std::string payload{};
  bool fin = true;
  uint8_t rsv = 0;  // RSV1..RSV3 as bits 2..0 (4 = RSV1)
  bool masked = true;
  std::array<uint8_t, 4> maskKey = {0x37, 0xfa, 0x21, 0x3d};  // the key of the RFC's §5.7 example
  Length length = Length::kMinimal;
  // When set, the header announces this length whatever the payload holds.
  std::optional<uint64_t> declaredLength{};

  std::string encode() const;
};

// Shorthands for the frames most tests send: masked, FIN set unless told.
std::string textFrame(std::string_view payload, bool fin = true);
std::string binaryFrame(std::string_view payload, bool fin = true);
std::string continuationFrame(std::string_view payload, bool fin = true);
std::string controlFrame(uint8_t opcode, std::string_view payload = {});
std::string closeFrame(uint16_t code, std::string_view reason = {});

// Close payload: the code in network byte order, then the reason.
std::string closePayload(uint16_t code, std::string_view reason = {});
// `n` bytes cycling through all 256 values from `first`.
std::string patternBytes(size_t n, uint8_t first = 0);
// Printable form of bytes for failure messages ("48 65 6c ...", cut when long).
std::string hex(std::string_view bytes, size_t limit = 48);
// UTF-8 validity (RFC 3629), written independently of proto/Utf8Validator.
bool isUtf8(std::string_view bytes);

// Writes `bytes` in pieces of `chunk` bytes with `pauseMs` between writes, so
// the server sees them in separate reads.
bool sendInPieces(WsTestClient& client, std::string_view bytes, size_t chunk, int pauseMs);

// The next server frame is a final, unmasked, RSV-free data or control frame
// with this opcode and payload.
::testing::AssertionResult nextFrameIs(WsTestClient& client, uint8_t opcode, std::string_view payload);

// The next server frame is a Close with `code` (kNoCode: an empty Close), its
// reason is UTF-8, and the server then closes the TCP connection without
// sending anything more. This is how every "fail the connection" and every
// completed closing handshake must look on the wire (§5.5.1, §7.1.1, §7.1.7).
inline constexpr uint16_t kNoCode = 1005;
::testing::AssertionResult closesWith(WsTestClient& client, uint16_t code);

// One scripted conversation: bytes sent in one write, the frames the server
// must answer with, in order, and how the connection must end.
struct Reply {
  uint8_t opcode;
  std::string payload{};
};
struct Exchange {
  std::string name;
  std::string send;
  std::vector<Reply> replies{};
  // Set: the replies are followed by a Close with this code and TCP EOF.
  // Unset: the connection stays open; a closing handshake then proves that
  // the server sent nothing beyond the replies.
  std::optional<uint16_t> close{};

  friend void PrintTo(const Exchange& e, std::ostream* os) { *os << e.name; }  // not a byte dump
};
::testing::AssertionResult exchangeHolds(WsTestClient& client, const Exchange& exchange);

// The Exchange behind failsAfterPrelude: a complete text message, `bad`, then a
// ping, in one write; the server must echo the text and the `before` replies
// (answers owed to frames inside `bad` that precede the violation), then fail
// with `code` and ignore the ping: nothing after a violation is processed (§7.1.7).
Exchange failing(std::string name, std::string bad, uint16_t code, std::vector<Reply> before = {});
inline ::testing::AssertionResult failsAfterPrelude(WsTestClient& client, std::string bad, uint16_t code) {
  return exchangeHolds(client, failing({}, std::move(bad), code));
}

// A chatd serving /echo for the whole test suite.
class ChatdSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite() { startServer({}); }
  static void TearDownTestSuite() { server_.reset(); }

 protected:
  // Starts chatd with `--echo /echo` and `extraArgs`. A suite with other
  // flags defines its own SetUpTestSuite calling this.
  static void startServer(std::vector<std::string> extraArgs);
  static int port();

  void SetUp() override;
  // The server must still answer /healthz after every test: no test may crash it.
  void TearDown() override;

 private:
  static std::unique_ptr<ChatdProcess> server_;
};

// ChatdSuite with `ws` opened to /echo before each test.
class EchoSuite : public ChatdSuite {
 protected:
  void SetUp() override;
  WsTestClient ws;
};

template <typename Param>
class EchoSuiteWithParam : public EchoSuite, public ::testing::WithParamInterface<Param> {};

// A table of Exchanges, each run on a fresh connection.
using ExchangeSuite = EchoSuiteWithParam<Exchange>;

// gtest parameter names from a `name` member.
struct NameOf {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return info.param.name;
  }
};

}  // namespace chatd::testing::conformance
