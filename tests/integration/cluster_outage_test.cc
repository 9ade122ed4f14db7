// A cluster whose Redis goes away for a few seconds: no node crashes, /readyz
// says 503 with the reason, sends are refused with `unavailable` and never
// acked; once Redis is back, sends work again, and every acked message is in
// the room's history exactly once, in seq order, on every node.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/cluster_fixture.h"

namespace chatd::testing {
namespace {

using ClusterOutageTest = ClusterFixture;

TEST_F(ClusterOutageTest, RedisDownRefusesSendsAndAfterItNothingAckedIsLostOrDoubled) {
  startNodes(2);
  const Account ann = signUp(port(0), "ann");
  const Account bob = signUp(port(0), "bob");
  ChatClient annOnA(port(0), "ann@a");
  ChatClient bobOnB(port(1), "bob@b");
  annOnA.connect(ann.token);
  bobOnB.connect(bob.token);
  ASSERT_EQ(annOnA.join(kLobby).type(), "joined");
  ASSERT_EQ(bobOnB.join(kLobby).type(), "joined");
  annOnA.drain();
  bobOnB.drain();
  ASSERT_EQ(annOnA.sendMessage(kLobby, "before", "c1").type(), "ack");
  ASSERT_EQ(bobOnB.expect("message").integer("data.seq"), 1);

  redis_.kill();
  ASSERT_TRUE(readyzBecomes(0, 503));
  ASSERT_TRUE(readyzBecomes(1, 503));
  EXPECT_NE(httpCall(port(0), "GET", "/readyz").body.find("not_ready"), std::string::npos);
  const Json refused = annOnA.sendMessage(kLobby, "during", "c2");
  EXPECT_EQ(refused.type(), "error") << refused;
  EXPECT_EQ(refused.string("code"), "unavailable") << refused;

  ASSERT_TRUE(redis_.restart());
  ASSERT_TRUE(readyzBecomes(0, 200));
  ASSERT_TRUE(readyzBecomes(1, 200));
  for (ChatdProcess* node : {nodes_[0].get(), nodes_[1].get()}) EXPECT_TRUE(node->running());
  const Json after = annOnA.sendMessage(kLobby, "after", "c3");
  ASSERT_EQ(after.type(), "ack") << after;
  EXPECT_EQ(after.integer("seq"), 2);
  const Json heard = bobOnB.expect("message");
  EXPECT_EQ(heard.string("data.content"), "after");
  // The refused one, sent again, is a new message; "before" is not doubled.
  EXPECT_EQ(annOnA.sendMessage(kLobby, "before", "c1").integer("seq"), 1);

  for (size_t node = 0; node < 2; ++node) {
    const HttpReply page = httpCallAs(bob.token, port(node), "GET", "/api/v1/rooms/1/messages?after=0");
    ASSERT_EQ(page.status, 200) << page.body;
    std::vector<std::string> contents;
    for (const Json& message : Json(page.body).items("messages")) contents.push_back(message.string("content").value_or(""));
    EXPECT_EQ(contents, (std::vector<std::string>{"before", "after"})) << page.body;
  }
}

}  // namespace
}  // namespace chatd::testing
