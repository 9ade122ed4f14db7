// RFC 6455 §10.4 (implementation-specific limits), with §7.4.1 (1009).
//
// A server may cap frame and message sizes to protect itself; a message over
// the cap fails the connection with 1009 ("message too big"). This suite runs
// chatd with --max-message 100 and checks that the cap is exact (100 bytes
// pass, 101 do not), counts whole fragmented messages, is decided from the
// header alone (the server never waits for, or buffers, a payload it will
// refuse), and never applies to control frames, whose 125 bytes the RFC
// guarantees (§5.5).
// §10.3 (client-to-server masking) is tested in section_5_1_masking_test.cc.
#include <string>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

constexpr size_t kLimit = 100;

class MessageLimit : public ExchangeSuite {
 public:
  static void SetUpTestSuite() { startServer({"--max-message", std::to_string(kLimit)}); }
};

TEST_P(MessageLimit, Section10_4) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

const std::string kAtLimit(kLimit, 'L');
const std::string kOverLimit(kLimit + 1, 'O');
const std::string kHalf(kLimit / 2, 'h');

// A header announcing `length` bytes of binary payload, with none sent.
std::string announce(uint64_t length) {
  return RawFrame{.opcode = kBinary, .declaredLength = length}.encode();
}

std::string manyFragments(size_t count) {
  std::string out = textFrame("x", false);
  for (size_t i = 1; i < count; ++i) out += continuationFrame("x", i + 1 == count);
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Section10_4, MessageLimit,
    ::testing::Values(
        Exchange{"TextAtLimitEchoed", textFrame(kAtLimit), {{kText, kAtLimit}}},
        Exchange{"BinaryAtLimitEchoed", binaryFrame(kAtLimit), {{kBinary, kAtLimit}}},
        Exchange{"TextOverLimitFailsWith1009", textFrame("ok") + textFrame(kOverLimit), {{kText, "ok"}}, 1009},
        Exchange{"BinaryOverLimitFailsWith1009", binaryFrame(kOverLimit), {}, 1009},
        // The cap is per message: many messages at the cap are fine.
        Exchange{"SeveralMessagesAtLimit", textFrame(kAtLimit) + binaryFrame(kAtLimit) + textFrame(kAtLimit),
                 {{kText, kAtLimit}, {kBinary, kAtLimit}, {kText, kAtLimit}}},
        // Fragmented messages count as a whole.
        Exchange{"FragmentsSummingToLimitEchoed", textFrame(kHalf, false) + continuationFrame(kHalf), {{kText, kHalf + kHalf}}},
        Exchange{"FragmentsSummingToLimitWithEmptyLast",
                 textFrame(kHalf, false) + continuationFrame(kHalf, false) + continuationFrame(""), {{kText, kHalf + kHalf}}},
        Exchange{"FragmentsOverLimitFailWith1009", textFrame(kHalf, false) + continuationFrame(kHalf + "!"), {}, 1009},
        Exchange{"OneByteOverInLastFragmentFailsWith1009", binaryFrame(kAtLimit, false) + continuationFrame("!"), {}, 1009},
        Exchange{"ManyOneByteFragmentsAtLimit", manyFragments(kLimit), {{kText, std::string(kLimit, 'x')}}},
        Exchange{"ManyOneByteFragmentsOverLimit", manyFragments(kLimit + 1), {}, 1009},
        // Refused on the header: no payload follows, so a server that waits times out.
        Exchange{"AnnouncedOneOverLimitFailsAtOnce", announce(kLimit + 1), {}, 1009},
        Exchange{"Announced16BitLengthFailsAtOnce", announce(1000), {}, 1009},
        Exchange{"Announced64KiBFailsAtOnce", announce(65536), {}, 1009},
        Exchange{"Announced1TiBFailsAtOnce", announce(uint64_t{1} << 40), {}, 1009},
        Exchange{"AnnouncedLargest63BitLengthFailsAtOnce", announce((uint64_t{1} << 63) - 1), {}, 1009},
        // Control frames are bounded by the RFC (125 bytes), not by the message cap.
        Exchange{"Ping125BytesAnsweredDespiteLimit", controlFrame(kPing, patternBytes(125)), {{kPong, patternBytes(125)}}},
        Exchange{"PingInsideMessageAtLimit",
                 textFrame(kHalf, false) + controlFrame(kPing, std::string(125, 'p')) + continuationFrame(kHalf),
                 {{kPong, std::string(125, 'p')}, {kText, kHalf + kHalf}}},
        Exchange{"CloseWith123ByteReasonDespiteLimit", closeFrame(1000, std::string(123, 'r')), {}, 1000}),
    NameOf{});

}  // namespace
}  // namespace chatd::testing::conformance
