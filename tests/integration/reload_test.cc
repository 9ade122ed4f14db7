// SIGHUP reloads the config file into a running chatd while a client stays
// connected: rate and burst, the per-hour quotas, allowed origins, max connections, the log level
// and the JWT secret take their new values; a setting that needs a restart keeps its
// value (and is named); a bad file is refused whole and the running
// configuration kept.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/DataDir.h"
#include "tests/support/JwtSigning.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;

class ReloadTest : public ::testing::Test {
 protected:
  // Starts chatd on a config file holding `text` (and the fast hashing the suites use).
  void start(const std::string& text) {
    write(text);
    chatd_ = std::make_unique<ChatdProcess>(
        std::vector<std::string>{"--config", configPath(), "--argon2-memory", "1024", "--data", dir_.path()});
  }
  std::string configPath() const { return dir_.path() + "/chatd.conf"; }
  void write(const std::string& text) const { std::ofstream(configPath()) << text; }

  // Writes `text` over the config file, sends SIGHUP and waits until the log
  // holds `expected` once more than before.
  void reloadWith(const std::string& text, const std::string& expected) {
    const size_t before = occurrences(chatd_->log(), expected);
    write(text);
    ASSERT_EQ(::kill(chatd_->pid(), SIGHUP), 0);
    ASSERT_TRUE(eventually([&] { return occurrences(chatd_->log(), expected) > before; }))
        << "no '" << expected << "' in:\n" << chatd_->log();
  }

  // Sends `count` messages to the lobby in one write; how many were acked
  // (the others must be refused rate_limited).
  static int acksOfBurst(ChatClient& client, int count, const std::string& tag) {
    std::string burst;
    for (int i = 1; i <= count; ++i) {
      burst += WsTestClient::frame(0x1, R"({"type":"message","room_id":1,"content":"m","ref":")" + tag +
                                            std::to_string(i) + "\"}");
    }
    EXPECT_TRUE(client.raw().sendRaw(burst));
    int acks = 0;
    for (int i = 0; i < count; ++i) {
      const Json reply = client.next();
      if (reply.type() == "ack") {
        ++acks;
      } else {
        EXPECT_EQ(reply.type(), "error") << reply;
        EXPECT_EQ(reply.string("code"), "rate_limited") << reply;
      }
    }
    return acks;
  }

  // A new user, member of the lobby, connected through the chat session the fixture keeps.
  ChatClient& connectedMember(const std::string& name) {
    const Account account = signUp(chatd_->port(), name);
    EXPECT_EQ(httpCallAs(account.token, chatd_->port(), "POST", "/api/v1/rooms/1/join").status, 200);
    token_ = account.token;
    member_ = std::make_unique<ChatClient>(chatd_->port(), name);
    member_->connect(account.token);
    return *member_;
  }

  DataDir dir_;
  std::unique_ptr<ChatdProcess> chatd_;
  std::unique_ptr<ChatClient> member_;
  std::string token_;  // of the last connectedMember()
};

TEST_F(ReloadTest, RateAndBurstChangeUnderAConnectedClient) {
  start("rate = 1000\nburst = 1000\n");
  ChatClient& ann = connectedMember("ann");
  EXPECT_EQ(acksOfBurst(ann, 6, "a"), 6);

  reloadWith("rate = 0.01\nburst = 2\n", "reload: burst: 1000 -> 2");
  EXPECT_NE(chatd_->log().find("reload: rate: 1000 -> 0.01"), std::string::npos) << chatd_->log();
  EXPECT_EQ(acksOfBurst(ann, 6, "b"), 2);  // the same session, now limited

  reloadWith("rate = 1000\nburst = 1000\n", "reload: burst: 2 -> 1000");
  EXPECT_TRUE(eventually([&] { return ann.sendMessage(kLobby, "again").type() == "ack"; }));
}

TEST_F(ReloadTest, AllowedOriginsChangeForTheNextUpgrade) {
  start("allow_origin = https://old.example\n");
  ChatClient& ann = connectedMember("ann");
  ChatClient fromNew(chatd_->port(), "new");
  EXPECT_EQ(fromNew.upgrade(token_, TokenIn::kQuery, "Origin: https://new.example\r\n").status, 403);

  reloadWith("allow_origin = https://new.example\n",
             "reload: allow_origin: https://old.example -> https://new.example");
  ChatClient fromNewAgain(chatd_->port(), "new2");
  EXPECT_EQ(fromNewAgain.upgrade(token_, TokenIn::kQuery, "Origin: https://new.example\r\n").status, 101);
  ChatClient fromOld(chatd_->port(), "old");
  EXPECT_EQ(fromOld.upgrade(token_, TokenIn::kQuery, "Origin: https://old.example\r\n").status, 403);
  // CORS follows the same list.
  const HttpReply cors = httpCall(chatd_->port(), "GET", "/healthz", {}, "Origin: https://new.example\r\n");
  EXPECT_EQ(cors.header("Access-Control-Allow-Origin"), "https://new.example");
  EXPECT_EQ(ann.sendMessage(kLobby, "still here").type(), "ack");
}

TEST_F(ReloadTest, MaxConnectionsChangeForTheNextConnection) {
  start("max_connections = 100\n");
  ChatClient& ann = connectedMember("ann");
  reloadWith("max_connections = 1\n", "reload: max_connections: 100 -> 1");
  EXPECT_EQ(httpCall(chatd_->port(), "GET", "/healthz").status, 503);  // ann holds the one
  EXPECT_EQ(ann.sendMessage(kLobby, "still here").type(), "ack");

  reloadWith("max_connections = 100\n", "reload: max_connections: 1 -> 100");
  EXPECT_EQ(httpCall(chatd_->port(), "GET", "/healthz").status, 200);
}

// What the HTTP server derives from its options (HttpServer::applyOptions):
// the body limit and the per-address connection limit.
TEST_F(ReloadTest, BodyAndPerAddressLimitsChange) {
  start("max_body = 1048576\n");
  const std::string body = signUpBody("dora");  // longer than 16 bytes
  reloadWith("max_body = 16\n", "reload: max_body: 1048576 -> 16");
  EXPECT_EQ(httpCall(chatd_->port(), "POST", "/api/v1/register", body).status, 413);

  // Set where there was none, the limit counts the connections opened from then on.
  reloadWith("max_body = 1048576\nmax_connections_per_ip = 1\n", "reload: max_connections_per_ip: 0 -> 1");
  WsTestClient holder;
  ASSERT_TRUE(holder.connect(chatd_->port()));
  EXPECT_TRUE(eventually([&] { return httpCall(chatd_->port(), "GET", "/healthz").status == 503; }));
  reloadWith("max_body = 1048576\nmax_connections_per_ip = 0\n", "reload: max_connections_per_ip: 1 -> 0");
  EXPECT_EQ(httpCall(chatd_->port(), "POST", "/api/v1/register", body).status, 201);
}

// The per-hour quotas: what was used still counts against the new allowance.
TEST_F(ReloadTest, RoomAndRegistrationQuotasChange) {
  start("rooms_per_hour = 1\nregistrations_per_hour = 100\n");
  ChatClient& ann = connectedMember("ann");
  auto createRoom = [&](const std::string& name) {
    return httpCallAs(token_, chatd_->port(), "POST", "/api/v1/rooms", R"({"name":")" + name + R"(","kind":"public"})")
        .status;
  };
  ASSERT_EQ(createRoom("first"), 201);
  EXPECT_EQ(createRoom("second"), 429);
  reloadWith("rooms_per_hour = 3\nregistrations_per_hour = 100\n", "reload: rooms_per_hour: 1 -> 3");
  EXPECT_EQ(createRoom("second"), 201);
  EXPECT_EQ(createRoom("third"), 201);
  EXPECT_EQ(createRoom("fourth"), 429);

  reloadWith("rooms_per_hour = 3\nregistrations_per_hour = 1\n", "reload: registrations_per_hour: 100 -> 1");
  EXPECT_EQ(httpCall(chatd_->port(), "POST", "/api/v1/register", signUpBody("bob")).status, 201);
  EXPECT_EQ(httpCall(chatd_->port(), "POST", "/api/v1/register", signUpBody("carl")).status, 429);
  EXPECT_EQ(ann.call("ping").type(), "pong");
}

// A trusted proxy's connections are the proxy's, not counted against its
// address: trusting 127.0.0.1 lets past a per-address limit it was held to.
TEST_F(ReloadTest, TrustedProxiesChange) {
  start("max_connections_per_ip = 1\n");
  WsTestClient holder;
  ASSERT_TRUE(holder.connect(chatd_->port()));
  EXPECT_TRUE(eventually([&] { return httpCall(chatd_->port(), "GET", "/healthz").status == 503; }));
  reloadWith("max_connections_per_ip = 1\ntrusted_proxy = 127.0.0.1\n", "reload: trusted_proxy: (none) -> 127.0.0.1");
  EXPECT_EQ(httpCall(chatd_->port(), "GET", "/healthz").status, 200);
}

TEST_F(ReloadTest, LogLevelChanges) {
  start("log_level = info\n");
  reloadWith("log_level = warn\n", "reload: log_level: info -> warn");
  // At warn, a reload's info lines are gone; its warning about a restart is not.
  const size_t announced = occurrences(chatd_->log(), "received SIGHUP");
  reloadWith("log_level = warn\nmax_queue = 4096\n", "only a restart applies them");
  EXPECT_EQ(occurrences(chatd_->log(), "received SIGHUP"), announced) << chatd_->log();

  reloadWith("log_level = info\nmax_queue = 4096\n", "reload: log_level: warn -> info");
}

TEST_F(ReloadTest, ASettingThatNeedsARestartKeepsItsValueAndIsNamed) {
  start("max_queue = 65536\nrate = 5\n");
  ChatClient& ann = connectedMember("ann");
  reloadWith("max_queue = 4096\nrate = 6\ndeflate = off\n",
             "reload: changed, but only a restart applies them (running with the previous values): deflate, max_queue");
  EXPECT_NE(chatd_->log().find("reload: rate: 5 -> 6"), std::string::npos) << chatd_->log();
  // A restart setting changed again is still named: the running value is the old one.
  reloadWith("max_queue = 8192\nrate = 6\n",
             "only a restart applies them (running with the previous values): max_queue");
  EXPECT_EQ(ann.sendMessage(kLobby, "still here").type(), "ack");
}

TEST_F(ReloadTest, ABadFileIsRefusedWholeAndTheRunningConfigurationKept) {
  start("rate = 1000\nburst = 1000\n");
  ChatClient& ann = connectedMember("ann");
  reloadWith("rate = 0.01\nburst = 2\nbogus = 1\nmax_body = lots\n", "reload refused: 2 problem(s)");
  const std::string log = chatd_->log();
  EXPECT_NE(log.find("reload: " + configPath() + ":3: unknown key 'bogus'"), std::string::npos) << log;
  EXPECT_NE(log.find("reload: " + configPath() + ":4: max_body wants a positive byte count"), std::string::npos);
  EXPECT_EQ(log.find("reload: burst:"), std::string::npos) << log;
  EXPECT_EQ(acksOfBurst(ann, 6, "a"), 6);  // burst 2 was not applied

  // A file that cannot be read is refused the same way.
  std::remove(configPath().c_str());
  ASSERT_EQ(::kill(chatd_->pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return chatd_->log().find("cannot read") != std::string::npos; })) << chatd_->log();
  EXPECT_EQ(acksOfBurst(ann, 6, "b"), 6);
  EXPECT_EQ(chatd_->waitForExit(100), -1) << "chatd exited on SIGHUP";
}

// A new secret in jwt_secret_file: tokens signed with the old one are
// refused from then on, the new one's accepted; an open session stays.
// Signed download URLs follow the secret.
TEST_F(ReloadTest, TheJwtSecretRotatesFromItsFile) {
  const std::string secretFile = dir_.path() + "/jwt.secret";
  const std::string first = "first-secret-of-the-reload-test-0123456789";
  const std::string second = "second-secret-of-the-reload-test-0123456789";
  std::ofstream(secretFile) << first << "\n";
  ::chmod(secretFile.c_str(), 0600);
  const std::string config = "jwt_secret_file = " + secretFile + "\n";
  start(config);
  ChatClient& ann = connectedMember("ann");  // chatd signed ann's token with `first`
  ASSERT_EQ(httpCallAs(token_, chatd_->port(), "GET", "/api/v1/me").status, 200);
  auto uploadUrl = [this](const std::string& token) {
    const HttpReply uploaded = httpCall(chatd_->port(), "POST", "/api/v1/files?name=a.txt", "hello",
                                        "Authorization: Bearer " + token + "\r\nContent-Type: text/plain\r\n");
    EXPECT_EQ(uploaded.status, 201) << uploaded.body;
    return jsonField(uploaded.body, "url");
  };
  const std::string oldUrl = uploadUrl(token_);
  EXPECT_EQ(httpCall(chatd_->port(), "GET", oldUrl).status, 200);

  std::ofstream(secretFile) << second << "\n";
  reloadWith(config, "reload: jwt_secret: (secret) -> (secret)");
  EXPECT_EQ(chatd_->log().find(second), std::string::npos);
  EXPECT_EQ(httpCallAs(token_, chatd_->port(), "GET", "/api/v1/me").status, 401);
  const std::string claims = R"({"sub":"app:1","name":"Bo","exp":)" + std::to_string(::time(nullptr) + 3600) + "}";
  EXPECT_EQ(httpCallAs(hsToken(kHs256Header, claims, second), chatd_->port(), "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(httpCallAs(hsToken(kHs256Header, claims, first), chatd_->port(), "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(ann.sendMessage(kLobby, "still here").type(), "ack");
  EXPECT_EQ(httpCall(chatd_->port(), "GET", oldUrl).status, 404);
  EXPECT_EQ(httpCall(chatd_->port(), "GET", uploadUrl(hsToken(kHs256Header, claims, second))).status, 200);

  // A secret too short is refused with the whole file; the second stays.
  std::ofstream(secretFile) << "short\n";
  reloadWith(config, "reload refused: 1 problem(s)");
  EXPECT_EQ(httpCallAs(hsToken(kHs256Header, claims, second), chatd_->port(), "GET", "/api/v1/me").status, 200);
}

}  // namespace
}  // namespace chatd::testing
