// One order for everyone: 20 connections send into one room as fast as they
// can while a listener reads. Every seq from 1 to the total arrives once, in
// order, each matching the ack its sender got, and each sender's messages
// keep the order they were sent in.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;
constexpr int kSenders = 20;
constexpr int kPerSender = 25;
constexpr int kTotal = kSenders * kPerSender;
constexpr int kReadTimeoutMs = 20000;

std::string clientIdOf(int sender, int n) { return "s" + std::to_string(sender) + "-" + std::to_string(n); }

// What one sender saw: client id -> the seq its ack carried.
struct SenderResult {
  std::map<std::string, int64_t> ackedSeqs;
  std::vector<std::string> errors;
};

// Sends kPerSender messages back to back, then reads until every ack is in
// (other senders' messages arrive in between and are skipped).
void runSender(ChatClient& client, int sender, std::latch& start, SenderResult& result) {
  start.arrive_and_wait();
  for (int n = 0; n < kPerSender; ++n) {
    client.send(R"({"type":"message","room_id":1,"content":"m","client_id":")" + clientIdOf(sender, n) + R"("})");
  }
  while (static_cast<int>(result.ackedSeqs.size() + result.errors.size()) < kPerSender) {
    const auto frame = client.tryNext(kReadTimeoutMs);
    if (!frame) {
      result.errors.push_back("no more frames");
      return;
    }
    if (frame->type() == "ack") {
      result.ackedSeqs[frame->string("client_id").value_or("?")] = frame->integer("seq").value_or(-1);
    } else if (frame->type() == "error") {
      result.errors.push_back(frame->text());
    }
  }
}

TEST(ChatOrderingTest, TwentyConcurrentSendersGetOneGaplessOrder) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--rate", "0"});
  const Account listenerAccount = signUp(chatd.port(), "listener");
  ChatClient listener(chatd.port(), "listener");
  listener.connect(listenerAccount.token);
  listener.join(kLobby);
  listener.drain();

  std::vector<std::unique_ptr<ChatClient>> senders;
  for (int i = 0; i < kSenders; ++i) {
    const std::string name = "sender" + std::to_string(i);
    const Account account = signUp(chatd.port(), name);
    senders.push_back(std::make_unique<ChatClient>(chatd.port(), name));
    senders.back()->connect(account.token);
    senders.back()->join(kLobby);
    senders.back()->drain();
  }

  std::latch start(kSenders);
  std::vector<SenderResult> results(kSenders);
  std::vector<std::thread> threads;
  for (int i = 0; i < kSenders; ++i) {
    threads.emplace_back(runSender, std::ref(*senders[i]), i, std::ref(start), std::ref(results[i]));
  }
  std::vector<Json> received;
  while (static_cast<int>(received.size()) < kTotal) {
    const auto frame = listener.tryNext(kReadTimeoutMs);
    if (!frame) break;
    if (frame->type() == "message") received.push_back(*frame);
  }
  for (std::thread& thread : threads) thread.join();

  ASSERT_EQ(static_cast<int>(received.size()), kTotal);
  std::vector<int> nextOfSender(kSenders, 0);
  for (int i = 0; i < kTotal; ++i) {
    const Json& message = received[static_cast<size_t>(i)];
    ASSERT_EQ(message.integer("data.seq"), i + 1) << "frame " << i << ": " << message;
    const std::string clientId = message.string("data.client_id").value_or("");
    const int sender = std::stoi(clientId.substr(1, clientId.find('-') - 1));
    ASSERT_TRUE(sender >= 0 && sender < kSenders) << message;
    // A connection's messages are stored in the order it sent them.
    EXPECT_EQ(clientId, clientIdOf(sender, nextOfSender[sender]++)) << message;
    EXPECT_EQ(message.string("data.user.username"), "sender" + std::to_string(sender));
    const auto acked = results[sender].ackedSeqs.find(clientId);
    ASSERT_NE(acked, results[sender].ackedSeqs.end()) << "no ack for " << clientId;
    EXPECT_EQ(acked->second, i + 1) << clientId;
  }
  for (int i = 0; i < kSenders; ++i) {
    EXPECT_TRUE(results[i].errors.empty()) << "sender " << i << ": " << results[i].errors.front();
    EXPECT_EQ(static_cast<int>(results[i].ackedSeqs.size()), kPerSender) << "sender " << i;
  }
  // Nothing after the last one: no duplicates.
  EXPECT_TRUE(ofType(listener.drain(), "message").empty());
}

}  // namespace
}  // namespace chatd::testing
