// Delivery over a distributed log, driven in process (hub_fixture.h): room
// events may reach a node late, twice or with others missing between them.
// A seq beyond the room's last + 1 waits a moment for the missing ones (the
// nodes publish concurrently, so one may overtake another), then catches the
// room's live sessions up from the store first (no gap is skipped); a seq
// delivered already is ignored.
#include "chat/ChatFrames.h"
#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

class GapTest : public HubTest {
 protected:
  // The event another node publishes for `message`, stored by it already.
  store::RoomEvent eventOf(const store::Message& message, const store::User& sender) {
    return store::RoomEvent{
        .kind = store::RoomEvent::Kind::kMessage,
        .roomId = message.roomId,
        .seq = message.seq,
        .userId = sender.id,
        .payload = chat::messageEvent(message, chat::userSummaryJson(sender), "")};
  }
};

TEST_F(GapTest, ASeqBeyondTheNextCatchesTheRoomUpFromTheStoreWithoutSkipping) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  const store::Message first = store_.appendFromAnotherNode(room, ann.id, "one");
  bus_.publish(eventOf(first, ann));
  // Seqs 2 and 3 are committed, but their events are late; 4's arrives first.
  store_.appendFromAnotherNode(room, ann.id, "two");
  store_.appendFromAnotherNode(room, ann.id, "three");
  const store::Message fourth = store_.appendFromAnotherNode(room, ann.id, "four");
  const size_t readsBefore = store_.calls("messagesAfter");
  bus_.publish(eventOf(fourth, ann));
  runUntilIdle();
  EXPECT_EQ(messageSeqs(bobTab), std::vector<int64_t>{1}) << "nothing past the gap before the gap";
  EXPECT_EQ(store_.calls("messagesAfter"), readsBefore) << "no store read while the missing ones may still come";
  fireTimersWithin(2 * chat::Delivery::kGapWaitMs);
  runUntilIdle();

  EXPECT_EQ(store_.calls("messagesAfter"), readsBefore + 1) << "one read from the store, shared by the sessions";
  for (HubClient* tab : {&annTab, &bobTab}) EXPECT_EQ(messageSeqs(*tab), (std::vector<int64_t>{1, 2, 3, 4}));
  // The late events change nothing; the room is live again.
  const store::Message fifth = store_.appendFromAnotherNode(room, bob.id, "five");
  bus_.publish(eventOf(fifth, bob));
  EXPECT_EQ(messageSeqs(annTab), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST_F(GapTest, MessagesDuringTheCatchUpComeAfterItInOrder) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");
  const int64_t room = addRoom(ann, {bob});
  HubClient& bobTab = connect(bob);
  join(bobTab, room);
  store_.appendFromAnotherNode(room, ann.id, "one");
  const store::Message second = store_.appendFromAnotherNode(room, ann.id, "two");
  store_.pause();  // the catch-up's read is answered only after seq 3 is published
  bus_.publish(eventOf(second, ann));
  fireTimersWithin(2 * chat::Delivery::kGapWaitMs);
  const store::Message third = store_.appendFromAnotherNode(room, ann.id, "three");
  bus_.publish(eventOf(third, ann));
  EXPECT_TRUE(messageSeqs(bobTab).empty());
  store_.release();
  runUntilIdle();

  EXPECT_EQ(messageSeqs(bobTab), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(GapTest, ASeqThatOvertookTheMissingOneWaitsForItWithoutAStoreRead) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  const store::Message first = store_.appendFromAnotherNode(room, ann.id, "one");
  const store::Message second = store_.appendFromAnotherNode(room, bob.id, "two");
  const store::Message third = store_.appendFromAnotherNode(room, ann.id, "three");
  const size_t readsBefore = store_.calls("messagesAfter");
  bus_.publish(eventOf(first, ann));
  bus_.publish(eventOf(third, ann));  // overtook seq 2
  EXPECT_EQ(messageSeqs(bobTab), std::vector<int64_t>{1});
  bus_.publish(eventOf(second, bob));
  runUntilIdle();

  for (HubClient* tab : {&annTab, &bobTab}) EXPECT_EQ(messageSeqs(*tab), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(store_.calls("messagesAfter"), readsBefore);
  EXPECT_EQ(hub_.stats().catchUps, 0u);
  fireTimersWithin(2 * chat::Delivery::kGapWaitMs);  // the wait's end finds nothing held
  runUntilIdle();
  EXPECT_EQ(messageSeqs(bobTab), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(GapTest, HeldMessagesAreBoundedPerRoom) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  bus_.publish(eventOf(store_.appendFromAnotherNode(room, ann.id, "one"), ann));
  store_.appendFromAnotherNode(room, ann.id, "lost");  // its event never comes
  const size_t readsBefore = store_.calls("messagesAfter");
  const int64_t past = static_cast<int64_t>(chat::Delivery::kMaxHeld) + 1;
  for (int64_t i = 0; i < past; ++i) bus_.publish(eventOf(store_.appendFromAnotherNode(room, ann.id, "m"), ann));
  runUntilIdle();

  // The one past the bound ends the wait without its timer: the room catches
  // up from the store, and nothing is skipped.
  EXPECT_GT(store_.calls("messagesAfter"), readsBefore);
  std::vector<int64_t> all(static_cast<size_t>(past) + 2);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i) + 1;
  EXPECT_EQ(messageSeqs(bobTab), all);
}

TEST_F(GapTest, AThousandMembersBehindAGapShareOneStoreRead) {
  const store::User ann = addUser("ann");
  std::vector<store::User> members;
  for (int i = 0; i < 1000; ++i) members.push_back(addUser("m" + std::to_string(i)));
  const int64_t room = addRoom(ann, members);
  std::vector<HubClient*> tabs;
  for (const store::User& member : members) {
    tabs.push_back(&connect(member));
    join(*tabs.back(), room);
  }
  bus_.publish(eventOf(store_.appendFromAnotherNode(room, ann.id, "one"), ann));
  store_.appendFromAnotherNode(room, ann.id, "lost");  // its event never comes
  const store::Message third = store_.appendFromAnotherNode(room, ann.id, "three");
  const size_t readsBefore = store_.calls("messagesAfter");
  bus_.publish(eventOf(third, ann));
  fireTimersWithin(2 * chat::Delivery::kGapWaitMs);
  runUntilIdle();

  EXPECT_EQ(store_.calls("messagesAfter"), readsBefore + 1);
  for (HubClient* tab : tabs) ASSERT_EQ(messageSeqs(*tab), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(GapTest, MembersReplayingFromNearbySeqsShareTheStoreReads) {
  const store::User ann = addUser("ann");
  const std::vector<store::User> members = {addUser("bob"), addUser("cat"), addUser("dan")};
  const int64_t room = addRoom(ann, members);
  constexpr int64_t kStored = 250;
  for (int64_t i = 0; i < kStored; ++i) store_.appendFromAnotherNode(room, ann.id, "m");
  std::vector<HubClient*> tabs;
  for (const store::User& member : members) tabs.push_back(&connect(member));
  // Three resumes at once, from 10, 20 and 30: pages of 100 from seq 11 serve all three.
  for (size_t i = 0; i < tabs.size(); ++i) {
    send(*tabs[i], R"({"type":"join_room","room_id":)" + std::to_string(room) + R"(,"since":)" +
                       std::to_string(10 * (i + 1)) + "}");
  }
  runUntilIdle();

  EXPECT_EQ(store_.calls("messagesAfter"), 3u) << "seqs 11-110, 111-210, 211-250, each read once";
  for (size_t i = 0; i < tabs.size(); ++i) {
    std::vector<int64_t> expected;
    for (int64_t seq = 10 * static_cast<int64_t>(i + 1) + 1; seq <= kStored; ++seq) expected.push_back(seq);
    EXPECT_EQ(messageSeqs(*tabs[i]), expected);
  }
}

TEST_F(GapTest, AfterABusOutageTheLiveRoomsCatchUpFromTheStore) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  const store::Message first = store_.appendFromAnotherNode(room, ann.id, "one");
  bus_.publish(eventOf(first, ann));
  // Committed while the bus was down: their events never come.
  store_.appendFromAnotherNode(room, bob.id, "two");
  store_.appendFromAnotherNode(room, ann.id, "three");
  bus_.reconnected();
  runUntilIdle();

  for (HubClient* tab : {&annTab, &bobTab}) EXPECT_EQ(messageSeqs(*tab), (std::vector<int64_t>{1, 2, 3}));
  // Live again; a heal with nothing missed reads no messages.
  const store::Message fourth = store_.appendFromAnotherNode(room, bob.id, "four");
  bus_.publish(eventOf(fourth, bob));
  const size_t readsBefore = store_.calls("messagesAfter");
  bus_.reconnected();
  runUntilIdle();
  EXPECT_EQ(store_.calls("messagesAfter"), readsBefore);
  EXPECT_EQ(messageSeqs(annTab), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST_F(GapTest, ASeqDeliveredAlreadyIsIgnored) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");
  const int64_t room = addRoom(ann, {bob});
  HubClient& bobTab = connect(bob);
  join(bobTab, room);
  const store::Message first = store_.appendFromAnotherNode(room, ann.id, "one");
  const store::Message second = store_.appendFromAnotherNode(room, ann.id, "two");
  bus_.publish(eventOf(first, ann));
  bus_.publish(eventOf(second, ann));
  const size_t readsBefore = store_.calls("messagesAfter");

  bus_.publish(eventOf(second, ann));  // twice
  bus_.publish(eventOf(first, ann));   // late
  runUntilIdle();

  EXPECT_EQ(messageSeqs(bobTab), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(store_.calls("messagesAfter"), readsBefore) << "no catch-up either";
  EXPECT_EQ(hub_.stats().deliveries, 2u);
}

}  // namespace
}  // namespace chatd::test
