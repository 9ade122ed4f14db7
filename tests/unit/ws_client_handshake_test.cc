#include "proto/WsClientHandshake.h"

#include <gtest/gtest.h>

#include <set>

#include "proto/HttpParser.h"
#include "proto/WsHandshake.h"

namespace chatd::proto {
namespace {

using Status = WsUpgradeResponse::Status;

std::string answerFor(const std::string& key, const std::string& extra = {}) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         wsAcceptKey(key) + "\r\n" + extra + "\r\n";
}

TEST(WsClientHandshake, KeysAreRandomBase64OfSixteenBytes) {
  std::set<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    const std::string key = makeWsClientKey();
    ASSERT_EQ(key.size(), 24u);
    EXPECT_EQ(key.substr(22), "==");
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), 100u);
}

TEST(WsClientHandshake, RequestIsAcceptedByOurServerSide) {
  const std::string key = makeWsClientKey();
  const std::string request = buildWsUpgradeRequest("127.0.0.1:9", "/ws?r=1", key, "Origin: http://x\r\n");
  HttpParser parser{HttpLimits{}};
  const auto result = parser.feed(request.data(), request.size());
  ASSERT_EQ(result.status, HttpParser::Status::kUpgrade);
  EXPECT_EQ(result.consumed, request.size());
  const HttpRequest parsed = parser.takeRequest();
  EXPECT_EQ(parsed.target, "/ws?r=1");
  EXPECT_EQ(parsed.header("origin"), "http://x");
  const WsHandshakeResult handshake = evaluateWsHandshake(parsed, {});
  ASSERT_TRUE(handshake.accepted);
  EXPECT_NE(serializeResponse(handshake.response, true).find(wsAcceptKey(key)), std::string::npos);
}

TEST(WsClientHandshake, AcceptsTheRightAnswerAndReportsWhereFramesStart) {
  const std::string key = makeWsClientKey();
  const std::string head = answerFor(key);
  const auto response = parseWsUpgradeResponse(head + "\x81\x02hi", key);
  EXPECT_EQ(response.status, Status::kAccepted);
  EXPECT_EQ(response.consumed, head.size());
}

TEST(WsClientHandshake, WaitsForTheWholeHeadAtEverySplit) {
  const std::string key = makeWsClientKey();
  const std::string head = answerFor(key);
  for (size_t cut = 0; cut < head.size(); ++cut) {
    EXPECT_EQ(parseWsUpgradeResponse(head.substr(0, cut), key).status, Status::kIncomplete) << cut;
  }
}

TEST(WsClientHandshake, RejectsWrongAnswers) {
  const std::string key = makeWsClientKey();
  const std::string other = makeWsClientKey();
  EXPECT_EQ(parseWsUpgradeResponse(answerFor(other), key).status, Status::kRejected);
  const auto notFound = parseWsUpgradeResponse("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", key);
  EXPECT_EQ(notFound.status, Status::kRejected);
  EXPECT_EQ(notFound.httpStatus, 404);
  std::string noUpgrade = answerFor(key);
  noUpgrade.replace(noUpgrade.find("Upgrade: websocket"), 18, "Upgrade: h2c");
  EXPECT_EQ(parseWsUpgradeResponse(noUpgrade, key).status, Status::kRejected);
  EXPECT_EQ(parseWsUpgradeResponse("garbage\r\n\r\n", key).status, Status::kRejected);
  EXPECT_EQ(parseWsUpgradeResponse(std::string(10000, 'x'), key).status, Status::kRejected);
}

TEST(WsClientHandshake, HeaderNamesAndTokensAreCaseInsensitive) {
  const std::string key = makeWsClientKey();
  const std::string head = "HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, upgrade\r\n"
                           "sec-websocket-accept: " + wsAcceptKey(key) + "\r\n\r\n";
  EXPECT_EQ(parseWsUpgradeResponse(head, key).status, Status::kAccepted);
}

}  // namespace
}  // namespace chatd::proto
