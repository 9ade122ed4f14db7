// Webhooks from a cluster: two nodes with the same --webhook-url send each
// event once for the whole chat server, and message.created's
// offline_user_ids reads presence across the nodes.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_fixture.h"
#include "tests/support/WebhookReceiver.h"

namespace chatd::testing {
namespace {

class ClusterWebhooksTest : public ClusterFixture {
 protected:
  std::vector<std::string> offlineIn(const proto::HttpRequest& request) const {
    std::vector<std::string> ids;
    for (const Json& id : Json(request.body).items("data.offline_user_ids")) ids.push_back(id.text());
    return ids;
  }

  WebhookReceiver receiver_;
};

TEST_F(ClusterWebhooksTest, EachEventIsSentOnceByOneNode) {
  startNode(receiver_.chatdArgs());
  startNode(receiver_.chatdArgs());
  TwoNodes two = annOnAAndBobOnB(/*inLobby=*/true);
  ASSERT_TRUE(receiver_.waitForEvent("user.online", 5000, 1)) << "ann's and bob's";

  ASSERT_EQ(two.annOnA->sendMessage(kLobby, "to the cluster").type(), "ack");
  const auto created = receiver_.waitForEvent("message.created");
  ASSERT_TRUE(created);
  // bob's session is on the other node: he is online, not listed.
  EXPECT_EQ(offlineIn(*created), std::vector<std::string>{});

  ASSERT_TRUE(two.bobOnB->hangUp());
  ASSERT_TRUE(receiver_.waitForEvent("user.offline"));
  ASSERT_EQ(two.annOnA->sendMessage(kLobby, "bob is gone").type(), "ack");
  const auto second = receiver_.waitForEvent("message.created", 5000, 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(offlineIn(*second), std::vector<std::string>{two.bob.id});

  // Time for a second node's copy to arrive, were there one.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(receiver_.eventsOfType("member.joined"), 2u);
  EXPECT_EQ(receiver_.eventsOfType("user.online"), 2u);
  EXPECT_EQ(receiver_.eventsOfType("user.offline"), 1u);
  EXPECT_EQ(receiver_.eventsOfType("message.created"), 2u);
}

}  // namespace
}  // namespace chatd::testing
