// /metrics as an operator reads it, against a real chatd after real traffic:
// HTTP requests counted by route pattern and status (never a raw path), a
// WebSocket chat counted by message type, the send->ack and store latency
// histograms counting every message, logins by result, the process series;
// `promtool check metrics` accepting the exposition; and --metrics-listen
// moving /metrics to a private port.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "tests/integration/metrics_scrape.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;

class MetricsTest : public RoomFixture {
 protected:
  // Traffic of every kind the metrics count: sign-ups, a failed login, room
  // API calls with ids in their paths, a path no route has, and a chat of
  // three messages between two WebSockets. The two clients stay open.
  void makeTraffic() {
    ann_ = signUp("ann");
    bob_ = signUp("bob");
    EXPECT_EQ(httpCall(port(), "POST", "/api/v1/login", R"({"username":"ann","password":"wrong-horse"})").status, 401);
    EXPECT_EQ(call(ann_, "GET", "/api/v1/rooms/1/messages").status, 200);
    EXPECT_EQ(call(ann_, "GET", "/api/v1/rooms/1/messages?limit=5").status, 200);
    EXPECT_EQ(call(ann_, "GET", "/api/v1/rooms/987654/messages").status, 404);
    EXPECT_EQ(httpCall(port(), "GET", "/no/such/path/424242").status, 404);
    a_.connect(ann_.token);
    b_.connect(bob_.token);
    a_.join(kLobby);
    b_.join(kLobby);
    a_.drain();
    b_.drain();  // the presence that the joins caused
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(a_.sendMessage(kLobby, "hello " + std::to_string(i), "m" + std::to_string(i)).type(), "ack");
    }
    for (int i = 0; i < 3; ++i) b_.expectNext("message");
    ASSERT_TRUE(a_.send("{\"type\":\"dance\"}"));
    a_.expectNext("error");
  }

  Account ann_, bob_;
  ChatClient a_{port(), "ann"};
  ChatClient b_{port(), "bob"};
};

TEST_F(MetricsTest, CountsWhatClientsDidByRouteTypeAndResult) {
  const Scrape before = scrape(port());
  makeTraffic();
  const Scrape after = scrape(port());
  auto grew = [&](const std::string& series) { return after[series] - before[series]; };

  EXPECT_EQ(grew(http("POST", "/api/v1/register", 201)), 2);
  EXPECT_EQ(grew(http("POST", "/api/v1/login", 401)), 1);
  EXPECT_EQ(grew(http("GET", "/api/v1/rooms/{room}/messages", 200)), 2);
  EXPECT_EQ(grew(http("GET", "/api/v1/rooms/{room}/messages", 404)), 1);
  EXPECT_EQ(grew(http("GET", "other", 404)), 1);
  EXPECT_EQ(grew(http("GET", "/ws", 101)), 2);
  EXPECT_EQ(grew(http("GET", "/metrics", 200)), 1);  // the first scrape
  // Bounded labels: no id, query or unrouted path reaches a label.
  EXPECT_EQ(after.body.find("987654"), std::string::npos);
  EXPECT_EQ(after.body.find("424242"), std::string::npos);
  EXPECT_EQ(after.body.find("limit=5"), std::string::npos);
  EXPECT_EQ(after.body.find("route=\"/api/v1/rooms/1"), std::string::npos);

  EXPECT_EQ(grew("chatd_logins_total{result=\"failed\"}"), 1);
  EXPECT_EQ(grew("chatd_logins_total{result=\"ok\"}"), 0);

  EXPECT_EQ(grew("chatd_ws_messages_received_total{type=\"message\"}"), 3);
  EXPECT_EQ(grew("chatd_ws_messages_received_total{type=\"join_room\"}"), 2);
  EXPECT_EQ(grew("chatd_ws_messages_received_total{type=\"other\"}"), 1);  // "dance"
  EXPECT_EQ(grew("chatd_ws_messages_sent_total{type=\"ack\"}"), 3);
  EXPECT_EQ(grew("chatd_ws_messages_sent_total{type=\"welcome\"}"), 2);
  EXPECT_EQ(grew("chatd_ws_messages_sent_total{type=\"message\"}"), 3);  // to bob
  EXPECT_EQ(grew("chatd_ws_messages_sent_total{type=\"error\"}"), 1);
  EXPECT_EQ(grew("chatd_ws_messages_sent_total{type=\"other\"}"), 0);  // every type the server sends is known
  EXPECT_EQ(grew("chatd_ws_messages_sent_total{type=\"user_joined\"}"), 1);  // bob's join, to ann
  EXPECT_EQ(grew("chatd_messages_posted_total"), 3);

  EXPECT_EQ(grew("chatd_send_ack_duration_seconds_count"), 3);
  EXPECT_EQ(after["chatd_send_ack_duration_seconds_bucket{le=\"+Inf\"}"], after["chatd_send_ack_duration_seconds_count"]);
  EXPECT_GT(grew("chatd_send_ack_duration_seconds_sum"), 0);
  // Each message was a group commit (or shared one); the sign-ups were more.
  EXPECT_GE(grew("chatd_store_operation_duration_seconds_count{op=\"sqlite_commit\"}"), 3);
  EXPECT_EQ(after["chatd_store_operations_total{op=\"sqlite_commit\",result=\"ok\"}"] +
                after["chatd_store_operations_total{op=\"sqlite_commit\",result=\"error\"}"],
            after["chatd_store_operation_duration_seconds_count{op=\"sqlite_commit\"}"]);

  EXPECT_EQ(after["chatd_connections{state=\"websocket\"}"], 2);
  EXPECT_EQ(after["chatd_chat_sessions"], 2);
  EXPECT_GE(after["chatd_connections{state=\"http\"}"], 1);  // this scrape's

  // The loop's histogram: cumulative buckets ending at the count.
  const std::string loop = "chatd_loop_iteration_duration_seconds";
  EXPECT_GT(grew(loop + "_count"), 10);
  double previous = 0;
  for (const char* le : {"1e-06", "4e-06", "1.6e-05", "6.4e-05", "0.000256", "0.001024", "0.004096", "0.016384",
                         "0.065536", "0.262144", "1.048576", "4.194304", "+Inf"}) {
    const std::string series = loop + "_bucket{le=\"" + le + "\"}";
    ASSERT_TRUE(after.has(series)) << series;
    EXPECT_GE(after[series], previous) << series;
    previous = after[series];
  }
  EXPECT_EQ(previous, after[loop + "_count"]);

  EXPECT_GT(after["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GE(after["process_open_fds"], 5);
  EXPECT_GT(after["process_max_fds"], after["process_open_fds"]);
  EXPECT_NEAR(after["process_start_time_seconds"], static_cast<double>(std::time(nullptr)), 120);
  EXPECT_GE(after["process_cpu_seconds_total"], 0);
  EXPECT_EQ(after["chatd_build_info{version=\"" CHATD_VERSION "\"}"], 1);
}

TEST_F(MetricsTest, PromtoolAcceptsTheExposition) {
  if (!havePromtool()) GTEST_SKIP() << kNoPromtool;
  makeTraffic();
  const ProcessResult checked = promtoolCheck(scrape(port()).body);
  EXPECT_TRUE(checked.exitedZero()) << checked.output;
}

// --metrics-listen's port, from chatd's log.
int metricsPort(const ChatdProcess& chatd) {
  const std::string marker = "serving /metrics, /healthz and /readyz on 127.0.0.1:";
  const std::string log = chatd.log();
  const size_t at = log.find(marker);
  return at == std::string::npos ? 0 : std::atoi(log.c_str() + at + marker.size());
}

TEST(MetricsListenTest, MetricsMoveToThePrivatePortAndProbesAnswerOnBoth) {
  ChatdProcess chatd({"--metrics-listen", "127.0.0.1:0"});
  const int privatePort = metricsPort(chatd);
  ASSERT_GT(privatePort, 0) << chatd.log();
  ASSERT_NE(privatePort, chatd.port());

  EXPECT_EQ(httpCall(chatd.port(), "GET", "/metrics").status, 404);
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/api/v1/me").status, 401);  // the API stays public
  for (const int port : {chatd.port(), privatePort}) {
    EXPECT_EQ(httpCall(port, "GET", "/healthz").status, 200) << port;
    EXPECT_EQ(httpCall(port, "GET", "/readyz").status, 200) << port;
  }
  const Scrape metrics = scrape(privatePort);
  // The public port's figures: its 404 for /metrics and its API call are counted there.
  EXPECT_EQ(metrics[http("GET", "other", 404)], 1);
  EXPECT_EQ(metrics[http("GET", "/api/v1/me", 401)], 1);
  // The private port serves nothing else.
  EXPECT_EQ(httpCall(privatePort, "GET", "/api/v1/me").status, 404);
}

TEST(MetricsListenTest, IsRefusedWithWorkers) {
  const ProcessResult run = runProcess({ChatdProcess::binary(), "--workers", "2", "--redis", "redis://127.0.0.1:1",
                                        "--listen", "127.0.0.1:1", "--metrics-listen", "127.0.0.1:0"},
                                       10'000);
  EXPECT_TRUE(exitedWith(run.status, 2)) << describeWaitStatus(run.status) << run.output;
  EXPECT_NE(run.output.find("--metrics-listen cannot be used with --workers"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace chatd::testing
