// Logins under attack, against a real chatd: the throttle counts guesses in
// flight and never locks out an account nobody is guessing; password hashing
// waits in a bounded line that neither delays requests needing no hash nor
// holds up shutdown. Hashing here has its production cost (64 MiB), so that
// logins really overlap.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"

namespace chatd::testing {

namespace {

std::string credentials(const std::string& user, const std::string& password) {
  return R"({"username":")" + user + R"(","password":")" + password + R"("})";
}

std::string loginRequest(const std::string& user, const std::string& password) {
  const std::string body = credentials(user, password);
  return "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// One connection per login, all sent before any answer is read.
std::vector<std::unique_ptr<WsTestClient>> sendLogins(int port, const std::vector<std::string>& requests) {
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (const std::string& request : requests) {
    clients.push_back(std::make_unique<WsTestClient>());
    EXPECT_TRUE(clients.back()->connect(port));
    clients.back()->sendRaw(request);
  }
  return clients;
}

int64_t msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

void registerUser(int port, const std::string& user, const std::string& password) {
  const HttpReply reply = httpCall(port, "POST", "/api/v1/register", credentials(user, password));
  ASSERT_EQ(reply.status, 201) << reply.body;
}

TEST(LoginHardening, ParallelGuessesAreCountedWhileInFlight) {
  ChatdProcess chatd;
  registerUser(chatd.port(), "mallory-target", "correct-horse");
  std::vector<std::string> requests;
  for (int i = 0; i < 60; ++i) {
    // The right password is the 51st guess: by then the account is under attack.
    requests.push_back(loginRequest("mallory-target", i == 50 ? "correct-horse" : "wrong-password"));
  }
  auto clients = sendLogins(chatd.port(), requests);
  int checked = 0;
  int refused = 0;
  for (size_t i = 0; i < clients.size(); ++i) {
    const HttpReply reply = clients[i]->readHttpReply(30000);
    if (reply.status == 401) ++checked;
    if (reply.status == 429) {
      ++refused;
      EXPECT_TRUE(reply.header("Retry-After").has_value());
    }
    if (i == 50) {
      EXPECT_EQ(reply.status, 429) << "the right password slipped in among the guesses";
    }
  }
  EXPECT_EQ(checked, 5);
  EXPECT_EQ(refused, 55);
}

TEST(LoginHardening, FailuresFromOneAddressDoNotLockOutOtherAccounts) {
  ChatdProcess chatd({"--argon2-memory", "1024"});
  registerUser(chatd.port(), "bystander", "correct-horse");
  // Far past one user's typing errors, for usernames other than bystander's.
  for (int i = 0; i < 110; ++i) {
    const HttpReply reply =
        httpCall(chatd.port(), "POST", "/api/v1/login", credentials("guess" + std::to_string(i), "wrong-password"));
    ASSERT_EQ(reply.status, 401) << i << ": " << reply.body;
  }
  const HttpReply ok = httpCall(chatd.port(), "POST", "/api/v1/login", credentials("bystander", "correct-horse"));
  EXPECT_EQ(ok.status, 200) << ok.body;
  // The accounts this address failed on are under attack: no more guesses there.
  EXPECT_EQ(httpCall(chatd.port(), "POST", "/api/v1/login", credentials("guess7", "wrong-password")).status, 429);
}

TEST(LoginHardening, AFullHashingLineAnswers503AndRequestsWithoutAHashAreServedAtOnce) {
  ChatdProcess chatd({"--max-pending-hashes", "4"});
  // More logins than chatd has hashing threads (one per core) plus the four
  // that may wait.
  const int logins = 30 + static_cast<int>(std::thread::hardware_concurrency());
  std::vector<std::string> requests;
  for (int i = 0; i < logins; ++i) requests.push_back(loginRequest("flood" + std::to_string(i), "some-password"));
  auto clients = sendLogins(chatd.port(), requests);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/healthz").status, 200);
  EXPECT_LT(msSince(start), 500);
  int busy = 0;
  for (auto& client : clients) {
    const HttpReply reply = client->readHttpReply(30000);
    if (reply.status == 401) continue;  // checked: an unknown name
    EXPECT_EQ(reply.status, 503) << reply.body;
    ++busy;
    EXPECT_EQ(reply.header("Retry-After"), "1");
    EXPECT_EQ(jsonField(reply.body, "code"), "overloaded") << reply.body;
  }
  EXPECT_GE(busy, 10);
}

TEST(LoginHardening, LoginsWhoseClientsHungUpAreNotHashed) {
  ChatdProcess chatd({"--max-pending-hashes", "100"});
  registerUser(chatd.port(), "bystander", "correct-horse");
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(httpCall(chatd.port(), "POST", "/api/v1/login", credentials("bystander", "correct-horse")).status, 200);
  const int64_t oneLoginMs = std::max<int64_t>(msSince(start), 1);
  // Forty logins queue behind the hashing threads, then their clients leave.
  std::vector<std::string> requests;
  for (int i = 0; i < 40; ++i) requests.push_back(loginRequest("gone" + std::to_string(i), "some-password"));
  auto clients = sendLogins(chatd.port(), requests);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // every login has arrived
  clients.clear();
  start = std::chrono::steady_clock::now();
  const HttpReply reply = httpCall(chatd.port(), "POST", "/api/v1/login", credentials("bystander", "correct-horse"));
  const int64_t waitedMs = msSince(start);
  EXPECT_EQ(reply.status, 200) << reply.body;
  // Only the hashes already running finish first; hashing all forty would
  // take twenty logins' time on two threads.
  EXPECT_LT(waitedMs, 6 * oneLoginMs) << "one login takes " << oneLoginMs << " ms";
}

TEST(LoginHardening, ShutdownDoesNotWaitForQueuedLogins) {
  ChatdProcess chatd;
  std::vector<std::string> requests;
  for (int i = 0; i < 150; ++i) requests.push_back(loginRequest("queued" + std::to_string(i), "some-password"));
  auto clients = sendLogins(chatd.port(), requests);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every login has arrived
  const auto start = std::chrono::steady_clock::now();
  const int status = chatd.stop(SIGTERM, 20000);
  const int64_t exitMs = msSince(start);
  EXPECT_NE(status, -1);
  // The clients here never hang up, so their connections linger 2 s
  // (TcpConnection::kLingerMs); hashing them all took 15 s on 2 cores.
  EXPECT_LT(exitMs, 5000) << "SIGTERM waited for the queued password hashes";
}

// The WAL header's checkpoint sequence number (bytes 12-15, big-endian): it
// grows each time a writer starts the WAL over after a complete checkpoint.
uint32_t walCheckpointSequence(const std::string& walPath) {
  unsigned char header[16] = {};
  std::ifstream(walPath, std::ios::binary).read(reinterpret_cast<char*>(header), sizeof header);
  return uint32_t{header[12]} << 24 | uint32_t{header[13]} << 16 | uint32_t{header[14]} << 8 | header[15];
}

TEST(LoginHardening, CheckpointsDoNotWaitBehindQueuedLogins) {
  char dir[] = "/tmp/chatd-wal-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  {
    ChatdProcess chatd({"--data", dir, "--rate", "0"});
    const HttpReply registered = httpCall(chatd.port(), "POST", "/api/v1/register", credentials("writer", "correct-horse"));
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string token = jsonField(registered.body, "token");
    ASSERT_EQ(httpCallAs(token, chatd.port(), "POST", "/api/v1/rooms/1/join").status, 200);
    std::vector<std::string> requests;
    for (int i = 0; i < 150; ++i) requests.push_back(loginRequest("busy" + std::to_string(i), "some-password"));
    const auto clients = sendLogins(chatd.port(), requests);
    // While the logins hash (15 s of work for two threads): messages past the
    // checkpoint threshold (1000 pages), then small commits until one finds
    // the WAL checkpointed and starts it over (which may already happen
    // during the first round, once its checkpoint is done).
    const std::string walPath = std::string(dir) + "/chatd.db-wal";
    const uint32_t before = walCheckpointSequence(walPath);
    auto post = [&](int count, size_t bytes) {
      const std::string body = R"({"content":")" + std::string(bytes, 'w') + R"("})";
      for (int i = 0; i < count; ++i) {
        ASSERT_EQ(httpCallAs(token, chatd.port(), "POST", "/api/v1/rooms/1/messages", body).status, 201) << i;
      }
    };
    post(250, 4000);
    const auto start = std::chrono::steady_clock::now();
    bool restarted = walCheckpointSequence(walPath) != before;
    while (!restarted && msSince(start) < 6000) {
      post(1, 10);
      restarted = walCheckpointSequence(walPath) != before;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(restarted) << "no checkpoint in " << msSince(start) << " ms while logins waited to be hashed";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chatd::testing
