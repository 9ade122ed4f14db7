// The hub's send path and delivery, driven in process (hub_fixture.h): acks
// after the commit, one frame per session, catch-up of congested sessions,
// store failures.
#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

using DeliveryTest = HubTest;

TEST_F(DeliveryTest, ASendIsAckedAfterTheCommitAndFannedOutOncePerSession) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");
  const int64_t room = addRoom(ann, {bob});
  HubClient& annTab = connect(ann);
  HubClient& bobTab1 = connect(bob);
  HubClient& bobTab2 = connect(bob);
  for (HubClient* client : {&annTab, &bobTab1, &bobTab2}) join(*client, room);

  store_.pauseAt("append");
  send(annTab, messageJson(room, "hello", "c1", 7));
  runUntilIdle();
  // Appended, not yet committed: nobody hears of it.
  EXPECT_EQ(store_.calls("append"), 1u);
  EXPECT_TRUE(frames(annTab, "ack").empty());
  EXPECT_TRUE(frames(bobTab1, "message").empty());
  store_.release();
  runUntilIdle();

  const std::vector<ReceivedFrame> acks = frames(annTab, "ack");
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].fields.integer("ref"), 7);
  EXPECT_EQ(acks[0].fields.string("client_id"), "c1");
  EXPECT_EQ(acks[0].fields.integer("seq"), 1);
  EXPECT_TRUE(frames(annTab, "message").empty()) << "the sender gets the ack, not the message";
  for (HubClient* tab : {&bobTab1, &bobTab2}) {
    const std::vector<ReceivedFrame> messages = frames(*tab, "message");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].data->string("content"), "hello");
    EXPECT_EQ(messages[0].data->integer("seq"), 1);
  }
  EXPECT_EQ(hub_.stats().deliveries, 2u);
}

TEST_F(DeliveryTest, ARetriedSendIsAckedAgainAndDeliveredOnce) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();

  send(annTab, messageJson(room, "once", "same-id", 1));
  send(annTab, messageJson(room, "once", "same-id", 2));
  runUntilIdle();

  const std::vector<ReceivedFrame> acks = frames(annTab, "ack");
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].fields.integer("ref"), 1);
  EXPECT_EQ(acks[1].fields.integer("ref"), 2);
  EXPECT_EQ(acks[0].fields.integer("id"), acks[1].fields.integer("id"));
  EXPECT_EQ(acks[1].fields.integer("seq"), 1);
  EXPECT_EQ(messageSeqs(bobTab), std::vector<int64_t>{1});
  EXPECT_EQ(hub_.stats().messagesPosted, 1u);
}

TEST_F(DeliveryTest, AFailedCommitAnswersUnavailableWithTheClientsRefAndDeliversNothing) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();

  store_.failNext(1, "append");
  send(annTab, messageJson(room, "lost?", "c1", "\"r-1\""));
  runUntilIdle();

  const std::vector<ReceivedFrame> errors = frames(annTab, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].fields.string("code"), "unavailable");
  EXPECT_EQ(errors[0].fields.string("ref"), "r-1");
  EXPECT_TRUE(frames(annTab, "ack").empty());
  EXPECT_TRUE(frames(bobTab, "message").empty());
  EXPECT_EQ(hub_.stats().messagesPosted, 0u);
}

TEST_F(DeliveryTest, AFailedRoomLookupAnswersUnavailableWithTheClientsRefAndTheRetryGoesThroughOnce) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();

  store_.failNext(1);
  send(annTab, messageJson(room, "lost?", "c1", 41));
  runUntilIdle();

  const std::vector<ReceivedFrame> errors = frames(annTab, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].fields.string("code"), "unavailable");
  EXPECT_EQ(errors[0].fields.integer("ref"), 41);
  EXPECT_TRUE(frames(annTab, "ack").empty());
  EXPECT_TRUE(frames(bobTab, "message").empty());

  // The client's retry goes through, once.
  send(annTab, messageJson(room, "lost?", "c1", 42));
  runUntilIdle();
  const std::vector<ReceivedFrame> acks = frames(annTab, "ack");
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].fields.integer("ref"), 42);
  EXPECT_EQ(messageSeqs(bobTab), std::vector<int64_t>{1});
}

TEST_F(DeliveryTest, ACongestedSessionCatchesUpInOrderFromRecentMessagesOnceDrained) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();

  congest(bobTab);
  for (int i = 1; i <= 5; ++i) send(annTab, messageJson(room, "m" + std::to_string(i), "c" + std::to_string(i), i));
  runUntilIdle();
  EXPECT_TRUE(messageSeqs(bobTab).empty());
  EXPECT_EQ(frames(annTab, "ack").size(), 5u) << "a slow reader never holds up the sender";
  EXPECT_EQ(hub_.stats().catchUps, 1u);

  readAll(bobTab);
  runUntilIdle();
  EXPECT_EQ(messageSeqs(bobTab), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(store_.calls("messagesAfter"), 0u) << "the room's recent messages cover the gap";
  EXPECT_EQ(hub_.stats().replayed, 5u);

  // Live again from here.
  send(annTab, messageJson(room, "m6", "c6", 6));
  runUntilIdle();
  EXPECT_EQ(messageSeqs(bobTab), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(frames(bobTab, "message").back().data->string("content"), "m6");
}

TEST_F(DeliveryTest, ACongestedSessionCatchesUpFromTheStoreWhenRecentMessagesNoLongerCoverTheGap) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");
  const int64_t room = addRoom(ann, {bob});
  HubClient& bobTab = connect(bob);
  join(bobTab, room);

  congest(bobTab);
  const int64_t total = static_cast<int64_t>(chat::RecentMessages::kMaxMessages) + 50;
  for (int64_t i = 1; i <= total; ++i) {
    postMessage(ann, room, "m" + std::to_string(i), "", [](std::optional<chat::ChatError> error, const store::AppendResult&) {
      EXPECT_FALSE(error);
    });
  }
  runUntilIdle();
  EXPECT_EQ(hub_.stats().catchUps, 1u);

  // Drained a bit at a time, as a slow reader would be.
  drain(bobTab);
  runUntilIdle();
  readAll(bobTab);
  runUntilIdle();
  std::vector<int64_t> expected(static_cast<size_t>(total));
  for (int64_t seq = 1; seq <= total; ++seq) expected[static_cast<size_t>(seq - 1)] = seq;
  ASSERT_EQ(messageSeqs(bobTab), expected);
  EXPECT_GE(store_.calls("messagesAfter"), 1u);
  const std::vector<ReceivedFrame> messages = frames(bobTab, "message");
  EXPECT_EQ(messages.front().data->string("content"), "m1");
  EXPECT_EQ(messages.back().data->string("content"), "m" + std::to_string(total));
}

}  // namespace
}  // namespace chatd::test
