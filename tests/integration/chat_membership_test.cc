// Membership ending over HTTP reaches the live sessions: a member who is
// kicked, leaves, or whose room is deleted stops hearing from the room at
// once, is told why, and cannot rejoin a private room.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

// A private room owned by olga with bob as a member; both connected and joined.
class ChatMembershipTest : public RoomFixture {
 protected:
  void SetUp() override {
    olga_ = signUp("olga");
    bob_ = signUp("bob");
    room_ = createRoom(olga_, "team", "private");
    ASSERT_EQ(setRole(olga_, room_, bob_, "member").status, 201);
    olgaWs_.connect(olga_.token);
    bobWs_.connect(bob_.token);
    ASSERT_EQ(olgaWs_.join(roomId()).type(), "joined");
    ASSERT_EQ(bobWs_.join(roomId()).type(), "joined");
    olgaWs_.drain();
    bobWs_.drain();
  }
  int64_t roomId() const { return std::stoll(room_); }

  Account olga_, bob_;
  std::string room_;
  ChatClient olgaWs_{port(), "olga"};
  ChatClient bobWs_{port(), "bob"};
};

TEST_F(ChatMembershipTest, AKickedMemberIsToldAndHearsNothingMore) {
  ASSERT_EQ(call(olga_, "DELETE", "/api/v1/rooms/" + room_ + "/members/" + bob_.id).status, 204);
  const Json left = bobWs_.expect("left");
  EXPECT_EQ(left.integer("room_id"), roomId());
  EXPECT_EQ(left.string("reason"), "membership_ended");
  EXPECT_EQ(olgaWs_.expect("user_left").integer("data.user.id"), std::stoll(bob_.id));

  EXPECT_EQ(olgaWs_.sendMessage(roomId(), "after the kick").type(), "ack");
  for (const Json& frame : bobWs_.drain()) EXPECT_NE(frame.type(), "message") << frame;
  // A private room is joined by invitation only; to an outsider it does not exist.
  const Json again = bobWs_.call("join_room", R"("room_id":)" + room_);
  EXPECT_EQ(again.type(), "error");
  EXPECT_EQ(again.string("code"), "not_found");
}

TEST_F(ChatMembershipTest, LeavingOverHttpEndsTheLiveSubscriptionToo) {
  ASSERT_EQ(call(bob_, "POST", "/api/v1/rooms/" + room_ + "/leave").status, 200);
  EXPECT_EQ(bobWs_.expect("left").string("reason"), "membership_ended");
  EXPECT_EQ(olgaWs_.sendMessage(roomId(), "anyone?").type(), "ack");
  for (const Json& frame : bobWs_.drain()) EXPECT_NE(frame.type(), "message") << frame;
}

TEST_F(ChatMembershipTest, ADeletedRoomSendsEveryoneAway) {
  ASSERT_EQ(call(olga_, "DELETE", "/api/v1/rooms/" + room_).status, 204);
  for (ChatClient* client : {&olgaWs_, &bobWs_}) {
    const Json left = client->expect("left");
    EXPECT_EQ(left.integer("room_id"), roomId()) << client->name();
    EXPECT_EQ(left.string("reason"), "room_deleted") << client->name();
  }
  const Json reply = olgaWs_.call("message", R"("room_id":)" + room_ + R"(,"content":"hello?")");
  EXPECT_EQ(reply.string("code"), "not_found") << reply;
}

}  // namespace
}  // namespace chatd::testing
