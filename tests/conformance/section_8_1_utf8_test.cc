// RFC 6455 §8.1 (handling errors in UTF-8-encoded data), with §5.6.
//
// Text messages are UTF-8 (RFC 3629): no overlong forms, no surrogates
// (U+D800-U+DFFF), nothing above U+10FFFF, no bytes C0, C1 or F5-FF, no stray
// or missing continuation bytes. An endpoint that finds otherwise MUST fail
// the connection; §7.4.1 names the code: 1007. Validity is a property of the
// whole message, so a code point split across fragments is fine and an
// invalid one split across fragments is still invalid.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

using Utf8 = ExchangeSuite;

TEST_P(Utf8, Section8_1) { EXPECT_TRUE(exchangeHolds(ws, GetParam())); }

struct Sample {
  const char* name;
  std::string bytes;
};

// Valid: the boundaries of each encoding length and the awkward-but-legal code points.
const std::vector<Sample> kValid = {
    {"Ascii", "Hello"},
    {"GreekKosme", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"},
    {"Nul", std::string("\0", 1)},
    {"U007F", "\x7f"},
    {"U0080", "\xc2\x80"},
    {"U07FF", "\xdf\xbf"},
    {"U0800", "\xe0\xa0\x80"},
    {"UD7FF", "\xed\x9f\xbf"},
    {"UE000", "\xee\x80\x80"},
    {"UFEFF", "\xef\xbb\xbf"},
    {"UFFFD", "\xef\xbf\xbd"},
    {"UFFFE", "\xef\xbf\xbe"},  // a noncharacter, still valid UTF-8
    {"UFFFF", "\xef\xbf\xbf"},
    {"U10000", "\xf0\x90\x80\x80"},
    {"U1F600", "\xf0\x9f\x98\x80"},
    {"U10FFFF", "\xf4\x8f\xbf\xbf"},
    {"MixedLengths", "a\xc2\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"},
};

// Invalid, each alone in a text message.
const std::vector<Sample> kInvalid = {
    {"LoneContinuation80", "\x80"},
    {"LoneContinuationBF", "\xbf"},
    {"OverlongSlashC0", "\xc0\xaf"},
    {"OverlongC1", "\xc1\xbf"},
    {"OverlongThreeByte", "\xe0\x80\xaf"},
    {"OverlongThreeByteMax", "\xe0\x9f\xbf"},
    {"OverlongFourByte", "\xf0\x80\x80\xaf"},
    {"OverlongFourByteMax", "\xf0\x8f\xbf\xbf"},
    {"SurrogateHighFirst", "\xed\xa0\x80"},
    {"SurrogateLowLast", "\xed\xbf\xbf"},
    {"SurrogatePair", "\xed\xa0\x80\xed\xb0\x80"},
    {"Above10FFFF", "\xf4\x90\x80\x80"},
    {"LeadF5", "\xf5\x80\x80\x80"},
    {"LeadFE", "\xfe"},
    {"LeadFF", "\xff"},
    {"FiveByteForm", "\xf8\x88\x80\x80\x80"},
    {"SixByteForm", "\xfc\x84\x80\x80\x80\x80"},
    {"TruncatedTwoByteAtEnd", "ab\xc2"},
    {"TruncatedThreeByteAtEnd", "ab\xe2\x82"},
    {"TruncatedFourByteAtEnd", "ab\xf0\x9f\x98"},
    {"MissingContinuation", "\xe2\x82\x41"},
    {"InvalidAfterValidText", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80" "edited"},
};

std::vector<Sample> pick(const std::vector<Sample>& from, std::initializer_list<std::string_view> names) {
  std::vector<Sample> out;
  for (const Sample& s : from) {
    if (std::find(names.begin(), names.end(), s.name) != names.end()) out.push_back(s);
  }
  return out;
}

// The samples tried at every split position across two fragments.
const std::vector<Sample> kValidToSplit = pick(kValid, {"GreekKosme", "U10FFFF", "MixedLengths"});
const std::vector<Sample> kInvalidToSplit =
    pick(kInvalid, {"OverlongThreeByte", "SurrogateHighFirst", "Above10FFFF", "InvalidAfterValidText"});

std::string twoFragments(const std::string& bytes, size_t at) {
  return textFrame(bytes.substr(0, at), false) + continuationFrame(bytes.substr(at));
}

std::string oneByteFragments(const std::string& bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    out += RawFrame{.opcode = i == 0 ? kText : kContinuation, .payload = bytes.substr(i, 1), .fin = i + 1 == bytes.size()}.encode();
  }
  return out;
}

std::vector<Exchange> wholeMessageCases() {
  std::vector<Exchange> cases;
  for (const auto& [name, bytes] : kValid) cases.push_back({std::string("Valid") + name, textFrame(bytes), {{kText, bytes}}});
  // The ok message first shows the connection worked until the bad one.
  for (const auto& [name, bytes] : kInvalid) {
    cases.push_back({std::string("Invalid") + name, textFrame("ok") + textFrame(bytes), {{kText, "ok"}}, 1007});
  }
  return cases;
}

std::vector<Exchange> fragmentedCases() {
  std::vector<Exchange> cases;
  for (const auto& [name, bytes] : kValidToSplit) {
    for (size_t at = 1; at < bytes.size(); ++at) {
      cases.push_back({std::string("Valid") + name + "SplitAt" + std::to_string(at), twoFragments(bytes, at), {{kText, bytes}}});
    }
    cases.push_back({std::string("Valid") + name + "OneByteFragments", oneByteFragments(bytes), {{kText, bytes}}});
  }
  for (const auto& [name, bytes] : kInvalidToSplit) {
    for (size_t at = 1; at < bytes.size(); ++at) {
      cases.push_back({std::string("Invalid") + name + "SplitAt" + std::to_string(at), twoFragments(bytes, at), {}, 1007});
    }
    cases.push_back({std::string("Invalid") + name + "OneByteFragments", oneByteFragments(bytes), {}, 1007});
  }
  // Each fragment on its own is a valid prefix; only the message's end is truncated.
  cases.push_back({"InvalidTruncatedAtMessageEndEmptyLastFragment", twoFragments("\xe2\x82", 2), {}, 1007});
  cases.push_back({"InvalidTruncatedInLastFragment",
                   textFrame("abc", false) + continuationFrame("\xf0\x9f", false) + continuationFrame("\x98"), {}, 1007});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Section8_1, Utf8, ::testing::ValuesIn(wholeMessageCases()), NameOf{});
INSTANTIATE_TEST_SUITE_P(Section8_1_Fragmented, Utf8, ::testing::ValuesIn(fragmentedCases()), NameOf{});

// Fail fast (as Autobahn's cases 6.4 grade it): the RFC only requires failing
// once the server "finds" the error, but chatd validates as bytes arrive
// (proto/Utf8Validator.h promises it), so the rest of the message is never
// needed. Here the rest is never sent; a server that waits times out.
INSTANTIATE_TEST_SUITE_P(
    Section8_1_FailFast, Utf8,
    ::testing::Values(
        Exchange{"InvalidFirstFragmentOfUnfinishedMessage", textFrame("\xce\xba\xed\xa0\x80", false), {}, 1007},
        Exchange{"InvalidMiddleFragmentOfUnfinishedMessage",
                 textFrame("ok ", false) + continuationFrame("\xf4\x90\x80\x80", false), {}, 1007},
        Exchange{"InvalidStartOfUnfinishedFrame",
                 RawFrame{.opcode = kText, .payload = "\xc0\xaf then more", .declaredLength = 1000}.encode(), {}, 1007}),
    NameOf{});

}  // namespace
}  // namespace chatd::testing::conformance
