// RFC 6455 §5.4 (fragmentation).
//
// - A message is a first frame (text or binary, FIN clear), any number of
//   continuation frames (opcode 0), the last with FIN set; fragments may be
//   empty, and the message is their concatenation, in order.
// - Control frames MAY be injected between fragments and an endpoint MUST
//   handle them there; control frames themselves MUST NOT be fragmented.
// - Fragments of one message MUST NOT be interleaved with another message
//   (no extension here allows it); a continuation with no message in progress
//   is equally a protocol error. Both fail the connection with 1002.
#include <string>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

// `parts` as one message: the first frame with `opcode`, the rest continuations.
std::string fragmented(uint8_t opcode, const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += RawFrame{.opcode = i == 0 ? opcode : kContinuation, .payload = parts[i], .fin = i + 1 == parts.size()}.encode();
  }
  return out;
}

std::vector<std::string> pieces(const std::string& whole, size_t size) {
  std::vector<std::string> out;
  for (size_t at = 0; at < whole.size(); at += size) out.push_back(whole.substr(at, size));
  return out;
}

const std::string kLarge = patternBytes(70000, 3);  // continuation frames with a 64-bit length

// --- Valid fragmented messages are delivered whole --------------------------------

using FragmentedMessage = ExchangeSuite;

TEST_P(FragmentedMessage, Section5_4) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

INSTANTIATE_TEST_SUITE_P(
    Section5_4, FragmentedMessage,
    ::testing::Values(
        Exchange{"TextInTwoFragments", fragmented(kText, {"Hel", "lo"}), {{kText, "Hello"}}},
        Exchange{"TextInThreeFragments", fragmented(kText, {"frag", "men", "ted"}), {{kText, "fragmented"}}},
        Exchange{"TextInOneByteFragments", fragmented(kText, pieces("one byte per fragment", 1)),
                 {{kText, "one byte per fragment"}}},
        Exchange{"BinaryInThreeFragments", fragmented(kBinary, pieces(patternBytes(3000), 1000)),
                 {{kBinary, patternBytes(3000)}}},
        Exchange{"BinaryWith64BitLengthFragments", fragmented(kBinary, pieces(kLarge, 65536 + 1)), {{kBinary, kLarge}}},
        Exchange{"EmptyFirstFragment", fragmented(kText, {"", "Hello"}), {{kText, "Hello"}}},
        Exchange{"EmptyLastFragment", fragmented(kText, {"Hello", ""}), {{kText, "Hello"}}},
        Exchange{"EmptyMiddleFragment", fragmented(kBinary, {"He", "", "llo"}), {{kBinary, "Hello"}}},
        Exchange{"AllFragmentsEmpty", fragmented(kText, {"", "", ""}), {{kText, ""}}},
        Exchange{"TwoFragmentedMessagesBackToBack",
                 fragmented(kText, {"first ", "message"}) + fragmented(kBinary, {"second ", "message"}),
                 {{kText, "first message"}, {kBinary, "second message"}}},
        // Control frames between fragments are answered at once; the message is intact.
        Exchange{"PingBetweenFragments",
                 textFrame("Hel", false) + controlFrame(kPing, "p1") + continuationFrame("lo"),
                 {{kPong, "p1"}, {kText, "Hello"}}},
        Exchange{"PingBetweenEveryFragment",
                 textFrame("a", false) + controlFrame(kPing, "p1") + continuationFrame("b", false) +
                     controlFrame(kPing, "p2") + continuationFrame("c"),
                 {{kPong, "p1"}, {kPong, "p2"}, {kText, "abc"}}},
        Exchange{"PingBetweenEmptyFragments",
                 textFrame("", false) + controlFrame(kPing) + continuationFrame(""),
                 {{kPong, ""}, {kText, ""}}},
        Exchange{"PongBetweenFragmentsIgnored",
                 binaryFrame("ab", false) + controlFrame(kPong, "unsolicited") + continuationFrame("cd"),
                 {{kBinary, "abcd"}}},
        // §5.5.1 with §5.4: a Close between fragments closes; the unfinished message is dropped.
        Exchange{"CloseBetweenFragments", textFrame("never ", false) + closeFrame(1000) + continuationFrame("delivered"),
                 {}, 1000}),
    NameOf{});

// --- Broken fragmentation fails the connection ------------------------------------

using BrokenFragmentation = ExchangeSuite;

TEST_P(BrokenFragmentation, Section5_4_FailsWith1002) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

Exchange broken(std::string name, std::string bad, std::vector<Reply> before = {}) {
  return failing(std::move(name), std::move(bad), 1002, std::move(before));
}

const RawFrame kFragmentedPing{.opcode = kPing, .payload = "frag", .fin = false};

INSTANTIATE_TEST_SUITE_P(
    Section5_4, BrokenFragmentation,
    ::testing::Values(
        broken("ContinuationWithoutMessage", continuationFrame("orphan")),
        broken("NonFinalContinuationWithoutMessage", continuationFrame("orphan", false) + continuationFrame("end")),
        broken("EmptyContinuationWithoutMessage", continuationFrame("")),
        broken("ContinuationAfterFinishedFragmentedMessage", fragmented(kText, {"a", "b"}) + continuationFrame("too late"),
               {{kText, "ab"}}),
        broken("TextInsideFragmentedText", textFrame("first", false) + textFrame("second")),
        broken("BinaryInsideFragmentedText", textFrame("first", false) + binaryFrame("second")),
        broken("TextInsideFragmentedBinary", binaryFrame("first", false) + textFrame("second")),
        broken("NonFinalTextInsideFragmentedText", textFrame("first", false) + textFrame("second", false)),
        // Control frames MUST NOT be fragmented (§5.4, §5.5).
        broken("FragmentedPing", kFragmentedPing.encode() + continuationFrame("mented")),
        broken("FragmentedPingAlone", kFragmentedPing.encode()),
        broken("FragmentedPong", RawFrame{.opcode = kPong, .payload = "frag", .fin = false}.encode() + continuationFrame("mented")),
        broken("FragmentedClose",
               RawFrame{.opcode = kClose, .payload = closePayload(1000), .fin = false}.encode() + continuationFrame("")),
        broken("FragmentedPingInsideFragmentedText", textFrame("a", false) + kFragmentedPing.encode() + continuationFrame("b"))),
    NameOf{});

}  // namespace
}  // namespace chatd::testing::conformance
