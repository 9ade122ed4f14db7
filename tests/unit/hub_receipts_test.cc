// Delivery status in the hub (hub_fixture.h): `received` moves a member's
// watermark and reaches the room in the ephemeral lane, one event per user
// per room for a congested session; acks carry 0 and 0; history counts the
// members other than the sender who received and read each message.
#include <cinttypes>
#include <cstdio>

#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

using ReceiptsTest = HubTest;

std::string markJson(std::string_view type, int64_t roomId, int64_t seq, std::string_view ref = {}) {
  return R"({"type":")" + std::string(type) + R"(","room_id":)" + std::to_string(roomId) +
         R"(,"seq":)" + std::to_string(seq) + (ref.empty() ? "" : R"(,"ref":)" + std::string(ref)) + "}";
}

// (user id, seq) of each event of `type` ("received", "read") a client got, in order.
std::vector<std::pair<int64_t, int64_t>> marks(const HubClient& client, std::string_view type) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const ReceivedFrame& frame : frames(client, type)) {
    out.emplace_back(frame.data->integer("user_id").value_or(-1), frame.data->integer("seq").value_or(-1));
  }
  return out;
}

using Marks = std::vector<std::pair<int64_t, int64_t>>;

TEST_F(ReceiptsTest, ReceivedReachesTheRoomAndAnswersTheStoredMarkWithItsRef) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  HubClient& bobPhone = connect(bob);
  join(bobPhone, room);
  for (int i = 0; i < 3; ++i) send(annTab, messageJson(room, "m", "c" + std::to_string(i), i));
  runUntilIdle();

  send(bobTab, markJson("received", room, 2, R"("r1")"));
  runUntilIdle();
  const std::vector<ReceivedFrame> answer = frames(bobTab, "received");
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].fields.string("ref"), "r1");
  EXPECT_EQ(marks(bobTab, "received"), (Marks{{bob.id, 2}}));
  EXPECT_EQ(marks(annTab, "received"), (Marks{{bob.id, 2}}));
  EXPECT_FALSE(frames(annTab, "received")[0].fields.has("ref"));
  EXPECT_EQ(marks(bobPhone, "received"), (Marks{{bob.id, 2}})) << "the user's other tabs hear it too";

  send(bobTab, markJson("received", room, 1));  // never backwards: answered, told to nobody
  send(bobTab, markJson("received", room, 99));  // capped at the room's last
  runUntilIdle();
  EXPECT_EQ(marks(bobTab, "received"), (Marks{{bob.id, 2}, {bob.id, 2}, {bob.id, 3}}));
  EXPECT_EQ(marks(annTab, "received"), (Marks{{bob.id, 2}, {bob.id, 3}}));
}

TEST_F(ReceiptsTest, ReceiptsWhileCongestedCostOneEventPerUserOnDrain) {
  auto [ann, bob, carol, room, annTab, bobTab, carolTab] = threeMembersJoined();
  for (int i = 0; i < 5; ++i) send(bobTab, messageJson(room, "m", "c" + std::to_string(i), i));
  runUntilIdle();

  congest(bobTab);  // its queue holds its acks
  const uint64_t conflatedBefore = hub_.stats().ephemeralConflated;
  for (int64_t seq = 1; seq <= 5; ++seq) {
    send(annTab, markJson("received", room, seq));
    send(carolTab, markJson("received", room, seq));
    runUntilIdle();
  }
  send(annTab, markJson("read", room, 2));
  runUntilIdle();
  EXPECT_TRUE(marks(bobTab, "received").empty());
  EXPECT_EQ(hub_.stats().ephemeralConflated - conflatedBefore, 8u);

  readAll(bobTab);
  // The latest of each user's, in the order they first came; a read mark is
  // an event of its own kind, not replaced by a receipt.
  EXPECT_EQ(marks(bobTab, "received"), (Marks{{ann.id, 5}, {carol.id, 5}}));
  EXPECT_EQ(marks(bobTab, "read"), (Marks{{ann.id, 2}}));
  EXPECT_EQ(marks(carolTab, "received").size(), 10u) << "carol was never congested: ann's five and her own answers";
}

TEST_F(ReceiptsTest, AcksAndHistoryCarryDeliveredAndReadCounts) {
  auto [ann, bob, carol, room, annTab, bobTab, carolTab] = threeMembersJoined();
  for (int i = 0; i < 3; ++i) send(annTab, messageJson(room, "m", "c" + std::to_string(i), i));
  runUntilIdle();
  for (const ReceivedFrame& ack : frames(annTab, "ack")) {
    EXPECT_EQ(ack.fields.integer("delivered_count"), 0);
    EXPECT_EQ(ack.fields.integer("read_count"), 0);
  }
  EXPECT_EQ(frames(bobTab, "message").at(0).data->integer("delivered_count"), 0);

  send(bobTab, markJson("received", room, 3));
  send(bobTab, markJson("read", room, 1));
  send(carolTab, markJson("read", room, 2));  // reading implies receipt
  send(carolTab, messageJson(room, "reply", "c-reply", 9));
  runUntilIdle();
  send(bobTab, R"({"type":"history","room_id":)" + std::to_string(room) + R"(,"ref":"h"})");
  runUntilIdle();
  const std::vector<ReceivedFrame> history = frames(bobTab, "history");
  ASSERT_EQ(history.size(), 1u);
  std::vector<std::pair<int64_t, int64_t>> counts;
  const std::string& text = history[0].text;
  for (size_t at = text.find("\"delivered_count\":"); at != std::string::npos;
       at = text.find("\"delivered_count\":", at + 1)) {
    int64_t delivered = -1, read = -1;
    std::sscanf(text.c_str() + at, "\"delivered_count\":%" SCNd64 ",\"read_count\":%" SCNd64, &delivered, &read);
    counts.emplace_back(delivered, read);
  }
  // Seqs 1-3 are ann's, 4 carol's: ann posted it after 3, so she has not received it.
  EXPECT_EQ(counts, (std::vector<std::pair<int64_t, int64_t>>{{2, 2}, {2, 1}, {2, 1}, {0, 0}}));
}

TEST_F(ReceiptsTest, ReceivedInARoomOneIsNotInIsRefusedWithTheRef) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  const store::User eve = addUser("eve");
  HubClient& eveTab = connect(eve);
  send(eveTab, markJson("received", room, 1, "5"));
  send(eveTab, markJson("received", 4242, 1, "6"));
  runUntilIdle();
  const std::vector<ReceivedFrame> errors = frames(eveTab, "error");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].fields.string("code"), "not_member");
  EXPECT_EQ(errors[0].fields.integer("ref"), 5);
  EXPECT_EQ(errors[1].fields.integer("ref"), 6);
  EXPECT_TRUE(marks(annTab, "received").empty());
}

}  // namespace
}  // namespace chatd::test
