// Presence under a join storm: a busy room batches user_joined and
// user_left (one write per member per batch instead of one per join), and
// every user is still announced exactly once, in order with their leaving.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestUtil.h"

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

// user_left says when the user was last seen; GET /api/v1/online counts the
// users online on the server, each once however many sessions they have.
TEST_F(ChatPresenceTest, LeavingCarriesLastSeenAndTheServerCountsItsUsersOnline) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient annTab(port(), "ann");
  annTab.connect(ann.token);
  ASSERT_EQ(annTab.join(kLobby).type(), "joined");
  ChatClient bobTab(port(), "bob"), bobOtherTab(port(), "bob again");
  bobTab.connect(bob.token);
  bobOtherTab.connect(bob.token);
  ASSERT_EQ(bobTab.join(kLobby).type(), "joined");
  auto online = [&] { return Json(httpCallAs(ann.token, port(), "GET", "/api/v1/online").body).integer("count"); };
  EXPECT_EQ(online(), 2);
  EXPECT_EQ(httpCall(port(), "GET", "/api/v1/online").status, 401) << "for signed-in users";

  const int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(bobTab.hangUp());
  const Json left = annTab.expect("user_left");
  EXPECT_EQ(left.string("data.user.username"), "bob");
  // chatd's clock is the loop's, read once a wake-up (and maybe coarse): a second of slack.
  EXPECT_GE(left.integer("data.last_seen_at").value_or(0), before - 1000) << left;
  EXPECT_EQ(online(), 2) << "bob is still online in his other tab";
  ASSERT_TRUE(bobOtherTab.hangUp());
  EXPECT_TRUE(eventually([&] { return online() == 1; }));
}

}  // namespace
}  // namespace chatd::testing
