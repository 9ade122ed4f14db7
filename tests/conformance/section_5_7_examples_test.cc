// RFC 6455 §5.7 (examples): the RFC's own client frames, byte for byte, and
// the exact bytes a conforming server answers with (unmasked, FIN set, RSV 0,
// minimal length). The input bytes are the RFC's examples where it gives a
// masked client form; the others are masked with its example key.
#include <string>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

std::string bytes(std::initializer_list<uint8_t> list) { return std::string(list.begin(), list.end()); }

struct ExampleCase {
  std::string name;
  std::string send;
  std::string expected;  // every byte the server must send back
};

using RfcExamples = EchoSuiteWithParam<ExampleCase>;

TEST_P(RfcExamples, Section5_7_ExactReplyBytes) {
  const auto& c = GetParam();
  ASSERT_TRUE(ws.sendRaw(c.send));
  ASSERT_TRUE(ws.fill(c.expected.size(), kReplyTimeoutMs)) << "got only [" << hex(ws.buffered()) << "]";
  EXPECT_EQ(hex(ws.buffered(), 16), hex(c.expected, 16));
  EXPECT_TRUE(ws.buffered() == c.expected) << "payload bytes differ";
}

const std::string kHello = "Hello";

INSTANTIATE_TEST_SUITE_P(
    Section5_7, RfcExamples,
    ::testing::Values(
        // "A single-frame masked text message" -> "A single-frame unmasked text message".
        ExampleCase{"MaskedHelloText",
                    bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                    bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f})},
        // "A fragmented unmasked text message" sent masked; the echo endpoint answers
        // each message with one frame (a choice of chatd's, not an RFC rule).
        ExampleCase{"FragmentedHelloText", textFrame("Hel", false) + continuationFrame("lo"),
                    bytes({0x81, 0x05}) + kHello},
        // "Unmasked Ping request and masked Ping response", roles swapped: masked Ping in, unmasked Pong out.
        ExampleCase{"MaskedHelloPing", controlFrame(kPing, kHello), bytes({0x8a, 0x05}) + kHello},
        // "256 bytes binary message in a single unmasked frame".
        ExampleCase{"Binary256Bytes", binaryFrame(patternBytes(256)), bytes({0x82, 0x7e, 0x01, 0x00}) + patternBytes(256)},
        // "64KiB binary message in a single unmasked frame".
        ExampleCase{"Binary64KiB", binaryFrame(patternBytes(65536)),
                    bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}) + patternBytes(65536)}),
    NameOf{});

}  // namespace
}  // namespace chatd::testing::conformance
