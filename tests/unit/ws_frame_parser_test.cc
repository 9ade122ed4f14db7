// WsFrameParser: every case is fed whole, split in two at every offset (inside
// long payloads, see splitWorthTrying) and byte by byte, and must give the same
// events (expectEventsInEverySplit).
#include "proto/WsFrameParser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/ws_test_frames.h"

namespace chatd::proto {
namespace {

using namespace ws_test;
using Role = WsFrameParser::Role;

std::string dataFrame(uint8_t opcode, std::string_view payload, bool fin = true) {
  return rawFrame(static_cast<uint8_t>((fin ? kFin : 0) | opcode), payload);
}
std::string textFrame(std::string_view p, bool fin = true) { return dataFrame(kOpText, p, fin); }
std::string binaryFrame(std::string_view p, bool fin = true) { return dataFrame(kOpBinary, p, fin); }
std::string contFrame(std::string_view p, bool fin = true) { return dataFrame(kOpCont, p, fin); }
std::string pingFrame(std::string_view p) { return dataFrame(kOpPing, p); }
std::string pongFrame(std::string_view p) { return dataFrame(kOpPong, p); }
std::string closeFrame(std::string_view p) { return dataFrame(kOpClose, p); }

std::string closeBody(uint16_t code, std::string_view reason = {}) {
  std::string out{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  return out.append(reason);
}

struct Case {
  std::string name;
  std::string wire;
  std::vector<WsEvent> expected;
  ParserSetup setup = {};
};

void runCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expectEventsInEverySplit(c.wire, c.expected, c.setup);
  }
}

const WsEvent kProtocolError = errorEvent(close_code::kProtocolError);
const WsEvent kInvalidUtf8 = errorEvent(close_code::kInvalidPayload);
const WsEvent kTooBig = errorEvent(close_code::kMessageTooBig);

constexpr ParserSetup kClientSide{Role::kClient};

TEST(WsFrameParser, Masking) {
  runCases({
      {"masked text to a server", textFrame("Hello"), {textEvent("Hello")}},
      {"unmasked text to a server", rawFrame(kFin | kOpText, "Hello", false), {kProtocolError}},
      {"unmasked ping to a server", rawFrame(kFin | kOpPing, "p", false), {kProtocolError}},
      {"unmasked close to a server", rawFrame(kFin | kOpClose, "", false), {kProtocolError}},
      {"unmasked text to a client", rawFrame(kFin | kOpText, "Hello", false), {textEvent("Hello")}, kClientSide},
      {"masked text to a client", textFrame("Hello"), {kProtocolError}, kClientSide},
      {"masked ping to a client", pingFrame(""), {kProtocolError}, kClientSide},
  });
}

// The §5.7 examples, byte for byte.
TEST(WsFrameParser, Rfc6455Examples) {
  runCases({
      {"unmasked Hello", "\x81\x05Hello", {textEvent("Hello")}, kClientSide},
      {"masked Hello", "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", {textEvent("Hello")}},
      {"fragmented Hello", "\x01\x03Hel\x80\x02lo", {textEvent("Hello")}, kClientSide},
  });
}

class WsFrameParserLength : public ::testing::TestWithParam<size_t> {};

TEST_P(WsFrameParserLength, SevenSixteenAndSixtyFourBitLengths) {
  const std::string payload = patternBytes(GetParam());
  expectEventsInEverySplit(binaryFrame(payload), {binaryEvent(payload)});
  expectEventsInEverySplit(rawFrame(kFin | kOpBinary, payload, false), {binaryEvent(payload)}, kClientSide);
  const std::string ascii(GetParam(), 'a');
  expectEventsInEverySplit(textFrame(ascii), {textEvent(ascii)});
}

INSTANTIATE_TEST_SUITE_P(Boundaries, WsFrameParserLength, ::testing::Values(0, 1, 125, 126, 127, 65535, 65536));

// `message` cut at `cuts` into fragments, with a ping or a pong between every
// two fragments when `interleave` is set; the events the parser must give.
Case fragmented(uint8_t opcode, std::string_view message, const std::vector<size_t>& cuts, bool interleave) {
  Case c{"", "", {}};
  size_t from = 0;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const size_t to = i < cuts.size() ? cuts[i] : message.size();
    c.wire += dataFrame(i == 0 ? opcode : kOpCont, message.substr(from, to - from), i == cuts.size());
    from = to;
    if (interleave && i < cuts.size()) {
      const std::string body = "c" + std::to_string(i);
      c.wire += i % 2 ? pongFrame(body) : pingFrame(body);
      c.expected.push_back(i % 2 ? pongEvent(body) : pingEvent(body));
    }
  }
  c.expected.push_back(opcode == kOpText ? textEvent(std::string(message)) : binaryEvent(std::string(message)));
  return c;
}

// Multi-byte characters, so evenly spaced cuts fall inside code points.
const std::string kUnicodeText = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E w\xC3\xB6rld";

TEST(WsFrameParser, FragmentedMessagesWithInterleavedControlFrames) {
  for (uint8_t opcode : {kOpText, kOpBinary}) {
    for (size_t n = 2; n <= 6; ++n) {
      std::vector<size_t> cuts;
      for (size_t i = 1; i < n; ++i) cuts.push_back(i * kUnicodeText.size() / n);
      for (bool interleave : {false, true}) {
        SCOPED_TRACE("opcode " + std::to_string(opcode) + ", " + std::to_string(n) + " fragments" +
                     (interleave ? ", interleaved" : ""));
        Case c = fragmented(opcode, kUnicodeText, cuts, interleave);
        expectEventsInEverySplit(c.wire, c.expected);
      }
    }
  }
}

TEST(WsFrameParser, ValidUtf8SplitAcrossFragmentsAtEveryOffset) {
  const std::string text = "\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E\xF4\x8F\xBF\xBF";
  for (size_t cut = 1; cut < text.size(); ++cut) {
    SCOPED_TRACE("fragment boundary at " + std::to_string(cut));
    Case c = fragmented(kOpText, text, {cut}, true);
    expectEventsInEverySplit(c.wire, c.expected);
  }
}

TEST(WsFrameParser, ZeroLengthMessages) {
  runCases({
      {"empty text", textFrame(""), {textEvent("")}},
      {"empty binary", binaryFrame(""), {binaryEvent("")}},
      {"empty fragments", textFrame("", false) + contFrame("", false) + contFrame(""), {textEvent("")}},
      {"empty fragments around data", textFrame("", false) + contFrame("ab", false) + contFrame(""), {textEvent("ab")}},
      {"empty ping and pong", pingFrame("") + pongFrame(""), {pingEvent(""), pongEvent("")}},
  });
}

TEST(WsFrameParser, SeveralFramesInOneFeed) {
  const std::string payload = patternBytes(300);
  runCases({{"mixed",
             textFrame("one") + binaryFrame(payload) + pingFrame("p") + textFrame("t", false) + pongFrame("q") +
                 contFrame("wo") + textFrame("") + closeFrame(closeBody(1000, "bye")),
             {textEvent("one"), binaryEvent(payload), pingEvent("p"), pongEvent("q"), textEvent("two"), textEvent(""),
              closeEvent(1000, "bye")}}});
}

// The gathering buffer is reused after small messages and dropped after big ones.
TEST(WsFrameParser, GatheredMessagesInARow) {
  const std::string big = patternBytes(5000);
  runCases({{"big, small, small",
             binaryFrame(big.substr(0, 2500), false) + contFrame(big.substr(2500)) + textFrame("ab", false) + contFrame("c") +
                 textFrame("d", false) + contFrame("") + binaryFrame("e", false) + contFrame(big),
             {binaryEvent(big), textEvent("abc"), textEvent("d"), binaryEvent("e" + big)}}});
}

TEST(WsFrameParser, ControlFrames) {
  const std::string max(125, 'x'), over(126, 'x');
  runCases({
      {"ping of 125 bytes", pingFrame(max), {pingEvent(max)}},
      {"pong of 125 bytes", pongFrame(max), {pongEvent(max)}},
      {"close of 125 bytes", closeFrame(closeBody(1000, std::string(123, 'r'))), {closeEvent(1000, std::string(123, 'r'))}},
      {"ping of 126 bytes", pingFrame(over), {kProtocolError}},
      {"pong of 126 bytes", pongFrame(over), {kProtocolError}},
      {"close of 126 bytes", closeFrame(closeBody(1000, std::string(124, 'r'))), {kProtocolError}},
      {"fragmented ping", rawFrame(kOpPing, "p"), {kProtocolError}},
      {"fragmented pong", rawFrame(kOpPong, "p"), {kProtocolError}},
      {"fragmented close", rawFrame(kOpClose, ""), {kProtocolError}},
      {"fragmented ping inside a message", textFrame("a", false) + rawFrame(kOpPing, ""), {kProtocolError}},
  });
}

TEST(WsFrameParser, ReservedBits) {
  const ParserSetup deflate{Role::kServer, 1 << 20, true};
  const std::string notUtf8("\xFF\x00\x80", 3);
  runCases({
      {"RSV1 without extension", rawFrame(kFin | kRsv1 | kOpText, "a"), {kProtocolError}},
      {"RSV2", rawFrame(kFin | kRsv2 | kOpText, "a"), {kProtocolError}},
      {"RSV3", rawFrame(kFin | kRsv3 | kOpBinary, "a"), {kProtocolError}},
      {"RSV2 with deflate", rawFrame(kFin | kRsv2 | kOpText, "a"), {kProtocolError}, deflate},
      {"RSV3 with deflate", rawFrame(kFin | kRsv3 | kOpText, "a"), {kProtocolError}, deflate},
      {"RSV2 on ping", rawFrame(kFin | kRsv2 | kOpPing, ""), {kProtocolError}},
      // Compressed text is not UTF-8 checked: the bytes are still deflated.
      {"RSV1 text with deflate", rawFrame(kFin | kRsv1 | kOpText, notUtf8), {textEvent(notUtf8, true)}, deflate},
      {"RSV1 binary with deflate", rawFrame(kFin | kRsv1 | kOpBinary, "b"), {binaryEvent("b", true)}, deflate},
      {"RSV1 on the first fragment", rawFrame(kRsv1 | kOpText, "\xFF") + pingFrame("") + contFrame("\x80"),
       {pingEvent(""), textEvent("\xFF\x80", true)}, deflate},
      {"RSV1 on a continuation", rawFrame(kRsv1 | kOpText, "a") + rawFrame(kFin | kRsv1 | kOpCont, "b"), {kProtocolError}, deflate},
      {"RSV1 on a continuation of a plain message", textFrame("a", false) + rawFrame(kFin | kRsv1 | kOpCont, "b"),
       {kProtocolError}, deflate},
      {"RSV1 on ping", rawFrame(kFin | kRsv1 | kOpPing, ""), {kProtocolError}, deflate},
      {"RSV1 on close", rawFrame(kFin | kRsv1 | kOpClose, ""), {kProtocolError}, deflate},
      {"plain text after compressed is checked", rawFrame(kFin | kRsv1 | kOpText, "\xFF") + textFrame("\xFF"),
       {textEvent("\xFF", true), kInvalidUtf8}, deflate},
      {"plain message after compressed", rawFrame(kFin | kRsv1 | kOpBinary, "z") + binaryFrame("p"),
       {binaryEvent("z", true), binaryEvent("p")}, deflate},
  });
}

TEST(WsFrameParser, ReservedOpcodes) {
  std::vector<Case> cases;
  // Payloads that would pass as a Ping, a Close or a message if the opcode were taken for one.
  for (uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    for (const std::string& payload : {std::string(), std::string("x"), closeBody(1000)}) {
      const std::string name = "opcode " + std::to_string(op) + " with " + std::to_string(payload.size()) + " bytes";
      cases.push_back({name, rawFrame(kFin | op, payload), {kProtocolError}});
      cases.push_back({name + " without FIN", rawFrame(op, payload), {kProtocolError}});
    }
  }
  cases.push_back({"opcode 3 inside a message", textFrame("a", false) + rawFrame(kFin | 3, ""), {kProtocolError}});
  runCases(cases);
}

TEST(WsFrameParser, FragmentationErrors) {
  runCases({
      {"continuation first", contFrame("x"), {kProtocolError}},
      {"unfinished continuation first", contFrame("x", false), {kProtocolError}},
      {"continuation after a whole message", textFrame("a") + contFrame("b"), {textEvent("a"), kProtocolError}},
      {"continuation after a finished fragmented message", textFrame("a", false) + contFrame("b") + contFrame("c"),
       {textEvent("ab"), kProtocolError}},
      {"text inside text", textFrame("a", false) + textFrame("b"), {kProtocolError}},
      {"binary inside text", textFrame("a", false) + binaryFrame("b"), {kProtocolError}},
      {"text inside binary", binaryFrame("a", false) + textFrame("b", false), {kProtocolError}},
      {"text inside text after a ping", textFrame("a", false) + pingFrame("p") + textFrame("b"),
       {pingEvent("p"), kProtocolError}},
  });
}

TEST(WsFrameParser, InvalidUtf8) {
  runCases({
      {"invalid byte", textFrame("ab\xFF"), {kInvalidUtf8}},
      {"overlong", textFrame("\xC0\xAF"), {kInvalidUtf8}},
      {"surrogate", textFrame("\xED\xA0\x80"), {kInvalidUtf8}},
      {"above U+10FFFF", textFrame("\xF4\x90\x80\x80"), {kInvalidUtf8}},
      // Fail fast: the first fragment is enough, the message never finishes.
      {"invalid first fragment", textFrame("a\xFF", false), {kInvalidUtf8}},
      {"invalid sequence split across fragments", textFrame("ab\xE0", false) + pingFrame("x") + contFrame("\x80z"),
       {pingEvent("x"), kInvalidUtf8}},
      {"surrogate split across fragments", textFrame("\xED", false) + contFrame("\xA0", false) + contFrame("\x80"),
       {kInvalidUtf8}},
      {"invalid in the last of three fragments", textFrame("ok", false) + contFrame(" ok", false) + contFrame("\x80"),
       {kInvalidUtf8}},
      {"ends inside a sequence", textFrame("abc\xE2\x82"), {kInvalidUtf8}},
      {"ends inside a sequence split across fragments", textFrame("\xF0\x9F", false) + contFrame("\x98"), {kInvalidUtf8}},
      {"ends with an empty fragment inside a sequence", textFrame("\xC3", false) + contFrame(""), {kInvalidUtf8}},
      {"next message after a truncated one is not reached", textFrame("\xC3") + textFrame("ok"), {kInvalidUtf8}},
      {"binary is not checked", binaryFrame("\xFF\xC0\xED\xA0\x80"), {binaryEvent("\xFF\xC0\xED\xA0\x80")}},
      {"ping is not checked", pingFrame("\xFF"), {pingEvent("\xFF")}},
  });
}

TEST(WsFrameParser, ClosePayloads) {
  std::vector<Case> cases = {
      {"empty", closeFrame(""), {closeEvent(close_code::kNoStatus)}},
      {"one byte", closeFrame("\x03"), {kProtocolError}},
      {"code only", closeFrame(closeBody(1000)), {closeEvent(1000)}},
      {"UTF-8 reason", closeFrame(closeBody(1001, "bye \xE2\x9C\x93")), {closeEvent(1001, "bye \xE2\x9C\x93")}},
      {"invalid UTF-8 reason", closeFrame(closeBody(1000, "bye\xFF")), {kInvalidUtf8}},
      {"truncated UTF-8 reason", closeFrame(closeBody(1000, "bye\xE2\x9C")), {kInvalidUtf8}},
      {"close inside a fragmented message", textFrame("a", false) + closeFrame(closeBody(1000)), {closeEvent(1000)}},
  };
  for (uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    cases.push_back({"invalid code " + std::to_string(code), closeFrame(closeBody(code, "r")), {kProtocolError}});
  }
  for (uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
    cases.push_back({"valid code " + std::to_string(code), closeFrame(closeBody(code, "r")), {closeEvent(code, "r")}});
  }
  runCases(cases);
}

TEST(WsFrameParser, MessageSizeLimit) {
  const ParserSetup max100{Role::kServer, 100};
  const std::string at(100, 'a'), over(101, 'a');
  // 2^63 and above cannot be a length (§5.2); 2^40 can, but not here.
  const std::string highBit = std::string("\x82\xFF\x80\0\0\0\0\0\0\0", 10) + std::string(reinterpret_cast<const char*>(kMaskKey), 4);
  const std::string highBitToClient("\x82\x7F\x80\0\0\0\0\0\0\0", 10);
  const std::string huge = std::string("\x82\xFF\0\0\x01\0\0\0\0\0", 10) + std::string(reinterpret_cast<const char*>(kMaskKey), 4);
  runCases({
      {"text at the limit", textFrame(at), {textEvent(at)}, max100},
      {"text over the limit", textFrame(over), {kTooBig}, max100},
      {"binary over the limit", binaryFrame(over), {kTooBig}, max100},
      {"fragments at the limit", textFrame(at.substr(0, 60), false) + pingFrame("") + contFrame(at.substr(60)),
       {pingEvent(""), textEvent(at)}, max100},
      {"fragments over the limit", textFrame(at.substr(0, 60), false) + contFrame(over.substr(60)), {kTooBig}, max100},
      {"three fragments over the limit",
       binaryFrame(over.substr(0, 40), false) + contFrame(over.substr(40, 40), false) + pingFrame("p") + contFrame(over.substr(80)),
       {pingEvent("p"), kTooBig}, max100},
      {"control frames do not count", textFrame(at.substr(0, 90), false) + pingFrame(std::string(100, 'p')) + contFrame("0123456789"),
       {pingEvent(std::string(100, 'p')), textEvent(at.substr(0, 90) + "0123456789")}, max100},
      {"the limit is per message", textFrame(at) + textFrame(at), {textEvent(at), textEvent(at)}, max100},
      {"64-bit length with the high bit set", highBit, {kProtocolError}},
      {"64-bit length with the high bit set to a client", highBitToClient, {kProtocolError}, kClientSide},
      {"64-bit length of 2^40", huge, {kTooBig}},
  });
}

// Close, error and halt() each end parsing for good, also across feeds.
TEST(WsFrameParser, IgnoresInputAfterCloseOrError) {
  for (const std::string& end : {closeFrame(""), textFrame("\xFF"), rawFrame(kFin | kOpText, "x", false),
                                 textFrame("gathered", false) + textFrame("x")}) {
    WsFrameParser parser(Role::kServer, 1 << 20);
    RecordingSink sink;
    std::string wire = end;
    parser.feed({reinterpret_cast<uint8_t*>(wire.data()), wire.size()}, sink);
    ASSERT_EQ(sink.events.size(), 1u);
    EXPECT_TRUE(sink.events[0].terminal());
    EXPECT_TRUE(parser.done());
    EXPECT_EQ(parser.bufferedBytes(), 0u) << "nothing kept for a dead connection";
    std::string more = textFrame("more") + pingFrame("p");
    parser.feed({reinterpret_cast<uint8_t*>(more.data()), more.size()}, sink);
    EXPECT_EQ(sink.events.size(), 1u);
  }
}

TEST(WsFrameParser, HaltFromACallbackStopsTheRestOfTheSpan) {
  const std::string wire = textFrame("one", false) + pingFrame("p") + contFrame("two") + textFrame("three");
  // Halting at each event in turn, whatever the split, leaves only the events up to it.
  const std::vector<WsEvent> all = {pingEvent("p"), textEvent("onetwo"), textEvent("three")};
  for (size_t haltAt = 1; haltAt <= all.size(); ++haltAt) {
    for (size_t cut = 0; cut <= wire.size(); ++cut) {
      WsFrameParser parser(Role::kServer, 1 << 20);
      RecordingSink sink;
      sink.afterEvent = [&] {
        if (sink.events.size() == haltAt) parser.halt();
      };
      std::string bytes = wire;
      auto* data = reinterpret_cast<uint8_t*>(bytes.data());
      parser.feed({data, cut}, sink);
      parser.feed({data + cut, bytes.size() - cut}, sink);
      ASSERT_EQ(sink.events, std::vector<WsEvent>(all.begin(), all.begin() + haltAt)) << "halt at " << haltAt << ", cut " << cut;
      EXPECT_TRUE(parser.done());
    }
  }
}

// A whole unfragmented message in one span reaches the sink in place.
TEST(WsFrameParser, WholeMessageIsNotCopied) {
  struct PointerSink : RecordingSink {
    const uint8_t* data = nullptr;
    void onWsMessage(WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) override {
      data = payload.data();
      RecordingSink::onWsMessage(opcode, payload, compressed);
    }
  } sink;
  WsFrameParser parser(Role::kServer, 1 << 20);
  std::string wire = textFrame("in place");
  parser.feed({reinterpret_cast<uint8_t*>(wire.data()), wire.size()}, sink);
  ASSERT_EQ(sink.events, std::vector<WsEvent>{textEvent("in place")});
  EXPECT_EQ(sink.data, reinterpret_cast<const uint8_t*>(wire.data()) + 6);  // 2 header + 4 mask bytes
}

TEST(WsFrameParser, BufferedBytesCountsAGatheredMessage) {
  WsFrameParser parser(Role::kServer, 1 << 20);
  RecordingSink sink;
  std::string wire = textFrame("abc", false) + pingFrame("p") + contFrame("de");
  auto* data = reinterpret_cast<uint8_t*>(wire.data());
  const size_t firstTwo = textFrame("abc", false).size() + pingFrame("p").size();
  parser.feed({data, firstTwo + 3}, sink);  // the last frame's header is not complete yet
  EXPECT_EQ(parser.bufferedBytes(), 3u);
  parser.feed({data + firstTwo + 3, wire.size() - firstTwo - 3}, sink);
  EXPECT_EQ(sink.events, (std::vector<WsEvent>{pingEvent("p"), textEvent("abcde")}));
  EXPECT_EQ(parser.bufferedBytes(), 0u);
  EXPECT_FALSE(parser.done());
}

}  // namespace
}  // namespace chatd::proto
