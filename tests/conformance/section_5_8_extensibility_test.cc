// RFC 6455 §5.8 (extensibility) with §9.1 (negotiating extensions).
//
// - The RSV bits and reserved opcodes are for extensions, and only an
//   extension negotiated in the opening handshake may use them (§5.2: else
//   fail the connection). The bits and opcodes themselves are tested in
//   section_5_2_base_framing_test.cc on a connection that offered nothing.
// - Here: the server selects only extensions the client offered (§9.1: the
//   server's Sec-WebSocket-Extensions names extensions from the client's list),
//   and an extension the client offered but the server did not accept gives
//   the client no right to RSV bits.
#include <algorithm>
#include <string>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

// Extension names in a Sec-WebSocket-Extensions value ("a; p=1, b" -> a, b).
std::vector<std::string> extensionNames(std::string_view value) {
  std::vector<std::string> names;
  for (size_t start = 0; start <= value.size();) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    std::string item(value.substr(start, end - start));
    item = item.substr(0, item.find(';'));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) names.push_back(item);
    start = end + 1;
  }
  return names;
}

struct OfferCase {
  std::string name;
  std::string offer;  // the client's Sec-WebSocket-Extensions value
};

class ExtensionOffer : public ChatdSuite, public ::testing::WithParamInterface<OfferCase> {
 protected:
  WsTestClient ws;
};

TEST_P(ExtensionOffer, Section9_1_ServerSelectsOnlyOfferedExtensions) {
  ASSERT_TRUE(ws.connect(port()));
  const HttpReply reply = ws.upgrade(port(), "/echo", "Sec-WebSocket-Extensions: " + GetParam().offer + "\r\n");
  ASSERT_EQ(reply.status, 101) << reply.head;
  const auto selected = reply.header("Sec-WebSocket-Extensions");
  if (!selected) return;
  const std::vector<std::string> offered = extensionNames(GetParam().offer);
  for (const std::string& name : extensionNames(*selected)) {
    EXPECT_NE(std::find(offered.begin(), offered.end(), name), offered.end())
        << "the server selected '" << name << "', which the client never offered";
  }
}

// §5.2/§5.8: with the offer declined, an RSV bit is still a protocol error.
TEST_P(ExtensionOffer, Section5_8_RsvBitsAfterDeclinedOfferFailWith1002) {
  ASSERT_TRUE(ws.connect(port()));
  const HttpReply reply = ws.upgrade(port(), "/echo", "Sec-WebSocket-Extensions: " + GetParam().offer + "\r\n");
  ASSERT_EQ(reply.status, 101) << reply.head;
  if (reply.header("Sec-WebSocket-Extensions")) GTEST_SKIP() << "the server accepted an extension: RSV use is its business";
  EXPECT_TRUE(failsAfterPrelude(ws, RawFrame{.opcode = kText, .payload = "compressed?", .rsv = 4}.encode(), 1002));
}

INSTANTIATE_TEST_SUITE_P(Section5_8, ExtensionOffer,
                         ::testing::Values(OfferCase{"PermessageDeflate", "permessage-deflate"},
                                           OfferCase{"PermessageDeflateWithParams",
                                                     "permessage-deflate; client_max_window_bits; server_no_context_takeover"},
                                           OfferCase{"UnknownExtension", "x-chatd-unknown"},
                                           OfferCase{"SeveralOffers", "x-chatd-unknown; a=1, permessage-deflate, x-other"}),
                         NameOf{});

// §4.2.2/§9.1: a client that offers nothing gets no extension.
TEST_F(ChatdSuite, Section9_1_NoOfferNoExtension) {
  WsTestClient ws;
  ASSERT_TRUE(ws.connect(port()));
  const HttpReply reply = ws.upgrade(port(), "/echo");
  ASSERT_EQ(reply.status, 101) << reply.head;
  EXPECT_FALSE(reply.header("Sec-WebSocket-Extensions")) << reply.head;
}

}  // namespace
}  // namespace chatd::testing::conformance
