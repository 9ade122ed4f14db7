// The hub's presence, driven in process (hub_fixture.h): who is online in a
// room (users, not sessions), joined/left events, a join storm batched, and
// who is online in a room on other nodes (a board that plays them).
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

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

// The board of one node among several: the test puts users online in a room
// on the other nodes. This node's first arrivals and last departures reach
// the listener unless the user is online elsewhere; online() answers only
// when the test says (a networked board answers later in the loop), with
// every user it knows, this node's included, as Redis would.
class OtherNodesBoard final : public store::PresenceBoard {
 public:
  void onlineElsewhere(int64_t roomId, int64_t userId) { elsewhere_[roomId].insert(userId); }
  void arrive(int64_t roomId, int64_t userId) override {
    here_[roomId].insert(userId);
    if (listener_ && !elsewhere_[roomId].contains(userId)) listener_->cameOnline(roomId, userId);
  }
  void depart(int64_t roomId, int64_t userId) override {
    here_[roomId].erase(userId);
    if (listener_ && !elsewhere_[roomId].contains(userId)) listener_->wentOffline(roomId, userId);
  }
  void online(int64_t roomId, size_t, OnlineAnswer done) override {
    held_.push_back({roomId, 0, SIZE_MAX, std::move(done)});
  }
  void onlineAnywhere(int64_t afterUserId, size_t limit, OnlineAnswer done) override {
    held_.push_back({kAnywhere, afterUserId, limit, std::move(done)});
  }
  // Answers the online() and onlineAnywhere() calls held so far; how many there were.
  size_t answerHeld() {
    auto held = std::exchange(held_, {});
    for (Held& call : held) {
      std::set<int64_t> users = here_[call.roomId];
      users.insert(elsewhere_[call.roomId].begin(), elsewhere_[call.roomId].end());
      OnlineUsers answer{{}, users.size()};
      for (auto it = users.upper_bound(call.afterUserId); it != users.end() && answer.userIds.size() < call.limit; ++it) {
        answer.userIds.push_back(*it);
      }
      call.done(std::move(answer));
    }
    return held.size();
  }

 private:
  struct Held {
    int64_t roomId;
    int64_t afterUserId;
    size_t limit;
    OnlineAnswer done;
  };
  std::map<int64_t, std::set<int64_t>> here_;
  std::map<int64_t, std::set<int64_t>> elsewhere_;
  std::vector<Held> held_;
};

using OtherNodesTest = HubFixture<OtherNodesBoard>;

// The usernames an online list names (online_users' data, or the HTTP answer), sorted.
std::vector<std::string> listedNames(const std::string& json) {
  std::vector<std::string> names;
  constexpr std::string_view kKey = "\"username\":\"";
  for (size_t at = json.find(kKey); at != std::string::npos; at = json.find(kKey, at)) {
    at += kKey.size();
    const size_t end = json.find('"', at);
    names.push_back(json.substr(at, end - at));
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(OtherNodesTest, OnlineUsersNamesTheUsersOnOtherNodesOnceTheBoardAndTheStoreAnswered) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");    // online on another node only: named by the store
  const store::User carl = addUser("carl");  // on another node in this room, here in none: named by his session
  const int64_t room = addRoom(ann, {bob, carl});
  board_.onlineElsewhere(room, bob.id);
  board_.onlineElsewhere(room, carl.id);
  connect(carl);
  HubClient& annTab = connect(ann);
  join(annTab, room);
  ASSERT_EQ(frames(annTab, "joined").size(), 1u);
  EXPECT_TRUE(frames(annTab, "online_users").empty()) << "online_users waits for the board";

  const size_t lookupsBefore = store_.calls("findUsers");
  ASSERT_EQ(board_.answerHeld(), 1u);
  EXPECT_TRUE(frames(annTab, "online_users").empty()) << "and for the store to name bob";
  runUntilIdle();
  EXPECT_EQ(store_.calls("findUsers") - lookupsBefore, 1u) << "bob, who has no session here, is looked up";
  const std::vector<ReceivedFrame> online = frames(annTab, "online_users");
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(listedNames(online[0].text), (std::vector<std::string>{"ann", "bob", "carl"})) << online[0].text;
  EXPECT_EQ(online[0].data->integer("count"), 3);
  EXPECT_EQ(online[0].data->boolean("truncated"), false);
  EXPECT_TRUE(frames(annTab, "user_joined").empty()) << "nobody came online: bob and carl were already";
}

TEST_F(OtherNodesTest, TheListStopsAtItsBoundAndCountsEveryoneOnline) {
  const store::User ann = addUser("ann");
  const int64_t room = addRoom(ann);
  constexpr size_t kElsewhere = chat::OnlineRoster::kMaxListed + 100;
  for (size_t i = 0; i < kElsewhere; ++i) board_.onlineElsewhere(room, addUser("user" + std::to_string(i)).id);
  HubClient& annTab = connect(ann);
  join(annTab, room);
  const size_t lookupsBefore = store_.calls("findUser") + store_.calls("findUsers");
  board_.answerHeld();
  runUntilIdle();
  EXPECT_EQ(store_.calls("findUser") + store_.calls("findUsers") - lookupsBefore, 1u)
      << "one store call names the " << chat::OnlineRoster::kMaxListed - 1 << " users on other nodes";
  const std::vector<ReceivedFrame> online = frames(annTab, "online_users");
  ASSERT_EQ(online.size(), 1u);
  const std::vector<std::string> names = listedNames(online[0].text);
  EXPECT_EQ(names.size(), chat::OnlineRoster::kMaxListed);
  EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "ann")) << "this node's users come first";
  EXPECT_EQ(online[0].data->integer("count"), static_cast<int64_t>(kElsewhere + 1));
  EXPECT_EQ(online[0].data->boolean("truncated"), true);
}

// GET /api/v1/rooms/{id}/online on a node where nobody joined the room.
TEST_F(OtherNodesTest, TheOnlineListOfARoomWithNobodyHereNamesTheOtherNodesUsers) {
  const store::User ann = addUser("ann");
  const int64_t room = addRoom(ann);
  board_.onlineElsewhere(room, ann.id);
  std::optional<std::string> answer;
  hub_.onlineUsers(room, [&](std::string users) { answer = std::move(users); });
  board_.answerHeld();
  runUntilIdle();
  ASSERT_TRUE(answer);
  EXPECT_EQ(listedNames(*answer), std::vector<std::string>{"ann"});
  EXPECT_NE(answer->find(R"("count":1)"), std::string::npos) << *answer;
}

// The admin API's list: every node's users, once each, by id, a page at a time.
TEST_F(OtherNodesTest, TheServersOnlineListPagesThroughEveryNodesUsersOnceEach) {
  std::vector<store::User> users;
  for (const char* name : {"ann", "bob", "carl", "dora", "eve"}) users.push_back(addUser(name));
  connect(users[0]);  // ann: here only
  connect(users[2]);  // carl: here and on another node
  board_.onlineElsewhere(store::PresenceBoard::kAnywhere, users[2].id);
  board_.onlineElsewhere(store::PresenceBoard::kAnywhere, users[3].id);  // dora: elsewhere only
  board_.onlineElsewhere(store::PresenceBoard::kAnywhere, users[4].id);  // eve: elsewhere only
  board_.answerHeld();

  auto page = [&](int64_t after, size_t limit) {
    std::optional<std::string> answer;
    hub_.roster().listServer(after, limit, [&](std::string json) { answer = std::move(json); });
    EXPECT_FALSE(answer) << "the list waits for the board";
    board_.answerHeld();
    runUntilIdle();
    return answer.value_or("");
  };
  const std::string first = page(0, 2);
  EXPECT_EQ(listedNames(first), (std::vector<std::string>{"ann", "carl"})) << first;
  EXPECT_NE(first.find(R"("count":4)"), std::string::npos) << first;
  const std::string cursor = R"("next_cursor":")" + std::to_string(users[2].id) + "\"";
  ASSERT_NE(first.find(cursor), std::string::npos) << first;
  const std::string second = page(users[2].id, 2);
  EXPECT_EQ(listedNames(second), (std::vector<std::string>{"dora", "eve"})) << second;
  EXPECT_NE(second.find(R"("next_cursor":null)"), std::string::npos) << second;

  std::vector<bool> online;
  for (const store::User& user : {users[1], users[3]}) {
    hub_.roster().isOnline(user.id, [&](bool is) { online.push_back(is); });
    board_.answerHeld();
  }
  EXPECT_EQ(online, (std::vector<bool>{false, true})) << "bob is online nowhere, dora on another node";
}

}  // namespace
}  // namespace chatd::test
