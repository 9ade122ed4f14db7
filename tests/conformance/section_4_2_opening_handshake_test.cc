// RFC 6455 §4.2 (server-side opening handshake) and §4.4 (version negotiation).
//
// §4.2.1: the server reads a GET, HTTP/1.1 or later, with Host, Upgrade
//   containing "websocket", Connection containing "Upgrade" (both compared
//   case-insensitively), a Sec-WebSocket-Key that decodes to 16 bytes and
//   Sec-WebSocket-Version 13; otherwise it MUST stop and answer an HTTP error.
//   Sec-WebSocket-Key and Sec-WebSocket-Version MUST NOT appear more than once
//   (§11.3.1, §11.3.5), nor Host (RFC 9112 §3.2): two of them get 400.
// §4.2.2: the 101 carries Upgrade: websocket, Connection: Upgrade and
//   Sec-WebSocket-Accept = base64(SHA-1(key + GUID)); it MUST NOT name a
//   subprotocol the server did not select; an unknown resource gets an error
//   such as 404.
// §4.4: a version the server does not speak gets 426 with the versions it does.
#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/conformance/ConformanceSupport.h"

namespace chatd::testing::conformance {
namespace {

// The RFC's own example (§1.3 and §4.2.2).
constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

// A handshake request as lines we can edit before sending.
struct HandshakeRequest {
  std::string requestLine = "GET /echo HTTP/1.1";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Host", "127.0.0.1"},
      {"Upgrade", "websocket"},
      {"Connection", "Upgrade"},
      {"Sec-WebSocket-Key", std::string(kSampleKey)},
      {"Sec-WebSocket-Version", "13"},
  };

  // Replaces the header with this name (any case), or adds it.
  HandshakeRequest& set(std::string_view name, std::string value) {
    remove(name);
    headers.emplace_back(std::string(name), std::move(value));
    return *this;
  }
  HandshakeRequest& remove(std::string_view name) {
    std::erase_if(headers, [&](const auto& h) { return lowered(h.first) == lowered(name); });
    return *this;
  }
  std::string render() const {
    std::string out = requestLine + "\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    return out + "\r\n";
  }
  static std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
};

bool hasToken(const std::optional<std::string>& value, std::string_view token) {
  if (!value) return false;
  const std::string lower = HandshakeRequest::lowered(*value);
  size_t start = 0;
  while (start <= lower.size()) {
    size_t end = lower.find(',', start);
    if (end == std::string::npos) end = lower.size();
    std::string item = lower.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item == token) return true;
    start = end + 1;
  }
  return false;
}

class OpeningHandshake : public ChatdSuite {
 protected:
  HttpReply exchange(const HandshakeRequest& request) {
    EXPECT_TRUE(client.connect(port()));
    client.sendRaw(request.render());
    return client.readHttpReply(kReplyTimeoutMs);
  }
  WsTestClient client;
};

// --- Accepted handshakes: exact 101, then a working connection -------------------

struct AcceptedCase {
  std::string name;
  std::function<void(HandshakeRequest&)> edit;
  std::string expectedAccept = std::string(kSampleAccept);
};

class AcceptedHandshake : public OpeningHandshake, public ::testing::WithParamInterface<AcceptedCase> {};

// §4.2.2 step 5: status 101, Upgrade: websocket, Connection: Upgrade, the exact
// Sec-WebSocket-Accept; no subprotocol or extension the server did not select.
TEST_P(AcceptedHandshake, Answers101WithExactAcceptAndOpens) {
  HandshakeRequest request;
  GetParam().edit(request);
  const HttpReply reply = exchange(request);
  ASSERT_EQ(reply.status, 101) << reply.head << reply.body;
  EXPECT_EQ(reply.head.rfind("HTTP/1.1 101", 0), 0u) << reply.head;
  EXPECT_TRUE(hasToken(reply.header("Upgrade"), "websocket")) << reply.head;
  EXPECT_TRUE(hasToken(reply.header("Connection"), "upgrade")) << reply.head;
  EXPECT_EQ(reply.header("Sec-WebSocket-Accept"), GetParam().expectedAccept) << reply.head;
  EXPECT_FALSE(reply.header("Sec-WebSocket-Protocol")) << "§4.2.2: no subprotocol was selected\n" << reply.head;
  EXPECT_FALSE(reply.header("Sec-WebSocket-Extensions")) << "§4.2.2: no extension was selected\n" << reply.head;
  ASSERT_TRUE(client.sendRaw(textFrame("open")));
  EXPECT_TRUE(nextFrameIs(client, kText, "open"));
}

AcceptedCase withHeader(std::string name, std::string header, std::string value,
                        std::string accept = std::string(kSampleAccept)) {
  return {std::move(name), [header, value](HandshakeRequest& r) { r.set(header, value); }, std::move(accept)};
}

std::vector<AcceptedCase> acceptedCases() {
  // Expected accept values computed outside chatd (Python hashlib + base64).
  const char* const keys[][3] = {
      {"KeyOfZeroBytes", "AAAAAAAAAAAAAAAAAAAAAA==", "ICX+Yqv66kxgM0FcWaLWlFLwTAI="},
      {"KeyOfCountingBytes", "AAECAwQFBgcICQoLDA0ODw==", "Bz3qJYTGdOe8gUSpLosEdiLKDrk="},
      {"KeyOfFfBytes", "/////////////////////w==", "XXpj4jYzLM2yUE0C7TIgMwTQh2g="},
      {"KeyOfRandomBytes", "jzocngK31OVqAf98O50uEA==", "JZv8+Hc5mSCz5zz5nnV8DEWrIf4="},
      {"KeyWithSurroundingWhitespace", "  jzocngK31OVqAf98O50uEA==\t", "JZv8+Hc5mSCz5zz5nnV8DEWrIf4="},
  };
  // Tokens are case-insensitive and may stand in lists (§4.2.1 items 3 and 4).
  const char* const headers[][3] = {
      {"UpgradeMixedCase", "Upgrade", "WebSocket"},
      {"UpgradeUpperCase", "Upgrade", "WEBSOCKET"},
      {"UpgradeInList", "Upgrade", "h2c, websocket"},
      {"ConnectionLowerCase", "Connection", "upgrade"},
      {"ConnectionUpperCase", "Connection", "UPGRADE"},
      {"ConnectionListKeepAliveFirst", "Connection", "keep-alive, Upgrade"},
      {"ConnectionListUpgradeFirst", "Connection", "Upgrade, keep-alive"},
      {"OriginHeaderPresent", "Origin", "http://example.com"},
      // §4.2.2 /subprotocol/: the server supports none, so it MUST NOT answer with one.
      {"SubprotocolOffered", "Sec-WebSocket-Protocol", "chat"},
      {"SubprotocolListOffered", "Sec-WebSocket-Protocol", "chat, superchat"},
      // §9.1: extensions the server does not support are simply not selected.
      {"UnknownExtensionOffered", "Sec-WebSocket-Extensions", "x-chatd-unknown; param=1"},
  };
  auto renameHeaders = [](auto rename) {
    return [rename](HandshakeRequest& r) {
      for (auto& h : r.headers) h.first = rename(h.first);
    };
  };
  std::vector<AcceptedCase> cases = {
      {"RfcSampleKey", [](HandshakeRequest&) {}},
      {"HeaderNamesLowerCase", renameHeaders([](const std::string& n) { return HandshakeRequest::lowered(n); })},
      {"HeaderNamesUpperCase", renameHeaders([](std::string n) {
         for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return n;
       })},
      {"ResourceWithQuery", [](HandshakeRequest& r) { r.requestLine = "GET /echo?room=a HTTP/1.1"; }},
      {"SubprotocolOfferedOnTwoLines",
       [](HandshakeRequest& r) {
         r.headers.emplace_back("Sec-WebSocket-Protocol", "v1.chat");
         r.headers.emplace_back("Sec-WebSocket-Protocol", "v2.chat");
       }},
  };
  for (const auto& [name, key, accept] : keys) cases.push_back(withHeader(name, "Sec-WebSocket-Key", key, accept));
  for (const auto& [name, header, value] : headers) cases.push_back(withHeader(name, header, value));
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Section4_2, AcceptedHandshake, ::testing::ValuesIn(acceptedCases()), NameOf{});

// --- Rejected handshakes ----------------------------------------------------------

constexpr int kAny4xx = 0;

struct RejectedCase {
  std::string name;
  std::function<void(HandshakeRequest&)> edit;
  int status;  // kAny4xx where the RFC only asks for "an appropriate error"
};

class RejectedHandshake : public OpeningHandshake, public ::testing::WithParamInterface<RejectedCase> {};

// §4.2.1: a request that is not a valid handshake MUST get an HTTP error, and
// the connection never switches protocols.
TEST_P(RejectedHandshake, AnswersHttpErrorAndNoAccept) {
  HandshakeRequest request;
  GetParam().edit(request);
  const HttpReply reply = exchange(request);
  if (GetParam().status == kAny4xx) {
    EXPECT_TRUE(reply.status >= 400 && reply.status < 500) << reply.head << reply.body;
  } else {
    EXPECT_EQ(reply.status, GetParam().status) << reply.head << reply.body;
  }
  EXPECT_FALSE(reply.header("Sec-WebSocket-Accept")) << reply.head;
  // §4.4: a 426 names the versions the server speaks.
  if (reply.status == 426) {
    EXPECT_TRUE(hasToken(reply.header("Sec-WebSocket-Version"), "13")) << reply.head;
  }
}

RejectedCase withoutHeader(std::string name, std::string header, int status) {
  return {std::move(name), [header](HandshakeRequest& r) { r.remove(header); }, status};
}

RejectedCase withValue(std::string name, std::string header, std::string value, int status) {
  return {std::move(name), [header, value](HandshakeRequest& r) { r.set(header, value); }, status};
}

// §11.3.1, §11.3.5 (and RFC 9112 §3.2 for Host): these header fields MUST NOT
// appear more than once in the request.
RejectedCase withTwice(std::string name, std::string header, std::string secondValue) {
  return {std::move(name), [header, secondValue](HandshakeRequest& r) { r.headers.emplace_back(header, secondValue); },
          400};
}

RejectedCase withRequestLine(std::string name, std::string line, int status) {
  return {std::move(name), [line](HandshakeRequest& r) { r.requestLine = line; }, status};
}

INSTANTIATE_TEST_SUITE_P(
    Section4_2_1, RejectedHandshake,
    ::testing::Values(
        withoutHeader("KeyMissing", "Sec-WebSocket-Key", 400),
        withValue("KeyEmpty", "Sec-WebSocket-Key", "", 400),
        withValue("KeyOf15Bytes", "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA", 400),
        withValue("KeyOf17Bytes", "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA=", 400),
        withValue("KeyNotBase64", "Sec-WebSocket-Key", "!!!!!!!!!!!!!!!!!!!!!!==", 400),
        withValue("KeyPlainText", "Sec-WebSocket-Key", "the sample nonce", 400),
        withRequestLine("MethodPost", "POST /echo HTTP/1.1", 400),
        withRequestLine("MethodPut", "PUT /echo HTTP/1.1", 400),
        withRequestLine("MethodDelete", "DELETE /echo HTTP/1.1", 400),
        withRequestLine("MethodPatch", "PATCH /echo HTTP/1.1", 400),
        withRequestLine("Http10", "GET /echo HTTP/1.0", kAny4xx),
        withoutHeader("HostMissing", "Host", 400),
        withoutHeader("UpgradeMissing", "Upgrade", kAny4xx),
        withValue("UpgradeNotWebSocket", "Upgrade", "h2c", kAny4xx),
        withoutHeader("ConnectionMissing", "Connection", kAny4xx),
        withValue("ConnectionWithoutUpgradeToken", "Connection", "keep-alive", kAny4xx),
        withoutHeader("VersionMissing", "Sec-WebSocket-Version", kAny4xx),
        // §4.4: any version but 13 gets 426 Upgrade Required + Sec-WebSocket-Version: 13.
        withValue("Version0", "Sec-WebSocket-Version", "0", 426),
        withValue("Version7", "Sec-WebSocket-Version", "7", 426),
        withValue("Version8", "Sec-WebSocket-Version", "8", 426),
        withValue("Version12", "Sec-WebSocket-Version", "12", 426),
        withValue("Version14", "Sec-WebSocket-Version", "14", 426),
        withValue("VersionNotANumber", "Sec-WebSocket-Version", "thirteen", 426),
        withTwice("KeyTwice", "Sec-WebSocket-Key", std::string(kSampleKey)),
        withTwice("KeyTwiceDifferent", "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA=="),
        withTwice("VersionTwice", "Sec-WebSocket-Version", "13"),
        withTwice("HostTwice", "Host", "127.0.0.1"),
        // §4.2.2 step 1 of the server's response: an unknown resource gets "such as 404".
        withRequestLine("UnknownResource", "GET /no-such-endpoint HTTP/1.1", 404)),
    NameOf{});

// --- Transport-level variations of a valid handshake ------------------------------

// §4.2.1: the server reads the handshake from the stream, however it is cut.
TEST_F(OpeningHandshake, Section4_2_1_HandshakeSentOneByteAtATime) {
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(sendInPieces(client, HandshakeRequest{}.render(), 1, 1));
  const HttpReply reply = client.readHttpReply(kReplyTimeoutMs);
  ASSERT_EQ(reply.status, 101) << reply.head;
  EXPECT_EQ(reply.header("Sec-WebSocket-Accept"), kSampleAccept);
}

// §4.2.2: once the 101 is sent the connection is OPEN; frames that arrived in
// the same segment as the request are WebSocket data, not lost or parsed as HTTP.
TEST_F(OpeningHandshake, Section4_2_2_FramesRightBehindTheRequestAreProcessed) {
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(client.sendRaw(HandshakeRequest{}.render() + textFrame("first") + binaryFrame("second")));
  const HttpReply reply = client.readHttpReply(kReplyTimeoutMs);
  ASSERT_EQ(reply.status, 101) << reply.head;
  EXPECT_TRUE(nextFrameIs(client, kText, "first"));
  EXPECT_TRUE(nextFrameIs(client, kBinary, "second"));
}

}  // namespace
}  // namespace chatd::testing::conformance
