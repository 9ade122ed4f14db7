// The hub's ephemeral lane, driven in process (hub_fixture.h): typing events
// for a congested session are conflated by key (latest wins) and sent when it
// drains, while stored messages are never dropped.
#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

using EphemeralTest = HubTest;

std::string typingJson(int64_t roomId, bool typing) {
  return R"({"type":"typing","room_id":)" + std::to_string(roomId) + R"(,"typing":)" + (typing ? "true" : "false") +
         "}";
}

// (username, typing) of each typing event a client received, in order.
std::vector<std::pair<std::string, bool>> typingEvents(const HubClient& client) {
  std::vector<std::pair<std::string, bool>> events;
  for (const ReceivedFrame& frame : frames(client, "typing")) {
    events.emplace_back(aboutUser(frame), frame.data->boolean("typing").value_or(false));
  }
  return events;
}

TEST_F(EphemeralTest, TypingReachesTheRoomsOtherUsersAtOnce) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();

  send(annTab, typingJson(room, true));
  EXPECT_EQ(typingEvents(bobTab), (std::vector<std::pair<std::string, bool>>{{"ann", true}}));
  EXPECT_TRUE(typingEvents(annTab).empty()) << "not echoed to the typist";
}

TEST_F(EphemeralTest, TypingWhileCongestedSendsOnlyTheLatestPerUserOnDrain) {
  auto [ann, bob, carol, room, annTab, bobTab, carolTab] = threeMembersJoined();

  congest(bobTab);
  send(annTab, typingJson(room, true));
  send(carolTab, typingJson(room, true));
  send(annTab, typingJson(room, false));
  send(annTab, typingJson(room, true));
  send(annTab, typingJson(room, false));
  EXPECT_TRUE(typingEvents(bobTab).empty());
  EXPECT_TRUE(bobTab.ws.drainNotifyRequested()) << "the hub asks to hear when the queue drains";
  EXPECT_EQ(hub_.stats().ephemeralConflated, 3u);

  readAll(bobTab);
  // One event per user, the latest, in the order the users first typed.
  EXPECT_EQ(typingEvents(bobTab), (std::vector<std::pair<std::string, bool>>{{"ann", false}, {"carol", true}}));
  // Carol was never congested: she saw every one of ann's.
  EXPECT_EQ(typingEvents(carolTab).size(), 4u);
}

TEST_F(EphemeralTest, MessagesAndTypingWhileCongestedBothArriveOnDrainMessagesInFull) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();

  congest(bobTab);
  for (int i = 1; i <= 3; ++i) {
    send(annTab, typingJson(room, true));
    send(annTab, R"({"type":"message","room_id":)" + std::to_string(room) + R"(,"content":"m"})");
    runUntilIdle();
  }
  readAll(bobTab);
  runUntilIdle();
  EXPECT_EQ(messageSeqs(bobTab), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(typingEvents(bobTab).size(), 1u);
}

}  // namespace
}  // namespace chatd::test
