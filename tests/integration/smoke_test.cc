// The quickest end-to-end check: chatd starts, answers health and echoes.
#include <gtest/gtest.h>

#include "tests/support/ChatdProcess.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

TEST(Smoke, HealthAndEcho) {
  ChatdProcess chatd({"--echo", "/echo"});
  WsTestClient http;
  ASSERT_TRUE(http.connect(chatd.port()));
  http.sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(http.readHttpReply().status, 200);

  WsTestClient ws;
  ASSERT_TRUE(ws.open(chatd.port()));
  ASSERT_TRUE(ws.sendText("hello"));
  auto frame = ws.readFrame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 0x1);
  EXPECT_EQ(frame->payload, "hello");
}

}  // namespace chatd::testing
