// Direct rooms: one per pair of users, opened by either, private to the two,
// with no roles to manage, against a real chatd.
#include <string>

#include "tests/integration/room_fixture.h"

namespace chatd::testing {

namespace {

class DirectRooms : public RoomFixture {
 protected:
  HttpReply open(const Account& from, const Account& to) { return call(from, "POST", "/api/v1/direct/" + to.id); }

  // After the base class's chatd has started.
  const Account ann_ = signUp("ann");
  const Account bob_ = signUp("bob");
};

TEST_F(DirectRooms, TheFirstCallCreatesTheRoomAndTheSecondFindsIt) {
  const HttpReply created = open(ann_, bob_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_NE(created.body.find(R"("name":"ann & bob","kind":"direct","topic":null,)"), std::string::npos)
      << created.body;
  EXPECT_NE(created.body.find(R"("role":"member","unread":0})"), std::string::npos) << created.body;
  const std::string id = jsonField(created.body, "id");
  const HttpReply again = open(ann_, bob_);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(jsonField(again.body, "id"), id);
  const HttpReply fromBob = open(bob_, ann_);
  EXPECT_EQ(fromBob.status, 200) << fromBob.body;
  EXPECT_EQ(jsonField(fromBob.body, "id"), id);
  EXPECT_NE(fromBob.body.find(R"("role":"member")"), std::string::npos) << fromBob.body;
}

TEST_F(DirectRooms, BothUsersAreMembersAndSeeItListed) {
  const std::string id = jsonField(open(ann_, bob_).body, "id");
  const HttpReply members = call(bob_, "GET", "/api/v1/rooms/" + id + "/members");
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_NE(members.body.find(R"("username":"ann")"), std::string::npos) << members.body;
  EXPECT_NE(members.body.find(R"("username":"bob")"), std::string::npos) << members.body;
  EXPECT_EQ(members.body.find(R"("role":"owner")"), std::string::npos) << members.body;
  for (const Account* who : {&ann_, &bob_}) {
    EXPECT_NE(call(*who, "GET", "/api/v1/rooms").body.find(R"("kind":"direct")"), std::string::npos);
  }
}

TEST_F(DirectRooms, OthersCannotSeeOrJoinIt) {
  const Account cat = signUp("cat");
  const std::string id = jsonField(open(ann_, bob_).body, "id");
  EXPECT_EQ(call(cat, "GET", "/api/v1/rooms/" + id).status, 404);
  EXPECT_EQ(call(cat, "GET", "/api/v1/rooms/" + id + "/members").status, 404);
  EXPECT_EQ(call(cat, "GET", "/api/v1/rooms").body.find(R"("kind":"direct")"), std::string::npos);
  const HttpReply join = call(cat, "POST", "/api/v1/rooms/" + id + "/join");
  EXPECT_EQ(join.status, 404) << join.body;  // as if it did not exist
}

TEST_F(DirectRooms, NoRolesToManageAndNoLeaving) {
  const Account cat = signUp("cat");
  const std::string id = jsonField(open(ann_, bob_).body, "id");
  EXPECT_EQ(setRole(ann_, id, cat, "member").status, 403);
  EXPECT_EQ(kick(ann_, id, bob_).status, 403);
  EXPECT_EQ(call(ann_, "POST", "/api/v1/rooms/" + id + "/leave").status, 403);
  EXPECT_EQ(call(ann_, "DELETE", "/api/v1/rooms/" + id).status, 403);
  EXPECT_EQ(call(bob_, "GET", "/api/v1/rooms/" + id).status, 200);
}

TEST_F(DirectRooms, NotWithYourselfNorWithNobody) {
  const HttpReply self = open(ann_, ann_);
  EXPECT_EQ(self.status, 400) << self.body;
  EXPECT_EQ(call(ann_, "POST", "/api/v1/direct/999999").status, 404);
}

TEST_F(DirectRooms, EachPairHasItsOwnRoom) {
  const Account cat = signUp("cat");
  const std::string annBob = jsonField(open(ann_, bob_).body, "id");
  const HttpReply annCat = open(ann_, cat);
  EXPECT_EQ(annCat.status, 201) << annCat.body;
  EXPECT_NE(jsonField(annCat.body, "id"), annBob);
  EXPECT_EQ(call(bob_, "GET", "/api/v1/rooms/" + jsonField(annCat.body, "id")).status, 404);
}

}  // namespace
}  // namespace chatd::testing
