// A cluster whose Redis goes away for a few seconds: no node crashes, /readyz
// says 503 with the reason, sends are refused with `unavailable` and never
// acked; once Redis is back, sends work again, and every acked message is in
// the room's history exactly once, in seq order, on every node. And a
// message whose PUBLISH is lost (a test hook on the sending node) still
// reaches the other nodes' members, in order, from the store.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/cluster_fixture.h"

namespace chatd::testing {
namespace {

using ClusterOutageTest = ClusterFixture;

TEST_F(ClusterOutageTest, RedisDownRefusesSendsAndAfterItNothingAckedIsLostOrDoubled) {
  startNodes(2);
  auto [ann, bob, annOnA, bobOnB] = annOnAAndBobOnB(/*inLobby=*/true);
  ASSERT_EQ(annOnA->sendMessage(kLobby, "before", "c1").type(), "ack");
  ASSERT_EQ(bobOnB->expect("message").integer("data.seq"), 1);

  redis_.kill();
  ASSERT_TRUE(readyzBecomes(0, 503));
  ASSERT_TRUE(readyzBecomes(1, 503));
  EXPECT_NE(httpCall(port(0), "GET", "/readyz").body.find("not_ready"), std::string::npos);
  const Json refused = annOnA->sendMessage(kLobby, "during", "c2");
  EXPECT_EQ(refused.type(), "error") << refused;
  EXPECT_EQ(refused.string("code"), "unavailable") << refused;

  ASSERT_TRUE(redis_.restart());
  ASSERT_TRUE(readyzBecomes(0, 200));
  ASSERT_TRUE(readyzBecomes(1, 200));
  for (ChatdProcess* node : {nodes_[0].get(), nodes_[1].get()}) EXPECT_TRUE(node->running());
  const Json after = annOnA->sendMessage(kLobby, "after", "c3");
  ASSERT_EQ(after.type(), "ack") << after;
  EXPECT_EQ(after.integer("seq"), 2);
  const Json heard = bobOnB->expect("message");
  EXPECT_EQ(heard.string("data.content"), "after");
  // The refused one, sent again, is a new message; "before" is not doubled.
  EXPECT_EQ(annOnA->sendMessage(kLobby, "before", "c1").integer("seq"), 1);

  for (size_t node = 0; node < 2; ++node) {
    const HttpReply page = httpCallAs(bob.token, port(node), "GET", "/api/v1/rooms/1/messages?after=0");
    ASSERT_EQ(page.status, 200) << page.body;
    std::vector<std::string> contents;
    for (const Json& message : Json(page.body).items("messages")) contents.push_back(message.string("content").value_or(""));
    EXPECT_EQ(contents, (std::vector<std::string>{"before", "after"})) << page.body;
  }
}

TEST_F(ClusterOutageTest, MessagesWhosePublishIsLostAreHealedFromTheStoreInOrder) {
  // Node 0 never PUBLISHes its 2nd, 4th, 6th... message (RedisBus's test hook).
  ::setenv("CHATD_TEST_DROP_PUBLISH", "2", 1);
  startNode();
  ::unsetenv("CHATD_TEST_DROP_PUBLISH");
  startNode();
  auto [ann, bob, annOnA, bobOnB] = annOnAAndBobOnB(/*inLobby=*/true);

  // The last one is published: the gap before it shows node 1 what it missed.
  constexpr int kSent = 7;
  for (int i = 1; i <= kSent; ++i) ASSERT_EQ(annOnA->sendMessage(kLobby, "m" + std::to_string(i)).type(), "ack");
  for (int seq = 1; seq <= kSent; ++seq) {
    const Json heard = bobOnB->expect("message");
    EXPECT_EQ(heard.integer("data.seq"), seq) << heard;
    EXPECT_EQ(heard.string("data.content"), "m" + std::to_string(seq)) << heard;
  }
  EXPECT_TRUE(ofType(bobOnB->drain(), "message").empty());
}

}  // namespace
}  // namespace chatd::testing
