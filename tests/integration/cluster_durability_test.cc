// Durability in cluster mode is Redis's: with appendonly yes and appendfsync
// always, redis-server has a write on disk before it answers, and chatd acks
// only after that answer. So a kill -9 of redis-server in the middle of a
// stream of sends loses no acknowledged message: after a restart on the same
// directory and port (chatd reconnects by itself), every acked message is in
// history exactly once, at its seq, and a resend of a refused one is stored
// at most once (docs/deployment.md, "Redis settings").
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/TestUtil.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {
namespace {

std::string contentOf(const std::string& clientId) { return "durable " + clientId; }

// A steady client: one message at a time into the lobby, each answered
// before the next, until told to stop. Owns its session while it runs.
class Sender {
 public:
  Sender(int port, const std::string& token) : client_(port, "ann") {
    client_.connect(token);
    EXPECT_EQ(client_.join(kLobby).type(), "joined");
  }

  void start() {
    thread_ = std::thread([this] {
      for (int n = 0; !stop_; ++n) {
        const std::string id = "m-" + std::to_string(n);
        const Json reply = client_.sendMessage(kLobby, contentOf(id), id);
        if (reply.type() == "ack") {
          acked_[id] = reply.integer("seq").value_or(0);
          ++ackCount_;
        } else if (reply.type() == "error" && reply.string("code") == "unavailable") {
          refused_.push_back(id);
          ++refusedCount_;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));  // Redis is down: no busy loop
        } else {
          ADD_FAILURE() << "neither an ack nor unavailable: " << reply;
          return;
        }
      }
    });
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  ~Sender() { stop(); }

  int acks() const { return ackCount_; }
  int refusals() const { return refusedCount_; }
  // After stop():
  ChatClient& client() { return client_; }
  std::map<std::string, int64_t>& acked() { return acked_; }  // client id -> seq
  const std::vector<std::string>& refused() const { return refused_; }

 private:
  ChatClient client_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> ackCount_{0};
  std::atomic<int> refusedCount_{0};
  std::map<std::string, int64_t> acked_;
  std::vector<std::string> refused_;
};

TEST(ClusterDurabilityTest, KillNineOfRedisMidStreamLosesNoAcknowledgedMessage) {
  store::test::RedisServer redis("", /*durable=*/true);
  ASSERT_TRUE(redis.ready());
  ChatdProcess node(chatdArgs({"--redis", redis.url(), "--rate", "0"}));
  const int port = node.port();
  const Account ann = signUp(port, "ann");
  auto ready = [&] { return httpCall(port, "GET", "/readyz").status == 200; };

  Sender sender(port, ann.token);
  sender.start();
  ASSERT_TRUE(eventually([&] { return sender.acks() >= 100; }, 10'000));
  redis.kill();  // while a message is on its way
  const int ackedBefore = sender.acks();
  EXPECT_TRUE(eventually([&] { return !ready(); })) << "chatd did not notice that redis-server died";
  EXPECT_TRUE(eventually([&] { return sender.refusals() >= 5; })) << "writes were not refused while Redis was down";
  ASSERT_TRUE(redis.restart());
  // The reconnect backoff reaches 5 s steps while Redis is down; under ASan on a loaded machine
  // one step can land late: 30 s says "reconnects", not how fast.
  ASSERT_TRUE(eventually(ready, 30'000)) << "chatd did not reconnect to the restarted redis-server";
  EXPECT_TRUE(eventually([&] { return sender.acks() >= ackedBefore + 100; }, 10'000));
  sender.stop();
  std::cout << "[ durable  ] " << sender.acks() << " acked (" << ackedBefore << " before the kill), "
            << sender.refusals() << " refused\n";

  // Every refused message again, with its client id: stored at most once,
  // whether or not Redis had applied it before the kill.
  std::map<std::string, int64_t>& acked = sender.acked();
  for (const std::string& id : sender.refused()) {
    const Json ack = sender.client().sendMessage(kLobby, contentOf(id), id);
    ASSERT_EQ(ack.type(), "ack") << ack;
    acked[id] = *ack.integer("seq");
  }

  // History, a page at a time: seqs without a gap, every acked client id
  // exactly once at the seq its ack named, nothing that no ack names.
  std::map<std::string, int> seen;
  int64_t expectedSeq = 1;
  for (int64_t after = 0;;) {
    const HttpReply page =
        httpCallAs(ann.token, port, "GET", "/api/v1/rooms/1/messages?after=" + std::to_string(after) + "&limit=100");
    ASSERT_EQ(page.status, 200) << page.body;
    const std::vector<Json> messages = Json(page.body).items("messages");
    if (messages.empty()) break;
    for (const Json& message : messages) {
      EXPECT_EQ(message.integer("seq"), expectedSeq++) << message;
      const std::string id = message.string("client_id").value_or("");
      ++seen[id];
      const auto found = acked.find(id);
      ASSERT_NE(found, acked.end()) << "stored but never acked: " << message;
      EXPECT_EQ(message.integer("seq"), found->second) << id;
      EXPECT_EQ(message.string("content"), contentOf(id)) << id;
      after = *message.integer("seq");
    }
  }
  for (const auto& [id, seq] : acked) EXPECT_EQ(seen[id], 1) << id << " (acked with seq " << seq << ")";
}

}  // namespace
}  // namespace chatd::testing
