#include "tests/conformance/ConformanceSupport.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace chatd::testing::conformance {

std::unique_ptr<ChatdProcess> ChatdSuite::server_;

// --- Frames ------------------------------------------------------------------

std::string RawFrame::encode() const {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F)));
  const uint64_t size = declaredLength.value_or(payload.size());
  Length encoding = length;
  if (encoding == Length::kMinimal) encoding = size < 126 ? Length::kMinimal : size <= 0xFFFF ? Length::k16Bit : Length::k64Bit;
  const uint8_t maskBit = masked ? 0x80 : 0;
  const int extendedBytes = encoding == Length::k16Bit ? 2 : encoding == Length::k64Bit ? 8 : 0;
  const uint8_t length7 = encoding == Length::k16Bit ? 126 : encoding == Length::k64Bit ? 127 : static_cast<uint8_t>(size);
  out.push_back(static_cast<char>(maskBit | length7));
  for (int i = extendedBytes - 1; i >= 0; --i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xFF));
  if (masked) out.append(reinterpret_cast<const char*>(maskKey.data()), maskKey.size());
  for (size_t i = 0; i < payload.size(); ++i) {
    out.push_back(static_cast<char>(payload[i] ^ (masked ? maskKey[i & 3] : 0)));
  }
  return out;
}

std::string textFrame(std::string_view payload, bool fin) {
  return RawFrame{.opcode = kText, .payload = std::string(payload), .fin = fin}.encode();
}

std::string binaryFrame(std::string_view payload, bool fin) {
  return RawFrame{.opcode = kBinary, .payload = std::string(payload), .fin = fin}.encode();
}

std::string continuationFrame(std::string_view payload, bool fin) {
  return RawFrame{.opcode = kContinuation, .payload = std::string(payload), .fin = fin}.encode();
}

std::string controlFrame(uint8_t opcode, std::string_view payload) {
  return RawFrame{.opcode = opcode, .payload = std::string(payload)}.encode();
}

std::string closeFrame(uint16_t code, std::string_view reason) { return controlFrame(kClose, closePayload(code, reason)); }

std::string closePayload(uint16_t code, std::string_view reason) {
  std::string out{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  out.append(reason);
  return out;
}

std::string patternBytes(size_t n, uint8_t first) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(static_cast<uint8_t>(first + i));
  return out;
}

std::string hex(std::string_view bytes, size_t limit) {
  std::string out;
  char cell[4];
  for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
    std::snprintf(cell, sizeof cell, "%02x ", static_cast<uint8_t>(bytes[i]));
    out += cell;
  }
  if (bytes.size() > limit) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

bool isUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<uint8_t>(bytes[i]);
    const size_t tail = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : 4;
    if (tail == 4 || i + tail >= bytes.size()) return false;  // stray continuation, F8..FF, or truncated
    uint32_t cp = tail == 0 ? lead : lead & (0x3F >> tail);
    for (size_t k = 1; k <= tail; ++k) {
      const auto b = static_cast<uint8_t>(bytes[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[tail] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += tail + 1;
  }
  return true;
}

bool sendInPieces(WsTestClient& client, std::string_view bytes, size_t chunk, int pauseMs) {
  while (!bytes.empty()) {
    const size_t n = std::min(chunk, bytes.size());
    if (!client.sendRaw(bytes.substr(0, n))) return false;
    bytes.remove_prefix(n);
    if (!bytes.empty() && pauseMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
  }
  return true;
}

// --- Assertions ----------------------------------------------------------------

namespace {

std::string describe(const ReceivedFrame& frame) {
  return "frame{opcode=" + std::to_string(frame.opcode) + " fin=" + std::to_string(frame.fin) +
         " rsv=" + std::to_string(frame.rsv) + " masked=" + std::to_string(frame.masked) +
         " payload=[" + hex(frame.payload) + "]}";
}

// §5.1: a server never masks; §5.2: no RSV bit without a negotiated extension.
::testing::AssertionResult wellFormed(const ReceivedFrame& frame) {
  if (frame.masked) return ::testing::AssertionFailure() << "the server masked a frame (§5.1): " << describe(frame);
  if (frame.rsv != 0) return ::testing::AssertionFailure() << "the server set RSV bits (§5.2): " << describe(frame);
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult nextFrameIs(WsTestClient& client, uint8_t opcode, std::string_view payload) {
  const auto frame = client.readFrame(kReplyTimeoutMs);
  if (!frame) {
    return ::testing::AssertionFailure() << "no frame arrived (expected opcode " << int{opcode} << ", "
                                         << payload.size() << " bytes); buffered: [" << hex(client.buffered()) << "]";
  }
  if (auto ok = wellFormed(*frame); !ok) return ok;
  if (frame->opcode != opcode || !frame->fin || frame->payload != payload) {
    return ::testing::AssertionFailure() << "expected a final frame with opcode " << int{opcode} << " and payload ["
                                         << hex(payload) << "], got " << describe(*frame);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult closesWith(WsTestClient& client, uint16_t code) {
  const auto frame = client.readFrame(kReplyTimeoutMs);
  if (!frame) {
    return ::testing::AssertionFailure() << "no Close frame arrived (expected code " << code
                                         << "); buffered: [" << hex(client.buffered()) << "]";
  }
  if (auto ok = wellFormed(*frame); !ok) return ok;
  if (frame->opcode != kClose || !frame->fin) {
    return ::testing::AssertionFailure() << "expected Close " << code << ", got " << describe(*frame);
  }
  if (code == kNoCode ? !frame->payload.empty() : frame->closeCode() != code || frame->payload.size() < 2) {
    return ::testing::AssertionFailure() << "expected Close " << (code == kNoCode ? "with no payload" : std::to_string(code))
                                         << ", got " << describe(*frame);
  }
  if (frame->payload.size() >= 2 && !isUtf8(std::string_view(frame->payload).substr(2))) {
    return ::testing::AssertionFailure() << "the Close reason is not UTF-8 (§5.5.1): " << describe(*frame);
  }
  // §7.1.1: after the closing handshake the server closes TCP, and sends nothing after its Close (§5.5.1).
  if (!client.waitForEof(kReplyTimeoutMs)) {
    return ::testing::AssertionFailure() << "Close " << code << " arrived but the server kept the TCP connection open";
  }
  if (!client.buffered().empty()) {
    return ::testing::AssertionFailure() << "bytes followed the server's Close: [" << hex(client.buffered()) << "]";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult exchangeHolds(WsTestClient& client, const Exchange& exchange) {
  if (!client.sendRaw(exchange.send)) return ::testing::AssertionFailure() << "could not send";
  for (size_t i = 0; i < exchange.replies.size(); ++i) {
    const Reply& reply = exchange.replies[i];
    if (auto ok = nextFrameIs(client, reply.opcode, reply.payload); !ok) return ok << " (reply " << i << ")";
  }
  if (exchange.close) return closesWith(client, *exchange.close);
  if (!client.sendRaw(closeFrame(1000))) return ::testing::AssertionFailure() << "could not send the final Close";
  return closesWith(client, 1000) << " (after the expected replies)";
}

Exchange failing(std::string name, std::string bad, uint16_t code, std::vector<Reply> before) {
  const std::string prelude = "before the violation";
  std::vector<Reply> replies = {{kText, prelude}};
  replies.insert(replies.end(), before.begin(), before.end());
  return {std::move(name), textFrame(prelude) + bad + controlFrame(kPing, "after the violation"), std::move(replies), code};
}

// --- Fixtures ------------------------------------------------------------------

void ChatdSuite::startServer(std::vector<std::string> extraArgs) {
  std::vector<std::string> args = {"--echo", "/echo"};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  server_ = std::make_unique<ChatdProcess>(args);
}

int ChatdSuite::port() { return server_ ? server_->port() : 0; }

void ChatdSuite::SetUp() { ASSERT_TRUE(server_) << "chatd did not start: see the suite set-up error"; }

void ChatdSuite::TearDown() {
  if (!server_) return;
  WsTestClient probe;
  const bool connected = probe.connect(port());
  if (connected) probe.sendRaw("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_TRUE(connected && probe.readHttpReply(kReplyTimeoutMs).status == 200)
      << "chatd stopped answering after this test; its log:\n" << server_->log();
}

void EchoSuite::SetUp() {
  ChatdSuite::SetUp();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(ws.open(port())) << "the opening handshake to /echo failed";
}

}  // namespace chatd::testing::conformance
