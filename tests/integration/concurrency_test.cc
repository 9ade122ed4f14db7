// Many clients at once on one event loop: 1 000 WebSockets open together,
// every one echoing, from a few client threads.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <latch>
#include <memory>
#include <thread>

#include "tests/support/ChatdProcess.h"
#include "tests/support/ClientChecks.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

constexpr int kConnections = 1000;
constexpr int kThreads = 4;
constexpr int kRounds = 3;

constexpr std::string_view kUpgrade =
    "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// The test process holds kConnections sockets itself.
void ensureDescriptors(rlim_t wanted) {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string messageFor(int thread, int client, int round) {
  return "t" + std::to_string(thread) + " c" + std::to_string(client) + " r" + std::to_string(round) + " " +
         std::string(static_cast<size_t>(client % 200), '.');
}

struct Counts {
  std::atomic<int> opened{0};
  std::atomic<int> echoed{0};
  std::atomic<int> failed{0};
};

// One thread's share: open all its clients (handshakes in flight together),
// wait until every thread has, then send on each and read each reply, per round.
void runClients(int thread, int count, int port, std::latch& allOpen, Counts& counts) {
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < count; ++i) {
    auto client = std::make_unique<WsTestClient>();
    if (client->connect(port) && client->sendRaw(kUpgrade)) clients.push_back(std::move(client));
  }
  for (auto& client : clients) {
    if (client->readHttpReply().status == 101) ++counts.opened;
  }
  allOpen.arrive_and_wait();
  for (int round = 0; round < kRounds; ++round) {
    for (size_t i = 0; i < clients.size(); ++i) clients[i]->sendText(messageFor(thread, static_cast<int>(i), round));
    for (size_t i = 0; i < clients.size(); ++i) {
      auto frame = clients[i]->readFrame();
      if (frame && frame->opcode == 0x1 && frame->payload == messageFor(thread, static_cast<int>(i), round)) {
        ++counts.echoed;
      } else {
        ++counts.failed;
      }
    }
  }
}

}  // namespace

TEST(Concurrency, ThousandWebSocketsAllEcho) {
  ensureDescriptors(kConnections + 256);
  ChatdProcess chatd({"--echo", "/echo"});
  Counts counts;
  std::latch allOpen(kThreads);
  const Stopwatch watch;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(runClients, t, kConnections / kThreads, chatd.port(), std::ref(allOpen), std::ref(counts));
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(counts.opened.load(), kConnections);
  EXPECT_EQ(counts.echoed.load(), kConnections * kRounds);
  EXPECT_EQ(counts.failed.load(), 0);
  EXPECT_LT(watch.elapsedMs(), 10000);
  RecordProperty("elapsed_ms", static_cast<int>(watch.elapsedMs()));

  // And the server is still healthy afterwards.
  WsTestClient http;
  EXPECT_TRUE(keptAliveAfterHealthz(http, chatd.port()));
}

// Many clients with a large message each: replies interleave on the loop.
TEST(Concurrency, LargeMessagesFromManyClientsAreNotMixedUp) {
  ChatdProcess chatd({"--echo", "/echo"});
  constexpr int kClients = 20;
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<WsTestClient>());
    ASSERT_TRUE(clients.back()->open(chatd.port()));
  }
  auto payloadFor = [](int i) { return std::string(1, static_cast<char>('A' + i)) + binaryPayload(100000 + i); };
  for (int i = 0; i < kClients; ++i) ASSERT_TRUE(clients[i]->sendBinary(payloadFor(i)));
  for (int i = 0; i < kClients; ++i) EXPECT_TRUE(receivesFrame(*clients[i], 0x2, payloadFor(i))) << "client " << i;
}

}  // namespace chatd::testing
