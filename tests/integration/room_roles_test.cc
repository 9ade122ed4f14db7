// Who may do what in a room: inviting, granting and revoking admin, kicking
// and deleting, one test per forbidden action, against a real chatd.
#include <string>

#include "tests/integration/room_fixture.h"

namespace chatd::testing {

namespace {

// ann owns a private room where cat is an admin and dan a member; eve is outside.
class RoomRoles : public RoomFixture {
 protected:
  void SetUp() override {
    ann_ = signUp("ann");
    cat_ = signUp("cat");
    dan_ = signUp("dan");
    eve_ = signUp("eve");
    room_ = createRoom(ann_, "staff", "private");
    ASSERT_EQ(setRole(ann_, room_, cat_, "admin").status, 201);
    ASSERT_EQ(setRole(ann_, room_, dan_, "member").status, 201);
  }
  std::string roleOf(const Account& who) {
    const HttpReply reply = call(who, "GET", "/api/v1/rooms/" + room_);
    return reply.status == 200 ? jsonField(reply.body, "role") : "status " + std::to_string(reply.status);
  }
  static void expectForbidden(const HttpReply& reply) {
    EXPECT_EQ(reply.status, 403) << reply.body;
    EXPECT_EQ(jsonField(reply.body, "code"), "forbidden") << reply.body;
  }

  Account ann_, cat_, dan_, eve_;
  std::string room_;
};

TEST_F(RoomRoles, AnInvitedUserSeesThePrivateRoom) {
  EXPECT_EQ(roleOf(eve_), "status 404");
  const HttpReply invited = setRole(ann_, room_, eve_, "member");
  ASSERT_EQ(invited.status, 201) << invited.body;
  EXPECT_NE(invited.body.find(R"({"member":{"user":{"id":)" + eve_.id + R"(,"username":"eve")"), std::string::npos)
      << invited.body;
  EXPECT_NE(invited.body.find(R"("role":"member","joined_at":)"), std::string::npos) << invited.body;
  EXPECT_EQ(roleOf(eve_), "member");
  EXPECT_NE(call(eve_, "GET", "/api/v1/rooms").body.find(R"("name":"staff")"), std::string::npos);
  // Inviting again changes nothing and says so with 200.
  EXPECT_EQ(setRole(ann_, room_, eve_, "member").status, 200);
}

TEST_F(RoomRoles, TheRoleDefaultsToMember) {
  const HttpReply reply = call(cat_, "POST", "/api/v1/rooms/" + room_ + "/members", R"({"user_id":)" + eve_.id + "}");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(roleOf(eve_), "member");
}

TEST_F(RoomRoles, AnAdminInvitesMembers) {
  EXPECT_EQ(setRole(cat_, room_, eve_, "member").status, 201);
  EXPECT_EQ(roleOf(eve_), "member");
}

TEST_F(RoomRoles, AMemberCannotInvite) {
  expectForbidden(setRole(dan_, room_, eve_, "member"));
  EXPECT_EQ(roleOf(eve_), "status 404");
}

TEST_F(RoomRoles, AnOutsiderCannotInviteIntoAPublicRoom) {
  const std::string open = createRoom(ann_, "open", "public");
  expectForbidden(setRole(eve_, open, dan_, "member"));
}

TEST_F(RoomRoles, AnOutsiderOfAPrivateRoomGets404) {
  EXPECT_EQ(setRole(eve_, room_, dan_, "member").status, 404);
  EXPECT_EQ(kick(eve_, room_, dan_).status, 404);
}

TEST_F(RoomRoles, AnAdminCannotGrantAdmin) {
  expectForbidden(setRole(cat_, room_, dan_, "admin"));
  expectForbidden(setRole(cat_, room_, eve_, "admin"));
  EXPECT_EQ(roleOf(dan_), "member");
}

TEST_F(RoomRoles, AnAdminCannotRevokeAdmin) {
  ASSERT_EQ(setRole(ann_, room_, dan_, "admin").status, 200);
  expectForbidden(setRole(cat_, room_, dan_, "member"));
  expectForbidden(setRole(cat_, room_, cat_, "member"));  // not even their own
  EXPECT_EQ(roleOf(dan_), "admin");
}

TEST_F(RoomRoles, TheOwnerGrantsAndRevokesAdmin) {
  const HttpReply granted = setRole(ann_, room_, dan_, "admin");
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(roleOf(dan_), "admin");
  ASSERT_EQ(setRole(ann_, room_, dan_, "member").status, 200);
  EXPECT_EQ(roleOf(dan_), "member");
}

TEST_F(RoomRoles, NobodyChangesTheOwnersRole) {
  expectForbidden(setRole(ann_, room_, ann_, "admin"));
  expectForbidden(setRole(ann_, room_, ann_, "member"));
  expectForbidden(setRole(cat_, room_, ann_, "member"));
  EXPECT_EQ(roleOf(ann_), "owner");
}

TEST_F(RoomRoles, InvitingChecksTheBody) {
  const std::string path = "/api/v1/rooms/" + room_ + "/members";
  EXPECT_EQ(call(ann_, "POST", path, R"({"user_id":999999})").status, 404);  // no such user
  const std::pair<std::string, const char*> cases[] = {
      {R"({})", "invalid_user_id"},
      {R"({"user_id":"2"})", "invalid_user_id"},
      {R"({"user_id":0})", "invalid_user_id"},
      {R"({"user_id":)" + eve_.id + R"(,"role":"owner"})", "invalid_role"},
      {R"({"user_id":)" + eve_.id + R"(,"role":7})", "invalid_role"},
      {R"({"user_id":)", "bad_request"},
  };
  for (const auto& [body, code] : cases) {
    const HttpReply reply = call(ann_, "POST", path, body);
    EXPECT_EQ(reply.status, 400) << body << " -> " << reply.body;
    EXPECT_EQ(jsonField(reply.body, "code"), code) << body;
  }
}

TEST_F(RoomRoles, AnAdminKicksAMember) {
  const HttpReply reply = kick(cat_, room_, dan_);
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_EQ(roleOf(dan_), "status 404");  // a private room: gone from view
  EXPECT_EQ(kick(cat_, room_, dan_).status, 404);  // no longer a member
}

TEST_F(RoomRoles, AMemberCannotKick) {
  ASSERT_EQ(setRole(ann_, room_, eve_, "member").status, 201);
  expectForbidden(kick(dan_, room_, eve_));
  EXPECT_EQ(roleOf(eve_), "member");
}

TEST_F(RoomRoles, AnAdminCannotKickAnAdmin) {
  ASSERT_EQ(setRole(ann_, room_, dan_, "admin").status, 200);
  expectForbidden(kick(cat_, room_, dan_));
  EXPECT_EQ(roleOf(dan_), "admin");
}

TEST_F(RoomRoles, TheOwnerKicksAnAdmin) {
  EXPECT_EQ(kick(ann_, room_, cat_).status, 204);
  EXPECT_EQ(roleOf(cat_), "status 404");
}

TEST_F(RoomRoles, NobodyKicksTheOwner) {
  expectForbidden(kick(cat_, room_, ann_));
  expectForbidden(kick(ann_, room_, ann_));
  EXPECT_EQ(roleOf(ann_), "owner");
}

TEST_F(RoomRoles, KickingANonMemberIs404) {
  EXPECT_EQ(kick(ann_, room_, eve_).status, 404);
}

TEST_F(RoomRoles, OnlyTheOwnerDeletesARoom) {
  expectForbidden(call(cat_, "DELETE", "/api/v1/rooms/" + room_));
  expectForbidden(call(dan_, "DELETE", "/api/v1/rooms/" + room_));
  EXPECT_EQ(roleOf(ann_), "owner");
}

TEST_F(RoomRoles, NobodyDeletesTheLobby) {
  expectForbidden(call(ann_, "DELETE", "/api/v1/rooms/1"));
}

TEST_F(RoomRoles, DeletingRemovesTheRoomAndItsMembers) {
  const HttpReply reply = call(ann_, "DELETE", "/api/v1/rooms/" + room_);
  EXPECT_EQ(reply.status, 204) << reply.body;
  for (const Account* who : {&ann_, &cat_, &dan_}) {
    EXPECT_EQ(roleOf(*who), "status 404");
    EXPECT_EQ(call(*who, "GET", "/api/v1/rooms").body.find(R"("name":"staff")"), std::string::npos);
  }
  EXPECT_EQ(call(ann_, "DELETE", "/api/v1/rooms/" + room_).status, 404);
}

}  // namespace
}  // namespace chatd::testing
