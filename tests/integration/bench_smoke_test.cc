// chat-bench against a real chatd, briefly: each scenario runs, opens every
// connection, moves messages and reports them in its JSON line, over ws://
// and wss://. A smoke test
// of the harness, not a benchmark: no timing thresholds (bench/RESULTS.md
// holds the figures).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/cluster_fixture.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestCertificates.h"

namespace chatd::testing {

namespace {

std::string benchBinary() {
  const std::string chatd = ChatdProcess::binary();
  const size_t slash = chatd.rfind('/');
  return (slash == std::string::npos ? std::string(".") : chatd.substr(0, slash)) + "/chat-bench";
}

// The number after "key": in a JSON line (top level or nested, first match).
double jsonNumber(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return -1;
  return std::stod(json.substr(at + needle.size()));
}

// Runs chat-bench with `args` plus --json; returns its last output line.
std::string runBench(std::vector<std::string> args) {
  args.insert(args.begin(), benchBinary());
  args.push_back("--json");
  const ProcessResult result = runProcess(args, 60000);
  EXPECT_TRUE(result.exitedZero()) << result.output;
  std::string line = result.output;
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line.substr(line.rfind('\n') + 1);
}

// A fanout run's figures: every connection opened, more than `minSent`
// sends, and every send reached its room's members (a few may still be in
// flight when the window closes), without a failure.
void expectDelivered(const std::string& json, double opened, double minSent) {
  EXPECT_EQ(jsonNumber(json, "opened"), opened) << json;
  EXPECT_GT(jsonNumber(json, "sent"), minSent) << json;
  EXPECT_GT(jsonNumber(json, "received"), 0) << json;
  EXPECT_GE(jsonNumber(json, "received"), jsonNumber(json, "expected") * 0.9) << json;
  EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;
}

class BenchSmoke : public ::testing::Test {
 protected:
  ChatdProcess chatd_{{"--echo", "/echo", "--broadcast", "/broadcast"}};
  std::string url(const std::string& path) const { return "ws://127.0.0.1:" + std::to_string(chatd_.port()) + path; }
};

}  // namespace

TEST_F(BenchSmoke, EchoClosedLoopMovesMessagesWithoutErrors) {
  const std::string json = runBench({"echo", "--url", url("/echo"), "--connections", "20", "--duration", "0.5",
                                     "--warmup", "0.1"});
  EXPECT_EQ(jsonNumber(json, "opened"), 20) << json;
  EXPECT_GT(jsonNumber(json, "received"), 100) << json;
  EXPECT_GT(jsonNumber(json, "p99"), 0) << json;
  EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;
}

TEST_F(BenchSmoke, ConnectOpensEveryConnection) {
  const std::string json = runBench({"connect", "--url", url("/echo"), "--connections", "300"});
  EXPECT_EQ(jsonNumber(json, "opened"), 300) << json;
  EXPECT_EQ(jsonNumber(json, "count"), 300) << json;  // one connect latency per connection
}

TEST_F(BenchSmoke, IdleReadsTheServersMemory) {
  const std::string json = runBench({"idle", "--url", url("/echo"), "--connections", "200", "--duration", "0.3",
                                     "--warmup", "0", "--server-pid", std::to_string(chatd_.pid())});
  EXPECT_EQ(jsonNumber(json, "opened"), 200) << json;
  EXPECT_GT(jsonNumber(json, "server_rss_before_kb"), 0) << json;
  EXPECT_GE(jsonNumber(json, "server_rss_after_kb"), jsonNumber(json, "server_rss_before_kb")) << json;
}

TEST_F(BenchSmoke, FanoutDeliversEveryMessageToEveryMember) {
  const std::string json =
      runBench({"fanout", "--url", url("/broadcast?r={room}"), "--connections", "40", "--rooms", "4", "--senders",
                "4", "--rate", "100", "--duration", "0.5", "--warmup", "0.2"});
  expectDelivered(json, 40, 10);
}

// Two separate broadcast servers as the "nodes" of one room: chat-bench puts
// alternate members on each, and as these nodes share nothing, a send
// reaches only the half of the room on its sender's node.
TEST_F(BenchSmoke, SeveralUrlsSplitEveryRoomAcrossTheNodes) {
  ChatdProcess second{{"--echo", "/echo", "--broadcast", "/broadcast"}};
  const std::string secondUrl = "ws://127.0.0.1:" + std::to_string(second.port()) + "/broadcast?r={room}";
  const std::string json =
      runBench({"fanout", "--url", url("/broadcast?r={room}") + "," + secondUrl, "--connections", "40", "--rooms",
                "2", "--senders", "4", "--rate", "100", "--duration", "0.5", "--warmup", "0.2", "--server-pid",
                std::to_string(chatd_.pid()), "--server-pid", std::to_string(second.pid())});
  EXPECT_EQ(jsonNumber(json, "opened"), 40) << json;
  EXPECT_GE(jsonNumber(json, "server_cpu"), 0) << json;  // both nodes read (-1: the key is missing)
  EXPECT_GT(jsonNumber(json, "sent"), 10) << json;
  EXPECT_GE(jsonNumber(json, "received"), jsonNumber(json, "expected") * 0.4) << json;
  EXPECT_LE(jsonNumber(json, "received"), jsonNumber(json, "expected") * 0.6) << json;
  EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;
}

// The chat scenarios against chatd's own protocol: sessions authenticate
// with tokens chat-bench mints (the shared secret) or registers, join rooms,
// and messages go through the store to every other member.
class ChatBenchSmoke : public ::testing::Test {
 protected:
  static constexpr char kSecret[] = "bench-smoke-secret-0123456789abcdef";
  ChatdProcess chatd_{{"--jwt-secret", kSecret, "--rate", "0", "--argon2-memory", "1024"}};
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(chatd_.port()) + "/ws"; }
};

TEST_F(ChatBenchSmoke, ChatConnectJoinsEverySessionWithMintedTokens) {
  const std::string json = runBench({"chat-connect", "--url", url(), "--connections", "100", "--rooms", "5",
                                     "--jwt-secret", kSecret});
  EXPECT_EQ(jsonNumber(json, "opened"), 100) << json;
  EXPECT_EQ(jsonNumber(json, "count"), 100) << json;  // one connect-to-joined time per session
  EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;
}

TEST_F(ChatBenchSmoke, ChatConnectRegistersUsersWithoutASecret) {
  const std::string json = runBench({"chat-connect", "--url", url(), "--connections", "10", "--rooms", "2"});
  EXPECT_EQ(jsonNumber(json, "opened"), 10) << json;
  EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;
}

TEST_F(ChatBenchSmoke, ChatRunStopsBeforeConnectingOnAWrongSecret) {
  const ProcessResult result = runProcess({benchBinary(), "chat-connect", "--url", url(), "--connections", "5",
                                           "--jwt-secret", "not-the-secret-0123456789abcdefghij", "--json"},
                                          30000);
  EXPECT_FALSE(result.exitedZero());  // it cannot even create its rooms
  EXPECT_NE(result.output.find("jwt-secret"), std::string::npos) << result.output;
}

TEST_F(ChatBenchSmoke, ChatFanoutDeliversAndAcksWithoutErrors) {
  const std::string json = runBench({"chat-fanout", "--url", url(), "--connections", "40", "--rooms", "4",
                                     "--senders", "4", "--rate", "100", "--duration", "0.5", "--warmup", "0.2",
                                     "--jwt-secret", kSecret});
  expectDelivered(json, 40, 10);
  EXPECT_NE(json.find("\"ack_latency_us\":{\"count\":"), std::string::npos) << json;
}

TEST_F(ChatBenchSmoke, ChatHistoryAndMixedAnswerRequests) {
  const std::string history = runBench({"chat-history", "--url", url(), "--connections", "10", "--rooms", "2",
                                        "--history-fill", "20", "--duration", "0.3", "--warmup", "0.1",
                                        "--jwt-secret", kSecret});
  EXPECT_GT(jsonNumber(history, "received"), 10) << history;
  EXPECT_NE(history.find("\"errors\":{}"), std::string::npos) << history;
  const std::string mixed = runBench({"chat-mixed", "--url", url(), "--connections", "20", "--rooms", "2",
                                      "--senders", "2", "--rate", "50", "--history-fill", "10", "--duration", "0.5",
                                      "--warmup", "0.2", "--jwt-secret", kSecret});
  EXPECT_GT(jsonNumber(mixed, "received"), 0) << mixed;
  EXPECT_NE(mixed.find("\"history_latency_us\":{\"count\":"), std::string::npos) << mixed;
  EXPECT_NE(mixed.find("\"errors\":{}"), std::string::npos) << mixed;
}

// wss://: the same runs over TLS against a chatd with a certificate from a
// test CA, verified with --ca (the shared setup over HTTPS too), and a
// certificate chat-bench cannot verify counted as a TLS failure.
class TlsBenchSmoke : public ::testing::Test {
 protected:
  static constexpr char kSecret[] = "bench-smoke-secret-0123456789abcdef";

  void SetUp() override {
    ASSERT_TRUE(certificates_.ok()) << certificates_.error();
    pair_ = certificates_.issue("server", 1);
    ASSERT_TRUE(certificates_.ok()) << certificates_.error();
  }

  std::unique_ptr<ChatdProcess> start(std::vector<std::string> args) const {
    args.insert(args.end(), {"--tls-cert", pair_.certFile, "--tls-key", pair_.keyFile});
    return std::make_unique<ChatdProcess>(args);
  }
  static std::string url(const ChatdProcess& chatd, const std::string& path) {
    return "wss://127.0.0.1:" + std::to_string(chatd.port()) + path;
  }

  TestCertificates certificates_;
  CertificatePair pair_;
};

TEST_F(TlsBenchSmoke, EchoAndFanoutOverWss) {
  const auto chatd = start({"--echo", "/echo", "--broadcast", "/broadcast"});
  const std::string echo = runBench({"echo", "--url", url(*chatd, "/echo"), "--ca", certificates_.caFile(),
                                     "--connections", "20", "--duration", "0.5", "--warmup", "0.1"});
  EXPECT_EQ(jsonNumber(echo, "opened"), 20) << echo;
  EXPECT_GT(jsonNumber(echo, "received"), 100) << echo;
  EXPECT_NE(echo.find("\"errors\":{}"), std::string::npos) << echo;
  const std::string fanout =
      runBench({"fanout", "--url", url(*chatd, "/broadcast?r={room}"), "--connections", "40", "--rooms", "4",
                "--senders", "4", "--rate", "100", "--duration", "0.5", "--warmup", "0.2"});
  expectDelivered(fanout, 40, 10);
  // The server counted a full handshake per connection, and one for this request (chat-bench resumes none).
  const HttpReply metrics = httpsCall(chatd->port(), certificates_.caFile(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("chatd_tls_handshakes_total{result=\"full\"} 61"), std::string::npos) << metrics.body;
}

TEST_F(TlsBenchSmoke, ChatFanoutOverWssWithSetupOverHttps) {
  const auto chatd = start({"--jwt-secret", kSecret, "--rate", "0", "--argon2-memory", "1024"});
  // Registered users: every setup call (register, create the rooms) goes over HTTPS first.
  const std::string json = runBench({"chat-fanout", "--url", url(*chatd, "/ws"), "--ca", certificates_.caFile(),
                                     "--connections", "20", "--rooms", "2", "--senders", "2", "--rate", "50",
                                     "--duration", "0.5", "--warmup", "0.2"});
  expectDelivered(json, 20, 5);
  EXPECT_NE(json.find("\"ack_latency_us\":{\"count\":"), std::string::npos) << json;
}

TEST_F(TlsBenchSmoke, ACertificateTheCaDidNotSignIsATlsFailure) {
  const auto chatd = start({"--echo", "/echo"});
  TestCertificates otherAuthority;
  ASSERT_TRUE(otherAuthority.ok()) << otherAuthority.error();
  const std::string json = runBench({"connect", "--url", url(*chatd, "/echo"), "--ca", otherAuthority.caFile(),
                                     "--connections", "5"});
  EXPECT_EQ(jsonNumber(json, "opened"), 0) << json;
  EXPECT_EQ(jsonNumber(json, "tls_failed"), 5) << json;
}

TEST_F(TlsBenchSmoke, AMissingCaFileIsAUsageError) {
  const ProcessResult result = runProcess({benchBinary(), "echo", "--url", "wss://127.0.0.1:1/echo", "--ca",
                                           certificates_.directory() + "/missing.pem", "--json"},
                                          10000);
  EXPECT_FALSE(result.exitedZero());
  EXPECT_NE(result.output.find("missing.pem"), std::string::npos) << result.output;
}

// The cluster-scale case's figures (bench/run.sh): sessions joined by two
// generator processes, which wait for each other before the figures are
// read, and what Redis spent on the joins (commands, used_memory).
class ClusterBenchSmoke : public ClusterFixture {
 protected:
  static constexpr char kSecret[] = "bench-smoke-secret-0123456789abcdef";
};

TEST_F(ClusterBenchSmoke, ChatConnectOverTwoGeneratorsReadsRedisPerSession) {
  startNode({"--jwt-secret", kSecret, "--rate", "0"});
  const std::string json =
      runBench({"chat-connect", "--url", "ws://127.0.0.1:" + std::to_string(port(0)) + "/ws", "--connections", "300",
                "--rooms", "3", "--workers", "2", "--members-first", "--jwt-secret", kSecret, "--redis", redis_.url(),
                "--server-pid", std::to_string(nodes_[0]->pid())});
  EXPECT_EQ(jsonNumber(json, "opened"), 300) << json;
  EXPECT_EQ(jsonNumber(json, "workers"), 2) << json;
  EXPECT_NE(json.find("\"errors\":{}"), std::string::npos) << json;
  // Each join reads its membership and writes its presence: several commands, and memory that stays.
  EXPECT_GT(jsonNumber(json, "redis_commands"), 300 * 2) << json;
  EXPECT_GT(jsonNumber(json, "redis_memory_after"), jsonNumber(json, "redis_memory_before")) << json;
  EXPECT_GT(jsonNumber(json, "server_rss_after_kb"), jsonNumber(json, "server_rss_before_kb")) << json;
}

TEST_F(BenchSmoke, RejectsTargetsOffLoopback) {
  const ProcessResult result =
      runProcess({benchBinary(), "echo", "--url", "ws://10.1.2.3:80/echo", "--duration", "1"}, 10000);
  EXPECT_FALSE(result.exitedZero());
  EXPECT_NE(result.output.find("loopback"), std::string::npos) << result.output;
}

}  // namespace chatd::testing
