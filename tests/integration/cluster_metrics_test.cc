// /metrics of a cluster node: Redis up, then down when redis-server dies;
// every Redis command timed; send->ack counted across nodes; and promtool
// accepting the cluster's series.
#include <gtest/gtest.h>

#include "tests/integration/cluster_fixture.h"
#include "tests/integration/metrics_scrape.h"

namespace chatd::testing {
namespace {

class ClusterMetricsTest : public ClusterFixture {};

TEST_F(ClusterMetricsTest, RedisStateAndCommandLatencyAreReported) {
  startNodes(2);
  const Scrape before = scrape(port(0));
  EXPECT_EQ(before["chatd_redis_up"], 1);
  EXPECT_FALSE(before.has("chatd_store_operation_duration_seconds_count{op=\"sqlite_commit\"}"));

  TwoNodes two = annOnAAndBobOnB(true);
  EXPECT_EQ(two.annOnA->sendMessage(kLobby, "over redis", "r1").type(), "ack");
  two.bobOnB->expect("message");  // after presence, which may come late across nodes
  const Scrape after = scrape(port(0));
  const std::string commands = "chatd_store_operation_duration_seconds_count{op=\"redis_command\"}";
  EXPECT_GT(after[commands], before[commands]);
  EXPECT_EQ(after["chatd_store_operations_total{op=\"redis_command\",result=\"ok\"}"] +
                after["chatd_store_operations_total{op=\"redis_command\",result=\"error\"}"],
            after[commands]);
  EXPECT_EQ(after["chatd_send_ack_duration_seconds_count"] - before["chatd_send_ack_duration_seconds_count"], 1);
  EXPECT_EQ(scrape(port(1))["chatd_ws_messages_sent_total{type=\"message\"}"], 1);  // bob's, on the other node
  if (havePromtool()) {
    const ProcessResult checked = promtoolCheck(after.body);
    EXPECT_TRUE(checked.exitedZero()) << checked.output;
  }

  redis_.kill();
  ASSERT_TRUE(readyzBecomes(0, 503));
  EXPECT_EQ(scrape(port(0))["chatd_redis_up"], 0);
}

}  // namespace
}  // namespace chatd::testing
