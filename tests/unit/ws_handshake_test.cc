#include "proto/WsHandshake.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/HttpParser.h"

namespace chatd::proto {
namespace {

constexpr char kSampleKey[] = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr char kSampleAccept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

// RFC 6455 §1.3's opening handshake, as HttpParser hands it over.
HttpRequest validRequest() {
  HttpRequest r;
  r.method = "GET";
  r.target = "/chat";
  r.headers = {{"host", "server.example.com"},
               {"upgrade", "websocket"},
               {"connection", "Upgrade"},
               {"sec-websocket-key", kSampleKey},
               {"origin", "http://example.com"},
               {"sec-websocket-version", "13"}};
  return r;
}

void setHeader(HttpRequest& r, const std::string& name, const std::string& value) {
  for (auto& [key, v] : r.headers) {
    if (key == name) v = value;
  }
}

void removeHeader(HttpRequest& r, const std::string& name) {
  std::erase_if(r.headers, [&](const auto& h) { return h.first == name; });
}

std::string headerOf(const HttpResponse& response, std::string_view name) {
  std::string found;
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      EXPECT_TRUE(found.empty()) << name << " sent twice";
      found = value;
    }
  }
  return found;
}

WsHandshakeResult evaluate(const HttpRequest& r, const std::vector<std::string>& supported = {}) {
  return evaluateWsHandshake(r, supported);
}

TEST(WsHandshake, AcceptKeyOfTheRfcSample) {
  EXPECT_EQ(wsAcceptKey(kSampleKey), kSampleAccept);
  EXPECT_EQ(wsAcceptKey("AQIDBAUGBwgJCgsMDQ4PEA=="), "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
}

TEST(WsHandshake, ValidRequestGets101) {
  const WsHandshakeResult result = evaluate(validRequest());
  ASSERT_TRUE(result.accepted);
  EXPECT_EQ(result.response.status, 101);
  EXPECT_EQ(headerOf(result.response, "Upgrade"), "websocket");
  EXPECT_EQ(headerOf(result.response, "Connection"), "Upgrade");
  EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Accept"), kSampleAccept);
  EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Protocol"), "");
  EXPECT_TRUE(result.protocol.empty());
  EXPECT_TRUE(result.response.body.empty());
  EXPECT_EQ(serializeResponse(result.response, true),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST(WsHandshake, HeaderTokensAreCaseInsensitiveAndListed) {
  HttpRequest r = validRequest();
  setHeader(r, "connection", "keep-alive, Upgrade");
  setHeader(r, "upgrade", "WebSocket");
  EXPECT_TRUE(evaluate(r).accepted);
  setHeader(r, "connection", "UPGRADE");
  setHeader(r, "upgrade", "h2c, websocket");
  EXPECT_TRUE(evaluate(r).accepted);
  setHeader(r, "sec-websocket-version", " 13 ");
  setHeader(r, "sec-websocket-key", std::string(" ") + kSampleKey + "\t");
  const WsHandshakeResult result = evaluate(r);
  EXPECT_TRUE(result.accepted) << "optional whitespace around values";
  EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Accept"), kSampleAccept);
}

TEST(WsHandshake, BadRequests) {
  struct Case {
    std::string name;
    void (*mutate)(HttpRequest&);
    int status;
  };
  const Case cases[] = {
      {"POST", [](HttpRequest& r) { r.method = "POST"; }, 400},
      {"lower-case get", [](HttpRequest& r) { r.method = "get"; }, 400},
      {"HTTP/1.0", [](HttpRequest& r) { r.versionMinor = 0; }, 400},
      {"HTTP/0.9", [](HttpRequest& r) { r.versionMajor = 0, r.versionMinor = 9; }, 400},
      {"missing Host", [](HttpRequest& r) { removeHeader(r, "host"); }, 400},
      {"missing Upgrade", [](HttpRequest& r) { removeHeader(r, "upgrade"); }, 426},
      {"Upgrade to something else", [](HttpRequest& r) { setHeader(r, "upgrade", "h2c"); }, 426},
      {"Upgrade: websocket2", [](HttpRequest& r) { setHeader(r, "upgrade", "websocket2"); }, 426},
      {"missing Connection", [](HttpRequest& r) { removeHeader(r, "connection"); }, 400},
      {"Connection without upgrade", [](HttpRequest& r) { setHeader(r, "connection", "keep-alive"); }, 400},
      {"version 8", [](HttpRequest& r) { setHeader(r, "sec-websocket-version", "8"); }, 426},
      {"version 14", [](HttpRequest& r) { setHeader(r, "sec-websocket-version", "14"); }, 426},
      {"version 13 in a list", [](HttpRequest& r) { setHeader(r, "sec-websocket-version", "8, 13"); }, 426},
      {"missing version", [](HttpRequest& r) { removeHeader(r, "sec-websocket-version"); }, 426},
      {"missing key", [](HttpRequest& r) { removeHeader(r, "sec-websocket-key"); }, 400},
      {"empty key", [](HttpRequest& r) { setHeader(r, "sec-websocket-key", ""); }, 400},
      {"short key", [](HttpRequest& r) { setHeader(r, "sec-websocket-key", "dGhlIHNhbXBsZQ=="); }, 400},
      {"long key", [](HttpRequest& r) { setHeader(r, "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZSE="); }, 400},
      {"key without padding", [](HttpRequest& r) { setHeader(r, "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQAA"); }, 400},
      {"key with a bad character", [](HttpRequest& r) { setHeader(r, "sec-websocket-key", "dGhlIHNhbXBsZSBub25j*Q=="); }, 400},
      {"key with a space inside", [](HttpRequest& r) { setHeader(r, "sec-websocket-key", "dGhlIHNhbXBsZS Bub25jZ=="); }, 400},
      // RFC 6455 §11.3.1 and §11.3.5, RFC 6454 §7.3: these appear once (a second
      // Host is refused by HttpParser).
      {"two keys", [](HttpRequest& r) { r.headers.emplace_back("sec-websocket-key", kSampleKey); }, 400},
      {"two different keys",
       [](HttpRequest& r) { r.headers.emplace_back("sec-websocket-key", "AAAAAAAAAAAAAAAAAAAAAA=="); }, 400},
      {"two versions", [](HttpRequest& r) { r.headers.emplace_back("sec-websocket-version", "13"); }, 400},
      {"two origins", [](HttpRequest& r) { r.headers.emplace_back("origin", "http://evil.example"); }, 400},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HttpRequest r = validRequest();
    c.mutate(r);
    const WsHandshakeResult result = evaluate(r, {"chat"});
    EXPECT_FALSE(result.accepted);
    EXPECT_EQ(result.response.status, c.status);
    EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Version"), c.status == 426 ? "13" : "");
    EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Accept"), "");
    EXPECT_EQ(headerOf(result.response, "Content-Type"), "application/json");
    const std::string code = c.status == 426 ? "upgrade_required" : "bad_handshake";
    EXPECT_EQ(result.response.body.rfind("{\"error\":{\"code\":\"" + code + "\",\"message\":\"", 0), 0u) << result.response.body;
    EXPECT_TRUE(result.protocol.empty());
  }
}

TEST(WsHandshake, Subprotocols) {
  struct Case {
    std::string name;
    std::vector<std::string> offered;  // one entry per Sec-WebSocket-Protocol line
    std::vector<std::string> supported;
    std::string chosen;
  };
  const std::vector<std::string> server = {"chat.v2", "chat.v1"};
  const Case cases[] = {
      {"nothing offered", {}, server, ""},
      {"nothing supported", {"chat.v1"}, {}, ""},
      {"no overlap", {"x, y"}, server, ""},
      {"one match", {"x, chat.v1"}, server, "chat.v1"},
      {"the client's first offer wins", {"chat.v1, chat.v2"}, server, "chat.v1"},
      {"the client's first offer wins, other order", {"chat.v2, chat.v1"}, server, "chat.v2"},
      {"several header lines", {"x", "chat.v1", "chat.v2"}, server, "chat.v1"},
      {"an empty header line first", {"", "chat.v2"}, server, "chat.v2"},
      {"whitespace around items", {" ,\tchat.v2 , x"}, server, "chat.v2"},
      {"names are case-sensitive", {"Chat.V1"}, server, ""},
      {"no prefix matches", {"chat.v, chat.v22"}, server, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HttpRequest r = validRequest();
    for (const std::string& line : c.offered) r.headers.emplace_back("sec-websocket-protocol", line);
    const WsHandshakeResult result = evaluate(r, c.supported);
    ASSERT_TRUE(result.accepted);
    EXPECT_EQ(result.protocol, c.chosen);
    EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Protocol"), c.chosen);
  }
}

// The handshake as it comes off the wire, through HttpParser.
TEST(WsHandshake, FromTheWire) {
  const std::string raw =
      "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
      "Sec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n\r\n";
  HttpParser parser({});
  ASSERT_EQ(parser.feed(raw.data(), raw.size()).status, HttpParser::Status::kUpgrade);
  const WsHandshakeResult result = evaluate(parser.takeRequest(), {"superchat"});
  ASSERT_TRUE(result.accepted);
  EXPECT_EQ(result.protocol, "superchat");
  EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Accept"), kSampleAccept);
}

// permessage-deflate (RFC 7692): accepted when enabled and offered; an offer
// that cannot be taken is declined with a 101 all the same, never a 400.
WsHandshakeResult offering(const std::vector<std::string>& extensionLines, bool acceptDeflate) {
  HttpRequest r = validRequest();
  for (const std::string& line : extensionLines) r.headers.emplace_back("sec-websocket-extensions", line);
  WsHandshakeResult result = evaluateWsHandshake(r, {}, acceptDeflate);
  EXPECT_TRUE(result.accepted);
  EXPECT_EQ(result.response.status, 101);
  EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Extensions"), result.deflate ? result.deflate->responseHeader : "");
  return result;
}

TEST(WsHandshake, DeflateAcceptedWhenEnabledAndOffered) {
  const WsHandshakeResult result = offering({"x-other, permessage-deflate; server_max_window_bits=10"}, true);
  ASSERT_TRUE(result.deflate);
  EXPECT_EQ(result.deflate->serverMaxWindowBits, 10);
  EXPECT_EQ(headerOf(result.response, "Sec-WebSocket-Extensions"),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10");
}

TEST(WsHandshake, DeflateOfferSpreadOverTwoLines) {
  EXPECT_TRUE(offering({"permessage-deflate; bogus", "permessage-deflate"}, true).deflate);
}

TEST(WsHandshake, DeflateNotAcceptedWhenDisabled) { EXPECT_FALSE(offering({"permessage-deflate"}, false).deflate); }

TEST(WsHandshake, BadDeflateOfferIsDeclinedNotRefused) {
  for (const char* offer : {"permessage-deflate; server_max_window_bits=99", "permessage-deflate; x=\"", ";;;"}) {
    SCOPED_TRACE(offer);
    EXPECT_FALSE(offering({offer}, true).deflate);
  }
}

}  // namespace
}  // namespace chatd::proto
