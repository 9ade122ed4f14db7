// The hub's send path and delivery, driven in process (hub_fixture.h): acks
// after the commit, one frame per session, catch-up of congested sessions,
// store failures.
#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

using DeliveryTest = HubTest;

std::string messageJson(int64_t roomId, std::string_view content, std::string_view clientId, int ref) {
  return R"({"type":"message","room_id":)" + std::to_string(roomId) + R"(,"content":")" + std::string(content) +
         R"(","client_id":")" + std::string(clientId) + R"(","ref":)" + std::to_string(ref) + "}";
}

TEST_F(DeliveryTest, ASendIsAckedAfterTheCommitAndFannedOutOncePerSession) {
  const store::User ann = addUser("ann");
  const store::User bob = addUser("bob");
  const int64_t room = addRoom(ann, {bob});
  HubClient& annTab = connect(ann);
  HubClient& bobTab1 = connect(bob);
  HubClient& bobTab2 = connect(bob);
  for (HubClient* client : {&annTab, &bobTab1, &bobTab2}) join(*client, room);

  store_.pauseAt("appendMessage");
  send(annTab, messageJson(room, "hello", "c1", 7));
  runUntilIdle();
  // Appended, not yet committed: nobody hears of it.
  EXPECT_EQ(store_.calls("appendMessage"), 1u);
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

}  // namespace
}  // namespace chatd::test
