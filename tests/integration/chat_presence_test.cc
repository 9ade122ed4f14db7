// Presence under a join storm: a busy room batches user_joined and
// user_left (one write per member per batch instead of one per join), and
// every user is still announced exactly once, in order with their leaving.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;
constexpr int kJoiners = 30;  // well past the events a quiet room sends at once

class ChatPresenceTest : public RoomFixture {};

TEST_F(ChatPresenceTest, AJoinStormAnnouncesEveryUserOnceThenTheirLeaving) {
  ChatClient watcher(port(), "watcher");
  watcher.connect(signUp("watcher").token);
  ASSERT_EQ(watcher.join(kLobby).type(), "joined");
  watcher.drain();

  std::vector<std::unique_ptr<ChatClient>> joiners;
  std::set<std::string> names;
  for (int i = 0; i < kJoiners; ++i) {
    const std::string name = "joiner" + std::to_string(i);
    names.insert(name);
    joiners.push_back(std::make_unique<ChatClient>(port(), name));
    joiners.back()->connect(signUp(name).token);
    ASSERT_EQ(joiners.back()->join(kLobby).type(), "joined");
  }
  std::multiset<std::string> announced;
  while (announced.size() < names.size()) {
    const Json event = watcher.expect("user_joined");
    announced.insert(event.string("data.user.username").value_or("?"));
  }
  EXPECT_EQ(std::set<std::string>(announced.begin(), announced.end()), names);
  EXPECT_EQ(announced.size(), names.size()) << "someone was announced twice";

  for (auto& joiner : joiners) ASSERT_TRUE(joiner->hangUp());
  std::multiset<std::string> gone;
  while (gone.size() < names.size()) {
    const Json event = watcher.expect("user_left");
    gone.insert(event.string("data.user.username").value_or("?"));
  }
  EXPECT_EQ(std::set<std::string>(gone.begin(), gone.end()), names);
  for (const Json& frame : watcher.drain()) EXPECT_NE(frame.type(), "user_joined") << frame;
}

}  // namespace
}  // namespace chatd::testing
