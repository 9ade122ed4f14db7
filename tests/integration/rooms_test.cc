// The room API against a real chatd and SQLite file: the lobby, creating,
// listing, visibility, joining and leaving, path and method errors, restarts.
// Roles (invite, kick, delete) are in room_roles_test.cc, direct rooms in
// direct_rooms_test.cc.
#include <filesystem>
#include <string>

#include "tests/integration/room_fixture.h"

namespace chatd::testing {

namespace {

class Rooms : public RoomFixture {};

bool lists(const HttpReply& reply, const std::string& name) {
  return reply.body.find("\"name\":\"" + name + "\"") != std::string::npos;
}

TEST_F(Rooms, AFreshDatabaseHasThePublicLobby) {
  const Account ann = signUp("ann");
  const HttpReply reply = call(ann, "GET", "/api/v1/rooms");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  EXPECT_EQ(reply.body.rfind(R"({"rooms":[{"id":1,"name":"lobby","kind":"public","topic":"Everyone starts here",)", 0), 0u)
      << reply.body;
  EXPECT_NE(reply.body.find(R"("role":null,"unread":0})"), std::string::npos) << reply.body;
}

TEST_F(Rooms, EveryEndpointNeedsASignedInUser) {
  const std::pair<const char*, const char*> endpoints[] = {
      {"GET", "/api/v1/rooms"},           {"POST", "/api/v1/rooms"},          {"GET", "/api/v1/rooms/1"},
      {"DELETE", "/api/v1/rooms/1"},      {"POST", "/api/v1/rooms/1/join"},   {"POST", "/api/v1/rooms/1/leave"},
      {"GET", "/api/v1/rooms/1/members"}, {"POST", "/api/v1/rooms/1/members"}, {"DELETE", "/api/v1/rooms/1/members/1"},
      {"POST", "/api/v1/direct/1"},
  };
  for (const auto& [method, path] : endpoints) {
    const HttpReply reply = httpCall(port(), method, path);
    EXPECT_EQ(reply.status, 401) << method << " " << path << " -> " << reply.body;
    EXPECT_EQ(jsonField(reply.body, "code"), "unauthorized");
  }
}

TEST_F(Rooms, CreatingMakesTheCreatorTheOwner) {
  const Account ann = signUp("ann");
  const HttpReply reply =
      call(ann, "POST", "/api/v1/rooms", R"({"name":"Team \"A\"","kind":"private","topic":"plans"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const std::string id = jsonField(reply.body, "id");
  EXPECT_NE(id, "1");
  EXPECT_NE(reply.body.find(R"("name":"Team \"A\"","kind":"private","topic":"plans",)"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find(R"("role":"owner","unread":0})"), std::string::npos) << reply.body;
  const HttpReply shown = call(ann, "GET", "/api/v1/rooms/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.body, reply.body);
  const HttpReply members = call(ann, "GET", "/api/v1/rooms/" + id + "/members");
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_NE(members.body.find(R"({"members":[{"user":{"id":)" + ann.id + R"(,"username":"ann","nickname":null,)"),
            std::string::npos)
      << members.body;
  EXPECT_NE(members.body.find(R"("role":"owner","joined_at":)"), std::string::npos) << members.body;
  // A room without a topic says null.
  const HttpReply bare = call(ann, "POST", "/api/v1/rooms", R"({"name":"x","kind":"public"})");
  EXPECT_NE(bare.body.find(R"("topic":null)"), std::string::npos) << bare.body;
}

TEST_F(Rooms, CreateRejectsBadFields) {
  const Account ann = signUp("ann");
  const std::string longName(65, 'n');
  const std::string longTopic(257, 't');
  const std::pair<std::string, const char*> cases[] = {
      {R"({"kind":"public"})", "invalid_name"},
      {R"({"name":"","kind":"public"})", "invalid_name"},
      {R"({"name":")" + longName + R"(","kind":"public"})", "invalid_name"},
      {R"({"name":7,"kind":"public"})", "invalid_name"},
      {R"({"name":"x"})", "invalid_kind"},
      {R"({"name":"x","kind":"secret"})", "invalid_kind"},
      {R"({"name":"x","kind":"direct"})", "invalid_kind"},
      {R"({"name":"x","kind":"public","topic":")" + longTopic + R"("})", "invalid_topic"},
      {R"({"name":"x","kind":"public","topic":3})", "invalid_topic"},
      {R"({"name":"x",)", "bad_request"},
  };
  for (const auto& [body, code] : cases) {
    const HttpReply reply = call(ann, "POST", "/api/v1/rooms", body);
    EXPECT_EQ(reply.status, 400) << body << " -> " << reply.body;
    EXPECT_EQ(jsonField(reply.body, "code"), code) << body;
  }
  EXPECT_EQ(call(ann, "POST", "/api/v1/rooms", R"({"name":")" + std::string(64, 'n') + R"(","kind":"public"})").status,
            201);
  const HttpReply notJson = httpCall(port(), "POST", "/api/v1/rooms", R"({"name":"x","kind":"public"})",
                                     "Content-Type: text/plain\r\nAuthorization: Bearer " + ann.token + "\r\n");
  EXPECT_EQ(notJson.status, 415) << notJson.body;
}

TEST_F(Rooms, PrivateRoomsDoNotExistForNonMembers) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  const std::string room = createRoom(ann, "secret", "private");
  EXPECT_FALSE(lists(call(bob, "GET", "/api/v1/rooms"), "secret"));
  EXPECT_TRUE(lists(call(ann, "GET", "/api/v1/rooms"), "secret"));
  const HttpReply missing = call(bob, "GET", "/api/v1/rooms/999");
  for (const char* suffix : {"", "/members"}) {
    const HttpReply reply = call(bob, "GET", "/api/v1/rooms/" + room + suffix);
    EXPECT_EQ(reply.status, 404) << suffix << " -> " << reply.body;
    EXPECT_EQ(reply.body, missing.body);  // no hint that it exists
  }
  EXPECT_EQ(call(bob, "POST", "/api/v1/rooms/" + room + "/leave").status, 404);
  EXPECT_EQ(call(bob, "DELETE", "/api/v1/rooms/" + room).status, 404);
}

TEST_F(Rooms, PublicRoomsAreListedAndReadableByEveryone) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  const std::string room = createRoom(ann, "town-square", "public");
  const HttpReply listed = call(bob, "GET", "/api/v1/rooms");
  EXPECT_TRUE(lists(listed, "town-square")) << listed.body;
  const HttpReply shown = call(bob, "GET", "/api/v1/rooms/" + room);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_NE(shown.body.find(R"("role":null,"unread":0})"), std::string::npos) << shown.body;
  const HttpReply members = call(bob, "GET", "/api/v1/rooms/" + room + "/members");
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_NE(members.body.find(R"("username":"ann")"), std::string::npos) << members.body;
}

TEST_F(Rooms, JoiningAPublicRoomTwiceIsFine) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  const std::string room = createRoom(ann, "open", "public");
  for (int i = 0; i < 2; ++i) {
    const HttpReply reply = call(bob, "POST", "/api/v1/rooms/" + room + "/join");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_NE(reply.body.find(R"("role":"member","unread":0})"), std::string::npos) << reply.body;
  }
  const HttpReply members = call(ann, "GET", "/api/v1/rooms/" + room + "/members");
  const size_t first = members.body.find(R"("username":"bob")");
  ASSERT_NE(first, std::string::npos) << members.body;
  EXPECT_EQ(members.body.find(R"("username":"bob")", first + 1), std::string::npos) << members.body;
  // The owner joining keeps being the owner.
  const HttpReply owner = call(ann, "POST", "/api/v1/rooms/" + room + "/join");
  EXPECT_NE(owner.body.find(R"("role":"owner")"), std::string::npos) << owner.body;
  EXPECT_EQ(call(bob, "POST", "/api/v1/rooms/1/join").status, 200);  // the lobby
}

// Issue 11, item 14: joining tells an outsider nothing a missing id would not.
TEST_F(Rooms, JoiningAPrivateRoomAnswersAsAMissingRoom) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  const std::string room = createRoom(ann, "club", "private");
  const HttpReply privateRoom = call(bob, "POST", "/api/v1/rooms/" + room + "/join");
  const HttpReply missingRoom = call(bob, "POST", "/api/v1/rooms/999/join");
  EXPECT_EQ(privateRoom.status, 404) << privateRoom.body;
  EXPECT_EQ(privateRoom.status, missingRoom.status);
  EXPECT_EQ(privateRoom.body, missingRoom.body);
  EXPECT_EQ(call(bob, "GET", "/api/v1/rooms/" + room).status, 404);  // still not in
}

TEST_F(Rooms, LeavingEndsMembershipAndANonMemberCannotLeave) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  const std::string room = createRoom(ann, "club", "private");
  ASSERT_EQ(setRole(ann, room, bob, "member").status, 201);
  const HttpReply left = call(bob, "POST", "/api/v1/rooms/" + room + "/leave");
  ASSERT_EQ(left.status, 200) << left.body;
  EXPECT_NE(left.body.find(R"("role":null)"), std::string::npos) << left.body;
  EXPECT_EQ(call(bob, "GET", "/api/v1/rooms/" + room).status, 404);  // private: gone from view
  const std::string open = createRoom(ann, "open", "public");
  const HttpReply notMember = call(bob, "POST", "/api/v1/rooms/" + open + "/leave");
  EXPECT_EQ(notMember.status, 409) << notMember.body;
  EXPECT_EQ(jsonField(notMember.body, "code"), "not_member");
}

TEST_F(Rooms, TheOwnerCannotLeave) {
  const Account ann = signUp("ann");
  const std::string room = createRoom(ann, "mine", "public");
  const HttpReply reply = call(ann, "POST", "/api/v1/rooms/" + room + "/leave");
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(jsonField(reply.body, "code"), "forbidden");
  EXPECT_NE(call(ann, "GET", "/api/v1/rooms/" + room).body.find(R"("role":"owner")"), std::string::npos);
}

TEST_F(Rooms, PathIdsAreDigitsAboveZero) {
  const Account ann = signUp("ann");
  for (const char* path : {"/api/v1/rooms/0", "/api/v1/rooms/abc", "/api/v1/rooms/1x", "/api/v1/rooms/-1",
                           "/api/v1/rooms/+1", "/api/v1/rooms/%31", "/api/v1/rooms/", "/api/v1/rooms/1/",
                           "/api/v1/rooms/1/other", "/api/v1/rooms/99999999999999999999", "/api/v1/rooms/424242"}) {
    const HttpReply reply = call(ann, "GET", path);
    EXPECT_EQ(reply.status, 404) << path << " -> " << reply.body;
  }
  EXPECT_EQ(call(ann, "DELETE", "/api/v1/rooms/1/members/0").status, 404);
  EXPECT_EQ(call(ann, "POST", "/api/v1/direct/abc").status, 404);
  EXPECT_EQ(call(ann, "POST", "/api/v1/direct/").status, 404);
}

TEST_F(Rooms, AWrongMethodIs405WithAllow) {
  const Account ann = signUp("ann");
  const std::pair<const char*, const char*> cases[] = {
      {"/api/v1/rooms", "GET, HEAD, POST"},  {"/api/v1/rooms/1", "GET, HEAD, DELETE"},
      {"/api/v1/rooms/1/join", "POST"},      {"/api/v1/rooms/1/members", "GET, HEAD, POST"},
      {"/api/v1/rooms/1/members/2", "DELETE"}, {"/api/v1/direct/2", "POST"},
  };
  for (const auto& [path, allow] : cases) {
    const HttpReply reply = call(ann, "PUT", path);
    EXPECT_EQ(reply.status, 405) << path << " -> " << reply.body;
    EXPECT_EQ(reply.header("Allow"), allow) << path;
  }
}

TEST_F(Rooms, UnreadIsZeroWithoutMessages) {
  const Account ann = signUp("ann");
  createRoom(ann, "quiet", "private");
  const HttpReply reply = call(ann, "GET", "/api/v1/rooms");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_NE(reply.body.find(R"("name":"quiet","kind":"private","topic":null,)"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find(R"("role":"owner","unread":0})"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find(R"("unread":1)"), std::string::npos) << reply.body;
}

TEST(RoomsStorage, RoomsAndMembershipsSurviveARestart) {
  char dir[] = "/tmp/chatd-rooms-restart-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  const std::vector<std::string> args = {"--data", dir, "--argon2-memory", "1024"};
  std::string before;
  Account ann;
  {
    ChatdProcess first(args);
    ann = signUp(first.port(), "ann");
    const Account bob = signUp(first.port(), "bob");
    const HttpReply created = httpCallAs(ann.token, first.port(), "POST", "/api/v1/rooms",
                                         R"({"name":"kept","kind":"private","topic":"still here"})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string room = jsonField(created.body, "id");
    ASSERT_EQ(httpCallAs(ann.token, first.port(), "POST", "/api/v1/rooms/" + room + "/members",
                         R"({"user_id":)" + bob.id + R"(,"role":"admin"})").status,
              201);
    ASSERT_EQ(httpCallAs(ann.token, first.port(), "POST", "/api/v1/direct/" + bob.id).status, 201);
    before = httpCallAs(ann.token, first.port(), "GET", "/api/v1/rooms").body;
    EXPECT_EQ(first.stop(SIGTERM), 0);
  }
  {
    ChatdProcess second(args);
    const HttpReply after = httpCallAs(ann.token, second.port(), "GET", "/api/v1/rooms");
    ASSERT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(after.body, before);
    EXPECT_NE(after.body.find(R"("name":"kept","kind":"private","topic":"still here")"), std::string::npos);
    EXPECT_NE(after.body.find(R"("kind":"direct")"), std::string::npos);
    const HttpReply members = httpCallAs(ann.token, second.port(), "GET", "/api/v1/rooms/2/members");
    EXPECT_NE(members.body.find(R"("username":"bob","nickname":null)"), std::string::npos) << members.body;
    EXPECT_NE(members.body.find(R"("role":"admin")"), std::string::npos) << members.body;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chatd::testing
