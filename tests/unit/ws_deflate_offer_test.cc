// permessage-deflate negotiation, RFC 7692 §5 and §7.1, from the server's side.
#include "proto/WsDeflateOffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chatd::proto {
namespace {

constexpr std::string_view kBaseAnswer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

std::optional<DeflateAgreement> acceptLines(std::vector<std::string_view> lines) { return acceptDeflateOffer(lines); }
std::optional<DeflateAgreement> accept(std::string_view line) { return acceptLines({line}); }

struct OfferCase {
  std::string name;
  std::string offer;
  // The 101's Sec-WebSocket-Extensions value; empty: declined.
  std::string answer;
  uint8_t windowBits = 15;
};

class DeflateOffer : public ::testing::TestWithParam<OfferCase> {};

TEST_P(DeflateOffer, AnswersAsTheRfcSays) {
  const OfferCase& c = GetParam();
  const auto agreement = accept(c.offer);
  if (c.answer.empty()) {
    EXPECT_FALSE(agreement) << "accepted: " << agreement->responseHeader;
    return;
  }
  ASSERT_TRUE(agreement) << "declined";
  EXPECT_EQ(agreement->responseHeader, c.answer);
  EXPECT_EQ(agreement->serverMaxWindowBits, c.windowBits);
}

const std::string kBase(kBaseAnswer);
std::string withWindow(int bits) { return kBase + "; server_max_window_bits=" + std::to_string(bits); }

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, DeflateOffer,
    ::testing::Values(
        // §7.1: the bare offer; no context takeover is always answered (§7.1.1.1, §7.1.1.2).
        OfferCase{"Bare", "permessage-deflate", kBase},
        OfferCase{"ServerNoContextTakeover", "permessage-deflate; server_no_context_takeover", kBase},
        OfferCase{"ClientNoContextTakeover", "permessage-deflate; client_no_context_takeover", kBase},
        OfferCase{"BothNoContextTakeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                  kBase},
        // §7.1.1: the no-context-takeover parameters take no value.
        OfferCase{"ServerNoContextTakeoverWithValue", "permessage-deflate; server_no_context_takeover=1", ""},
        OfferCase{"ClientNoContextTakeoverWithValue", "permessage-deflate; client_no_context_takeover=\"x\"", ""},
        // §7.1.2.1: server_max_window_bits needs 8..15; accepted and echoed.
        OfferCase{"ServerWindow8", "permessage-deflate; server_max_window_bits=8", withWindow(8), 8},
        OfferCase{"ServerWindow10", "permessage-deflate; server_max_window_bits=10", withWindow(10), 10},
        OfferCase{"ServerWindow15", "permessage-deflate; server_max_window_bits=15", withWindow(15), 15},
        OfferCase{"ServerWindowQuoted", "permessage-deflate; server_max_window_bits=\"12\"", withWindow(12), 12},
        OfferCase{"ServerWindowValueless", "permessage-deflate; server_max_window_bits", ""},
        OfferCase{"ServerWindow7", "permessage-deflate; server_max_window_bits=7", ""},
        OfferCase{"ServerWindow16", "permessage-deflate; server_max_window_bits=16", ""},
        OfferCase{"ServerWindow0", "permessage-deflate; server_max_window_bits=0", ""},
        OfferCase{"ServerWindowLeadingZero", "permessage-deflate; server_max_window_bits=09", ""},
        OfferCase{"ServerWindowNotANumber", "permessage-deflate; server_max_window_bits=ten", ""},
        OfferCase{"ServerWindowEmptyQuoted", "permessage-deflate; server_max_window_bits=\"\"", ""},
        // §7.1.2.2: client_max_window_bits, valueless or 8..15; never echoed.
        OfferCase{"ClientWindowValueless", "permessage-deflate; client_max_window_bits", kBase},
        OfferCase{"ClientWindow8", "permessage-deflate; client_max_window_bits=8", kBase},
        OfferCase{"ClientWindow15", "permessage-deflate; client_max_window_bits=15", kBase},
        OfferCase{"ClientWindowQuoted", "permessage-deflate; client_max_window_bits=\"9\"", kBase},
        OfferCase{"ClientWindow7", "permessage-deflate; client_max_window_bits=7", ""},
        OfferCase{"ClientWindow16", "permessage-deflate; client_max_window_bits=16", ""},
        OfferCase{"ClientWindowNegative", "permessage-deflate; client_max_window_bits=-9", ""},
        OfferCase{"BothWindows", "permessage-deflate; client_max_window_bits; server_max_window_bits=11",
                  withWindow(11), 11},
        // What browsers send.
        OfferCase{"Browser", "permessage-deflate; client_max_window_bits", kBase},
        // §7.1: an unknown or duplicated parameter declines the offer.
        OfferCase{"UnknownParam", "permessage-deflate; mystery", ""},
        OfferCase{"UnknownParamWithValue", "permessage-deflate; x=1", ""},
        OfferCase{"DuplicateServerNoContextTakeover",
                  "permessage-deflate; server_no_context_takeover; server_no_context_takeover", ""},
        OfferCase{"DuplicateClientWindow", "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
                  ""},
        OfferCase{"DuplicateServerWindowSameValue",
                  "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", ""},
        OfferCase{"DuplicateInOtherCase", "permessage-deflate; client_max_window_bits; Client_Max_Window_Bits", ""},
        // Names are case-insensitive tokens.
        OfferCase{"NameUpperCase", "PERMESSAGE-DEFLATE", kBase},
        OfferCase{"ParamMixedCase", "Permessage-Deflate; Server_Max_Window_Bits=9", withWindow(9), 9},
        // Whitespace around the separators.
        OfferCase{"Spaces", "  permessage-deflate ;\tclient_max_window_bits = 10 ;server_no_context_takeover  ",
                  kBase},
        // Several offers: the first acceptable one wins (§5.1), in the client's order.
        OfferCase{"FirstDeclinedSecondAccepted",
                  "permessage-deflate; server_max_window_bits=20, permessage-deflate; server_max_window_bits=10",
                  withWindow(10), 10},
        OfferCase{"FirstAcceptedWins",
                  "permessage-deflate; server_max_window_bits=9, permessage-deflate; server_max_window_bits=10",
                  withWindow(9), 9},
        OfferCase{"AllDeclined", "permessage-deflate; a, permessage-deflate; server_max_window_bits=99", ""},
        // Other extensions are skipped, whatever their parameters.
        OfferCase{"OtherExtensionFirst", "x-webkit-deflate-frame; no_context_takeover, permessage-deflate", kBase},
        OfferCase{"OtherExtensionOnly", "x-chatd-unknown; param=1", ""},
        OfferCase{"OtherExtensionQuotedComma", "x-other; p=\"a, b; c\", permessage-deflate", kBase},
        OfferCase{"PrefixIsNotTheName", "permessage-deflatex", ""},
        // Empty list elements are allowed (RFC 7230 §7).
        OfferCase{"EmptyElements", ", ,permessage-deflate,,", kBase},
        OfferCase{"Empty", "", ""},
        // A list that does not parse is not understood: nothing in it is accepted.
        OfferCase{"UnterminatedQuote", "permessage-deflate, x; p=\"open", ""},
        OfferCase{"MissingValue", "permessage-deflate; client_max_window_bits=", ""},
        OfferCase{"StrayCharacter", "permessage-deflate; @", ""},
        OfferCase{"TwoTokensWithoutSeparator", "permessage-deflate client_max_window_bits", ""},
        OfferCase{"ControlCharacterInQuote", "x; p=\"a\x01\", permessage-deflate", ""},
        OfferCase{"EscapedQuoteInValue", "x; p=\"a\\\"b\", permessage-deflate", kBase}),
    [](const auto& info) { return info.param.name; });

// Several header lines are one list (RFC 7230 §3.2.2), read in order.
TEST(DeflateOfferLines, SeveralHeaderLinesAreOneList) {
  const auto agreement = acceptLines({"x-other", "permessage-deflate; server_max_window_bits=13"});
  ASSERT_TRUE(agreement);
  EXPECT_EQ(agreement->serverMaxWindowBits, 13);
}

TEST(DeflateOfferLines, FirstLineDeclinedSecondAccepted) {
  const auto agreement = acceptLines({"permessage-deflate; bogus", "permessage-deflate; client_max_window_bits"});
  ASSERT_TRUE(agreement);
  EXPECT_EQ(agreement->responseHeader, kBaseAnswer);
}

TEST(DeflateOfferLines, NoLinesNoAgreement) { EXPECT_FALSE(acceptLines({})); }

}  // namespace
}  // namespace chatd::proto
