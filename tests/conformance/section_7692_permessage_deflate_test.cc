// RFC 7692 (permessage-deflate) against chatd's echo endpoint.
//
// - §5, §7.1: the server accepts at most one offer, answers only with
//   parameters the RFC lets it send (server_no_context_takeover and
//   client_no_context_takeover even unasked, §7.1.1.1/§7.1.1.2;
//   server_max_window_bits only as offered or smaller, §7.1.2.1;
//   client_max_window_bits only when offered, §7.1.2.2), and declines an
//   offer with an unknown, repeated or badly valued parameter (§7.1) without
//   failing the handshake.
// - §6: RSV1 marks the first frame of a compressed message; it is a
//   protocol error on a continuation or control frame, and without the
//   extension negotiated (RFC 6455 §5.2). Uncompressed messages stay allowed.
// - §7.2.1: the server's compressed payloads are raw DEFLATE with the
//   0x00 0x00 0xff 0xff tail removed; they are judged here by zlib directly,
//   never by chatd's own inflater. With server_max_window_bits=N they decode
//   in a 2^N window. Control frames are never compressed.
// - §7.2.2: what chatd inflates: single and fragmented messages, empty ones,
//   the RFC's examples, 0 bytes to 1 MiB.
// - Limits (RFC 6455 §10.4, §8.1 applied after inflation): text is UTF-8
//   once inflated (1007), a message that inflates past --max-message fails
//   with 1009, and data that is not DEFLATE fails the connection (1002).
#include <zlib.h>

#include <optional>
#include <string>
#include <vector>

#include "proto/MessageDeflater.h"
#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

constexpr uint8_t kRsv1 = 4;  // RawFrame::rsv and ReceivedFrame::rsv hold RSV1 as 4
constexpr std::string_view kFullAnswer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

// The client's compressor: chatd's own deflater, as a client would use zlib.
// Every message on its own (chatd asks for client_no_context_takeover).
std::string deflated(std::string_view plain) {
  proto::MessageDeflater deflater;
  std::vector<uint8_t> out;
  deflater.deflate({reinterpret_cast<const uint8_t*>(plain.data()), plain.size()}, out);
  return {out.begin(), out.end()};
}

// The server's payload inflated by zlib alone (§7.2.2), in a 2^windowBits
// window; nullopt if it is not valid DEFLATE.
std::optional<std::string> inflated(std::string_view payload, int windowBits = 15) {
  z_stream z{};
  if (inflateInit2(&z, -windowBits) != Z_OK) return std::nullopt;
  std::string input(payload);
  input.append("\x00\x00\xff\xff", 4);
  z.next_in = reinterpret_cast<Bytef*>(input.data());
  z.avail_in = static_cast<uInt>(input.size());
  std::string out;
  char chunk[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_SYNC_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
  } while (rc == Z_OK && z.avail_out == 0);
  inflateEnd(&z);
  if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) return std::nullopt;
  return out;
}

// A compressed message: the first frame with RSV1 (§6), the rest continuations.
std::string compressedFrames(uint8_t opcode, std::string_view plain, size_t fragments = 1) {
  const std::string payload = deflated(plain);
  const size_t step = (payload.size() + fragments - 1) / fragments;
  std::string out;
  for (size_t i = 0; i < fragments; ++i) {
    const std::string part = payload.substr(std::min(payload.size(), i * step), step);
    out += RawFrame{.opcode = i == 0 ? opcode : kContinuation, .payload = part, .fin = i + 1 == fragments,
                    .rsv = static_cast<uint8_t>(i == 0 ? kRsv1 : 0)}
               .encode();
  }
  return out;
}

// Compressible text of `n` bytes, multi-byte characters included.
std::string chatText(size_t n) {
  std::string out;
  for (size_t i = 0; out.size() < n; ++i) out += "room " + std::to_string(i % 97) + " says héllo € ";
  out.resize(n);
  while (!isUtf8(out)) out.pop_back();  // not cut inside a character
  out.append(n - out.size(), '.');
  return out;
}

enum class Form { kCompressed, kPlain, kEither };

// The next frame is a final data frame with `opcode` holding `plain`, sent in
// `form` (RSV1 and a DEFLATE payload, or neither), unmasked, RSV2/3 clear.
::testing::AssertionResult nextMessageIs(WsTestClient& client, uint8_t opcode, std::string_view plain, Form form,
                                         int windowBits = 15) {
  const auto frame = client.readFrame(kReplyTimeoutMs);
  if (!frame) return ::testing::AssertionFailure() << "no frame arrived; buffered: [" << hex(client.buffered()) << "]";
  if (frame->masked || (frame->rsv & ~kRsv1) != 0 || frame->opcode != opcode || !frame->fin) {
    return ::testing::AssertionFailure() << "expected a final unmasked frame with opcode " << int{opcode}
                                         << " and RSV2/3 clear, got opcode " << int{frame->opcode} << " fin "
                                         << frame->fin << " rsv " << int{frame->rsv} << " masked " << frame->masked;
  }
  const bool compressed = frame->rsv & kRsv1;
  if (form == Form::kCompressed && !compressed) return ::testing::AssertionFailure() << "RSV1 clear: not compressed";
  if (form == Form::kPlain && compressed) return ::testing::AssertionFailure() << "RSV1 set: compressed";
  const std::optional<std::string> payload = compressed ? inflated(frame->payload, windowBits) : frame->payload;
  if (!payload) return ::testing::AssertionFailure() << "RSV1 set, but the payload is not DEFLATE data";
  if (*payload != plain) {
    return ::testing::AssertionFailure() << "expected [" << hex(plain) << "], got [" << hex(*payload) << "]";
  }
  return ::testing::AssertionSuccess();
}

// A chatd on /echo; `ws` offers permessage-deflate (`offer`) before each test.
class DeflateEcho : public ChatdSuite {
 protected:
  void SetUp() override {
    ChatdSuite::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(ws.connect(port()));
    const HttpReply reply = ws.upgrade(port(), "/echo", "Sec-WebSocket-Extensions: " + offer() + "\r\n");
    ASSERT_EQ(reply.status, 101) << reply.head;
    answer = reply.header("Sec-WebSocket-Extensions");
    ASSERT_TRUE(answer) << "permessage-deflate was not accepted:\n" << reply.head;
  }
  virtual std::string offer() const { return "permessage-deflate; client_max_window_bits"; }

  // The closing handshake proves nothing else was sent.
  ::testing::AssertionResult closesCleanly() {
    if (!ws.sendRaw(closeFrame(1000))) return ::testing::AssertionFailure() << "could not send Close";
    return closesWith(ws, 1000);
  }

  WsTestClient ws;
  std::optional<std::string> answer;
};

// --- §7.1: negotiation ------------------------------------------------------------

struct OfferCase {
  std::string name;
  std::vector<std::string> lines;  // Sec-WebSocket-Extensions header lines
  std::optional<std::string> answer;  // nullopt: declined (no header)
};

class Negotiation : public ChatdSuite, public ::testing::WithParamInterface<OfferCase> {};

TEST_P(Negotiation, Section7_1_AnswersOrDeclinesAndNeverRefuses) {
  WsTestClient ws;
  ASSERT_TRUE(ws.connect(port()));
  std::string headers;
  for (const std::string& line : GetParam().lines) headers += "Sec-WebSocket-Extensions: " + line + "\r\n";
  const HttpReply reply = ws.upgrade(port(), "/echo", headers);
  ASSERT_EQ(reply.status, 101) << "an extension offer must never fail the handshake\n" << reply.head;
  EXPECT_EQ(reply.header("Sec-WebSocket-Extensions"), GetParam().answer) << reply.head;
  // Either way, plain messages work.
  ASSERT_TRUE(ws.sendRaw(textFrame("plain")));
  EXPECT_TRUE(nextFrameIs(ws, kText, "plain"));
}

const std::string kAnswer(kFullAnswer);

INSTANTIATE_TEST_SUITE_P(
    Section7_1, Negotiation,
    ::testing::Values(
        OfferCase{"Bare", {"permessage-deflate"}, kAnswer},
        OfferCase{"ClientMaxWindowBitsValueless", {"permessage-deflate; client_max_window_bits"}, kAnswer},
        OfferCase{"ClientMaxWindowBits10", {"permessage-deflate; client_max_window_bits=10"}, kAnswer},
        OfferCase{"ServerMaxWindowBits10", {"permessage-deflate; server_max_window_bits=10"},
                  kAnswer + "; server_max_window_bits=10"},
        OfferCase{"BothNoContextTakeover",
                  {"permessage-deflate; server_no_context_takeover; client_no_context_takeover"}, kAnswer},
        OfferCase{"QuotedValue", {"permessage-deflate; server_max_window_bits=\"11\""},
                  kAnswer + "; server_max_window_bits=11"},
        OfferCase{"CaseInsensitive", {"PerMessage-Deflate; Client_Max_Window_Bits"}, kAnswer},
        OfferCase{"ServerMaxWindowBitsOutOfRange", {"permessage-deflate; server_max_window_bits=16"}, std::nullopt},
        OfferCase{"ServerMaxWindowBitsValueless", {"permessage-deflate; server_max_window_bits"}, std::nullopt},
        OfferCase{"ClientMaxWindowBits7", {"permessage-deflate; client_max_window_bits=7"}, std::nullopt},
        OfferCase{"UnknownParameter", {"permessage-deflate; compression_level=9"}, std::nullopt},
        OfferCase{"DuplicateParameter", {"permessage-deflate; client_max_window_bits; client_max_window_bits"},
                  std::nullopt},
        OfferCase{"ValueOnNoContextTakeover", {"permessage-deflate; server_no_context_takeover=true"}, std::nullopt},
        OfferCase{"SecondOfferAccepted",
                  {"permessage-deflate; server_max_window_bits=99, permessage-deflate; server_max_window_bits=12"},
                  kAnswer + "; server_max_window_bits=12"},
        OfferCase{"OfferOnSecondLine", {"x-chatd-unknown", "permessage-deflate"}, kAnswer},
        OfferCase{"OtherExtensionsOnly", {"x-webkit-deflate-frame, x-chatd-unknown; a=1"}, std::nullopt},
        OfferCase{"Malformed", {"permessage-deflate; =="}, std::nullopt}),
    NameOf{});

// --deflate off: offers are declined, and RSV1 stays a protocol error.
class DeflateOff : public ChatdSuite {
 public:
  static void SetUpTestSuite() { startServer({"--deflate", "off"}); }
};

// The server answers `offer` with a 101 and no extension, and a compressed
// message then fails the connection: a declined offer gives the client no
// right to RSV1 (RFC 6455 §5.2).
::testing::AssertionResult declinedThenRsv1Fails(int port, const std::string& offer) {
  WsTestClient ws;
  if (!ws.connect(port)) return ::testing::AssertionFailure() << "cannot connect";
  const HttpReply reply = ws.upgrade(port, "/echo", "Sec-WebSocket-Extensions: " + offer + "\r\n");
  if (reply.status != 101 || reply.header("Sec-WebSocket-Extensions")) {
    return ::testing::AssertionFailure() << "expected a 101 without an extension:\n" << reply.head;
  }
  return failsAfterPrelude(ws, compressedFrames(kText, chatText(200)), 1002);
}

TEST_F(DeflateOff, Section7_1_OfferDeclinedAndRsv1FailsWith1002) {
  EXPECT_TRUE(declinedThenRsv1Fails(port(), "permessage-deflate"));
}

TEST_F(ChatdSuite, Section6_DeclinedOfferRsv1FailsWith1002) {
  EXPECT_TRUE(declinedThenRsv1Fails(port(), "permessage-deflate; server_max_window_bits=7"));
}

TEST_F(ChatdSuite, Section6_Rsv1WithoutAnyOfferFailsWith1002) {
  WsTestClient ws;
  ASSERT_TRUE(ws.open(port()));
  EXPECT_TRUE(failsAfterPrelude(ws, compressedFrames(kText, chatText(200)), 1002));
}

// --- §6, §7.2: compressed messages ------------------------------------------------

TEST_F(DeflateEcho, Section7_2_CompressedTextEchoedCompressed) {
  const std::string text = chatText(1000);
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kText, text)));
  EXPECT_TRUE(nextMessageIs(ws, kText, text, Form::kCompressed));
  EXPECT_TRUE(closesCleanly());
}

TEST_F(DeflateEcho, Section7_2_CompressedBinaryEchoedCompressed) {
  const std::string bytes = patternBytes(5000);  // a repeating pattern: compressible
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kBinary, bytes)));
  EXPECT_TRUE(nextMessageIs(ws, kBinary, bytes, Form::kCompressed));
  EXPECT_TRUE(closesCleanly());
}

TEST_F(DeflateEcho, Section6_UncompressedMessagesStillWork) {
  const std::string text = chatText(1000);
  ASSERT_TRUE(ws.sendRaw(textFrame(text) + binaryFrame("raw bytes")));
  EXPECT_TRUE(nextMessageIs(ws, kText, text, Form::kEither));
  EXPECT_TRUE(nextMessageIs(ws, kBinary, "raw bytes", Form::kPlain));
  EXPECT_TRUE(closesCleanly());
}

// --deflate-min-size (64): small replies go uncompressed.
TEST_F(DeflateEcho, SmallRepliesGoUncompressed) {
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kText, "hi there") + compressedFrames(kText, chatText(63))));
  EXPECT_TRUE(nextMessageIs(ws, kText, "hi there", Form::kPlain));
  EXPECT_TRUE(nextMessageIs(ws, kText, chatText(63), Form::kPlain));
  EXPECT_TRUE(closesCleanly());
}

TEST_F(DeflateEcho, Section6_FragmentedCompressedMessage) {
  const std::string text = chatText(3000);
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kText, text, 3)));
  EXPECT_TRUE(nextMessageIs(ws, kText, text, Form::kCompressed));
  EXPECT_TRUE(closesCleanly());
}

TEST_F(DeflateEcho, Section6_FragmentedCompressedMessageWithPingBetween) {
  const std::string text = chatText(2000);
  const std::string payload = deflated(text);
  const size_t half = payload.size() / 2;
  ASSERT_TRUE(ws.sendRaw(RawFrame{.opcode = kText, .payload = payload.substr(0, half), .fin = false, .rsv = kRsv1}.encode() +
                         controlFrame(kPing, "between") + continuationFrame(payload.substr(half))));
  EXPECT_TRUE(nextFrameIs(ws, kPong, "between"));  // control frames are never compressed
  EXPECT_TRUE(nextMessageIs(ws, kText, text, Form::kCompressed));
  EXPECT_TRUE(closesCleanly());
}

TEST_F(DeflateEcho, Section7_2_ControlFramesAreNeverCompressed) {
  const std::string data(125, 'p');
  ASSERT_TRUE(ws.sendRaw(controlFrame(kPing, data)));
  EXPECT_TRUE(nextFrameIs(ws, kPong, data));  // RSV clear
  EXPECT_TRUE(closesCleanly());
}

// §7.2.3: the RFC's example payloads, as a client may send them.
struct ExamplePayload {
  std::string name;
  std::string payload;
};

class RfcExample : public DeflateEcho, public ::testing::WithParamInterface<ExamplePayload> {};

TEST_P(RfcExample, Section7_2_3_InflatesToHello) {
  ASSERT_TRUE(ws.sendRaw(RawFrame{.opcode = kText, .payload = GetParam().payload, .rsv = kRsv1}.encode()));
  EXPECT_TRUE(nextMessageIs(ws, kText, "Hello", Form::kPlain));  // 5 bytes: under --deflate-min-size
  EXPECT_TRUE(closesCleanly());
}

INSTANTIATE_TEST_SUITE_P(
    Section7_2_3, RfcExample,
    ::testing::Values(ExamplePayload{"Compressed", std::string("\xf2\x48\xcd\xc9\xc9\x07\x00", 7)},
                      ExamplePayload{"NoCompression", std::string("\x00\x05\x00\xfa\xff" "Hello\x00", 11)},
                      ExamplePayload{"BfinalSet", std::string("\xf3\x48\xcd\xc9\xc9\x07\x00\x00", 8)},
                      ExamplePayload{"TwoBlocks", std::string("\xf2\x48\x05\x00\x00\x00\xff\xff\xca\xc9\xc9\x07\x00", 13)}),
    NameOf{});

// The RFC's two-fragment example (§7.2.3.1, fragmented): one block split over two frames.
TEST_F(DeflateEcho, Section7_2_3_1_FragmentedExample) {
  ASSERT_TRUE(ws.sendRaw(RawFrame{.opcode = kText, .payload = "\xf2\x48\xcd", .fin = false, .rsv = kRsv1}.encode() +
                         continuationFrame(std::string("\xc9\xc9\x07\x00", 4))));
  EXPECT_TRUE(nextMessageIs(ws, kText, "Hello", Form::kPlain));
  EXPECT_TRUE(closesCleanly());
}

TEST_F(DeflateEcho, Section7_2_3_6_EmptyCompressedMessage) {
  ASSERT_TRUE(ws.sendRaw(RawFrame{.opcode = kText, .payload = std::string(1, '\0'), .rsv = kRsv1}.encode()));
  EXPECT_TRUE(nextMessageIs(ws, kText, "", Form::kPlain));
  EXPECT_TRUE(closesCleanly());
}

class Sizes : public DeflateEcho, public ::testing::WithParamInterface<size_t> {};

TEST_P(Sizes, Section7_2_RoundTrip) {
  const std::string text = chatText(GetParam());
  const std::string bytes = patternBytes(GetParam(), 9);
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kText, text)));
  EXPECT_TRUE(nextMessageIs(ws, kText, text, Form::kEither));
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kBinary, bytes, 2)));
  EXPECT_TRUE(nextMessageIs(ws, kBinary, bytes, Form::kEither));
  EXPECT_TRUE(closesCleanly());
}

INSTANTIATE_TEST_SUITE_P(Section7_2, Sizes, ::testing::Values(0, 1, 125, 126, 65535, 65536, 1 << 20));

// §7.1.2.1: with server_max_window_bits=9 a reply is compressed only when it
// decodes in a 512-byte window; a longer one comes uncompressed.
class SmallWindow : public DeflateEcho {
 protected:
  std::string offer() const override { return "permessage-deflate; server_max_window_bits=9"; }
};

TEST_F(SmallWindow, Section7_1_2_1_RepliesFitTheOfferedWindow) {
  EXPECT_EQ(answer, kAnswer + "; server_max_window_bits=9");
  ASSERT_TRUE(ws.sendRaw(compressedFrames(kText, chatText(512)) + compressedFrames(kText, chatText(4000))));
  EXPECT_TRUE(nextMessageIs(ws, kText, chatText(512), Form::kCompressed, 9));
  EXPECT_TRUE(nextMessageIs(ws, kText, chatText(4000), Form::kPlain));
  EXPECT_TRUE(closesCleanly());
}

// --- Violations ---------------------------------------------------------------------

class DeflateViolation : public DeflateEcho, public ::testing::WithParamInterface<Exchange> {};

TEST_P(DeflateViolation, FailsTheConnection) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

std::string rsv1Frame(uint8_t opcode, std::string payload, bool fin = true) {
  return RawFrame{.opcode = opcode, .payload = std::move(payload), .fin = fin, .rsv = kRsv1}.encode();
}

// 2 MiB of zeros: about 2 KB compressed, twice the default --max-message inflated.
const std::string kBomb = deflated(std::string(2 << 20, '\0'));

INSTANTIATE_TEST_SUITE_P(
    Section6, DeflateViolation,
    ::testing::Values(
        // §6.1: RSV1 belongs to the first frame of a message only.
        failing("Rsv1OnContinuationFailsWith1002",
                rsv1Frame(kText, deflated("frag"), false) + rsv1Frame(kContinuation, deflated("ment")), 1002),
        failing("Rsv1OnPlainMessageContinuationFailsWith1002",
                textFrame("frag", false) + rsv1Frame(kContinuation, "ment"), 1002),
        // Control frames are never compressed (§6).
        failing("Rsv1OnPingFailsWith1002", rsv1Frame(kPing, "p"), 1002),
        failing("Rsv1OnPongFailsWith1002", rsv1Frame(kPong, ""), 1002),
        failing("Rsv1OnCloseFailsWith1002", rsv1Frame(kClose, closePayload(1000)), 1002),
        failing("Rsv1OnPingInsideCompressedMessageFailsWith1002",
                rsv1Frame(kText, deflated("frag"), false) + rsv1Frame(kPing, "p"), 1002),
        // RSV2 and RSV3 stay reserved.
        failing("Rsv2FailsWith1002", RawFrame{.opcode = kText, .payload = deflated("x"), .rsv = 2}.encode(), 1002),
        failing("Rsv1AndRsv3FailsWith1002", RawFrame{.opcode = kText, .payload = deflated("x"), .rsv = 5}.encode(),
                1002),
        // RFC 6455 §8.1, after inflation.
        failing("InvalidUtf8OnceInflatedFailsWith1007", rsv1Frame(kText, deflated("caf\xc3 au lait " + chatText(100))),
                1007),
        failing("TruncatedUtf8OnceInflatedFailsWith1007", rsv1Frame(kText, deflated(chatText(100) + "\xe2\x82")),
                1007),
        // Binary is not checked for UTF-8.
        Exchange{"InvalidUtf8InBinaryIsFine", rsv1Frame(kBinary, deflated("\xff\xfe\xfd")), {{kBinary, "\xff\xfe\xfd"}}},
        // RFC 6455 §10.4: the limit counts inflated bytes.
        failing("InflatesPastMaxMessageFailsWith1009", rsv1Frame(kBinary, kBomb), 1009),
        failing("FragmentedBombFailsWith1009",
                rsv1Frame(kBinary, kBomb.substr(0, 1000), false) + continuationFrame(kBomb.substr(1000)), 1009),
        // Not DEFLATE: block type 11 is reserved; a stored block with a bad NLEN; a distance before the start.
        failing("ReservedBlockTypeFailsWith1002", rsv1Frame(kText, "\xff\xff\xff"), 1002),
        failing("BadStoredLengthFailsWith1002", rsv1Frame(kBinary, std::string("\x00\x05\x00\x00\x00Hello", 10)), 1002),
        failing("DistanceBeforeTheStartFailsWith1002", rsv1Frame(kText, std::string("\xf2\x00\x11\x00\x00", 5)), 1002)),
    NameOf{});

// The message right after a too-big one is never processed, and chatd is fine.
TEST_F(DeflateEcho, AfterABombTheServerServesOthers) {
  ASSERT_TRUE(ws.sendRaw(rsv1Frame(kBinary, kBomb)));
  EXPECT_TRUE(closesWith(ws, 1009));
  WsTestClient other;
  ASSERT_TRUE(other.connect(port()));
  ASSERT_EQ(other.upgrade(port(), "/echo", "Sec-WebSocket-Extensions: permessage-deflate\r\n").status, 101);
  const std::string text = chatText(800);
  ASSERT_TRUE(other.sendRaw(compressedFrames(kText, text)));
  EXPECT_TRUE(nextMessageIs(other, kText, text, Form::kCompressed));
}

}  // namespace
}  // namespace chatd::testing::conformance
