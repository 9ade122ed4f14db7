// --max-connections: the connection over the limit is turned away with 503,
// and a freed slot is served again.
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/ChatdProcess.h"
#include "tests/support/ClientChecks.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

constexpr int kMaxConnections = 5;

std::vector<std::unique_ptr<WsTestClient>> openWebSockets(int port, int count) {
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < count; ++i) {
    auto client = std::make_unique<WsTestClient>();
    if (!client->open(port)) break;
    clients.push_back(std::move(client));
  }
  return clients;
}

// The extra connection is answered 503 JSON then closed; a bare close (if
// the reply could not be written) is accepted too, but nothing else.
::testing::AssertionResult turnedAway(WsTestClient& client) {
  const HttpReply reply = client.readHttpReply(2000);
  if (reply.status != 0 && reply.status != 503) return ::testing::AssertionFailure() << "status " << reply.status;
  if (reply.status == 503 && !reply.body.starts_with("{\"error\":{")) {
    return ::testing::AssertionFailure() << "503 without a JSON error: " << reply.body;
  }
  if (!client.waitForEof(2000)) return ::testing::AssertionFailure() << "left open";
  return ::testing::AssertionSuccess();
}

bool served(int port) {
  WsTestClient ws;
  if (!ws.open(port) || !ws.sendText("in")) return false;
  return static_cast<bool>(receivesFrame(ws, 0x1, "in", 1000));
}

}  // namespace

TEST(MaxConnections, SixthConnectionGets503UntilOneCloses) {
  ChatdProcess chatd({"--echo", "/echo", "--max-connections", std::to_string(kMaxConnections)});
  auto clients = openWebSockets(chatd.port(), kMaxConnections);
  ASSERT_EQ(static_cast<int>(clients.size()), kMaxConnections);

  WsTestClient extra;
  ASSERT_TRUE(extra.connect(chatd.port()));  // the kernel accepts; chatd refuses
  ASSERT_TRUE(extra.sendRaw(kHealthzRequest));
  EXPECT_TRUE(turnedAway(extra));

  // The five are unaffected.
  for (auto& client : clients) {
    ASSERT_TRUE(client->sendText("still"));
    EXPECT_TRUE(receivesFrame(*client, 0x1, "still"));
  }

  ASSERT_TRUE(clients.back()->sendClose(proto::close_code::kNormal));
  EXPECT_EQ(clients.back()->readCloseCode(), proto::close_code::kNormal);
  EXPECT_TRUE(clients.back()->waitForEof());
  clients.pop_back();
  // chatd frees the slot once it sees the socket gone: poll briefly.
  EXPECT_TRUE(eventually([&] { return served(chatd.port()); }, 3000)) << "freed slot not reused";
}

// A refused connection does not take a slot itself.
TEST(MaxConnections, RefusedConnectionsDoNotLeakSlots) {
  ChatdProcess chatd({"--echo", "/echo", "--max-connections", "1"});
  auto holder = openWebSockets(chatd.port(), 1);
  ASSERT_EQ(holder.size(), 1u);
  for (int i = 0; i < 10; ++i) {
    WsTestClient extra;
    ASSERT_TRUE(extra.connect(chatd.port()));
    ASSERT_TRUE(turnedAway(extra)) << "connection " << i;
  }
  holder.clear();  // TCP close without a closing handshake frees the slot too
  EXPECT_TRUE(eventually([&] { return served(chatd.port()); }, 3000));
}

}  // namespace chatd::testing
