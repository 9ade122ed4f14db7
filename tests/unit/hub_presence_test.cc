// The hub's presence, driven in process (hub_fixture.h): who is online in a
// room (users, not sessions), joined/left events, and a join storm batched.
#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

using PresenceTest = HubTest;

// The usernames of the presence events of `type` a client received, in order.
std::vector<std::string> presenceNames(const HubClient& client, std::string_view type) {
  std::vector<std::string> names;
  for (const ReceivedFrame& frame : frames(client, type)) names.push_back(aboutUser(frame));
  return names;
}

TEST_F(PresenceTest, AUserIsAnnouncedOnceWhateverTheirSessionsAndLeavesWithTheLast) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");
  const int64_t room = addRoom(ann, {bob});
  HubClient& annTab = connect(ann);
  join(annTab, room);

  HubClient& bobTab1 = connect(bob);
  HubClient& bobTab2 = connect(bob);
  join(bobTab1, room);
  join(bobTab2, room);
  EXPECT_EQ(presenceNames(annTab, "user_joined"), std::vector<std::string>{"bob"});
  const std::vector<ReceivedFrame> online = frames(bobTab2, "online_users");
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(online[0].data->integer("count"), 2);

  close(bobTab1);
  EXPECT_TRUE(presenceNames(annTab, "user_left").empty()) << "bob is still online in another tab";
  close(bobTab2);
  EXPECT_EQ(presenceNames(annTab, "user_left"), std::vector<std::string>{"bob"});
  runUntilIdle();
  EXPECT_EQ(store_.calls("setLastSeen"), 1u) << "last seen is written when the last session goes";
}

// What a networked board tells the hub of a user of a node that died: the
// user has no session here, so the hub names them from the store.
TEST_F(PresenceTest, AUserWhoWentOfflineOnAnotherNodeIsAnnouncedByNameFromTheStore) {
  const store::User ann = addUser("ann");
  const store::User carl = addUser("carl");
  const int64_t room = addRoom(ann, {carl});
  HubClient& annTab = connect(ann);
  join(annTab, room);
  board_.listener()->cameOnline(room, carl.id);
  runUntilIdle();
  EXPECT_EQ(presenceNames(annTab, "user_joined"), std::vector<std::string>{"carl"});
  board_.listener()->wentOffline(room, carl.id);
  EXPECT_TRUE(presenceNames(annTab, "user_left").empty()) << "named only once the store answered";
  runUntilIdle();
  EXPECT_EQ(presenceNames(annTab, "user_left"), std::vector<std::string>{"carl"});
}

TEST_F(PresenceTest, AJoinStormIsDeliveredInBatchesNotOneWritePerJoin) {
  const store::User owner = addUser("owner");
  const int64_t room = addRoom(owner);
  HubClient& watcher = connect(owner);
  join(watcher, room);

  constexpr int kJoiners = 20;
  std::vector<std::string> joined;
  for (int i = 0; i < kJoiners; ++i) {
    const store::User user = addUser("user" + std::to_string(i));
    store_.addMember(room, user.id);
    join(connect(user), room);
    joined.push_back(user.username);
  }
  // The first few go out at once; past them the room batches.
  const std::vector<std::string> atOnce = presenceNames(watcher, "user_joined");
  ASSERT_LT(atOnce.size(), joined.size());
  EXPECT_GE(atOnce.size(), 1u);
  const size_t framesBefore = watcher.ws.texts().size();

  fireTimersWithin(1000);
  // The rest arrive together, in join order, with nothing in between.
  EXPECT_EQ(presenceNames(watcher, "user_joined"), joined);
  EXPECT_EQ(watcher.ws.texts().size() - framesBefore, joined.size() - atOnce.size());
}

}  // namespace
}  // namespace chatd::test
