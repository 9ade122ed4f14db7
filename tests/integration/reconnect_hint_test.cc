// The drain tells clients when to come back: on SIGTERM every chat session
// hears {"type":"server_restarting","reconnect_after_ms":N} with N spread
// uniformly over [0, --reconnect-spread], then its Close 1001.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "proto/WsTypes.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/Subprocess.h"

namespace chatd::testing {

TEST(ReconnectHint, EverySessionGetsAJitteredDelayThenGoingAway) {
  constexpr int kSessions = 8;
  constexpr int64_t kSpreadMs = 3000;
  ChatdProcess chatd({"--argon2-memory", "1024", "--reconnect-spread", "3", "--drain-timeout", "3"});
  const Account ann = signUp(chatd.port(), "ann");
  std::vector<std::unique_ptr<ChatClient>> sessions;
  for (int i = 0; i < kSessions; ++i) {
    sessions.push_back(std::make_unique<ChatClient>(chatd.port(), "ann/" + std::to_string(i)));
    ASSERT_TRUE(sessions.back()->connect(ann.token).ok());
    sessions.back()->drain();
  }
  // A session that never authenticated is told too.
  ChatClient anonymous(chatd.port(), "anonymous");
  ASSERT_EQ(anonymous.upgrade().status, 101);

  ASSERT_EQ(::kill(chatd.pid(), SIGTERM), 0);
  std::set<int64_t> delays;
  for (auto& session : sessions) {
    const Json hint = session->expect("server_restarting");
    ASSERT_TRUE(hint.integer("reconnect_after_ms")) << hint;
    const int64_t delay = *hint.integer("reconnect_after_ms");
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, kSpreadMs);
    delays.insert(delay);
    const auto close = session->expectClose();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, proto::close_code::kGoingAway);
  }
  EXPECT_GT(delays.size(), 1u) << "every session was told the same delay: no jitter";
  EXPECT_TRUE(anonymous.expect("server_restarting").integer("reconnect_after_ms"));
  ASSERT_TRUE(anonymous.expectClose());
  for (auto& session : sessions) session->close();
  anonymous.close();
  const int status = chatd.waitForExit(4000);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
}

// --reconnect-spread 0: everyone may come back at once (a single-node test setup).
TEST(ReconnectHint, ZeroSpreadSaysZero) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--reconnect-spread", "0"});
  const Account ann = signUp(chatd.port(), "ann");
  ChatClient client(chatd.port(), "ann");
  ASSERT_TRUE(client.connect(ann.token).ok());
  ASSERT_EQ(::kill(chatd.pid(), SIGTERM), 0);
  EXPECT_EQ(client.expect("server_restarting").integer("reconnect_after_ms"), 0);
  const auto close = client.expectClose();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, proto::close_code::kGoingAway);
}

}  // namespace chatd::testing
