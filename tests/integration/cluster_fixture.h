// A cluster for the cluster suites: a real redis-server (free port, its own
// directory, durable so that a restart keeps the data; stopped by PID) and
// chatd nodes started with --redis on free ports, each with its own data
// directory. Skipped where redis-server is not installed.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {

class ClusterFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!store::test::haveRedisServer()) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_TRUE(redis_.ready());
  }

  // Starts `count` more nodes.
  void startNodes(size_t count) {
    for (size_t i = 0; i < count; ++i) startNode();
  }
  // Starts one more node, with `extra` arguments.
  void startNode(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--registrations-per-hour", "1000", "--redis", redis_.url()};
    args.insert(args.end(), extra.begin(), extra.end());
    nodes_.push_back(std::make_unique<ChatdProcess>(chatdArgs(std::move(args))));
    ASSERT_TRUE(nodes_.back()->running());
  }
  int port(size_t node) const { return nodes_.at(node)->port(); }

  // ann with a session on node 0 and bob with one on node 1 (both signed up
  // on node 0): connected, in the lobby when `inLobby`, nothing left to read.
  struct TwoNodes {
    Account ann, bob;
    std::unique_ptr<ChatClient> annOnA, bobOnB;
  };
  TwoNodes annOnAAndBobOnB(bool inLobby) {
    TwoNodes two{signUp(port(0), "ann"), signUp(port(0), "bob"), std::make_unique<ChatClient>(port(0), "ann@a"),
                 std::make_unique<ChatClient>(port(1), "bob@b")};
    for (auto [client, account] : {std::pair{two.annOnA.get(), &two.ann}, std::pair{two.bobOnB.get(), &two.bob}}) {
      EXPECT_EQ(client->connect(account->token).type(), "welcome");
      if (inLobby) {
        EXPECT_EQ(client->join(kLobby).type(), "joined");
      }
      client->drain();
    }
    return two;
  }

  // Polls GET /readyz on `node` until it answers `status` (true) or 5 s passed (false).
  bool readyzBecomes(size_t node, int status, int limitMs = 8000) {
    for (int waited = 0; waited < limitMs; waited += 50) {
      if (httpCall(port(node), "GET", "/readyz").status == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  store::test::RedisServer redis_{"", /*durable=*/true};
  std::vector<std::unique_ptr<ChatdProcess>> nodes_;
};

}  // namespace chatd::testing
