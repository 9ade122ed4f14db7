// RFC 6455 §5.6 (data frames).
//
// - Text (0x1): the payload is UTF-8; a message that is not MUST fail the
//   connection (§8.1), with 1007 (§7.4.1). The UTF-8 details are in
//   section_8_1_utf8_test.cc; here only the opcode-level rule.
// - Binary (0x2): arbitrary data, entirely up to the application layer: no
//   byte sequence may be refused.
// The echo endpoint returns each message with its opcode, so what comes back
// shows what the server delivered.
#include <string>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

using DataFrames = ExchangeSuite;

TEST_P(DataFrames, Section5_6) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

Exchange echoed(std::string name, uint8_t opcode, const std::string& payload) {
  return {std::move(name), RawFrame{.opcode = opcode, .payload = payload}.encode(), {{opcode, payload}}};
}

INSTANTIATE_TEST_SUITE_P(
    Section5_6, DataFrames,
    ::testing::Values(
        echoed("TextEmpty", kText, ""), echoed("TextAscii", kText, "Hello, world"),
        echoed("TextWithNul", kText, std::string("nul\0inside", 10)),
        echoed("TextMultiByte", kText, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"),
        echoed("Text64KiB", kText, std::string(65536, 'a')),
        echoed("BinaryEmpty", kBinary, ""), echoed("BinaryAllByteValues", kBinary, patternBytes(256)),
        echoed("BinaryZeros", kBinary, std::string(1000, '\0')),
        // Bytes that would be invalid UTF-8 in a text message are fine in binary.
        echoed("BinaryInvalidUtf8", kBinary, "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xff"),
        echoed("BinaryTruncatedUtf8", kBinary, "\xe2\x82"),
        echoed("Binary100KiB", kBinary, patternBytes(100 * 1024, 9)),
        // The opcode of each message is kept when text and binary alternate.
        Exchange{"TextAndBinaryAlternate",
                 textFrame("t1") + binaryFrame("b1") + textFrame("t2") + binaryFrame("b2"),
                 {{kText, "t1"}, {kBinary, "b1"}, {kText, "t2"}, {kBinary, "b2"}}},
        Exchange{"TextNotUtf8FailsWith1007", textFrame("ok") + textFrame("\xff not UTF-8"), {{kText, "ok"}}, 1007}),
    NameOf{});

}  // namespace
}  // namespace chatd::testing::conformance
