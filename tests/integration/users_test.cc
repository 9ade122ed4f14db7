// GET /api/v1/users/{id} against a real chatd: a user one shares a room with
// is shown with their avatar, last seen time and whether they are online;
// anyone else is 404, so that the endpoint lists no accounts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

class UsersTest : public RoomFixture {
 protected:
  const Account ann_ = signUp("ann");
  const Account bob_ = signUp("bob");
  const Account cat_ = signUp("cat");
};

TEST_F(UsersTest, AUserOneSharesARoomWithIsShownWithLastSeenAndOnline) {
  const std::string room = createRoom(ann_, "den", "private");
  ASSERT_EQ(setRole(ann_, room, bob_, "member").status, 201);
  HttpReply shown = call(ann_, "GET", "/api/v1/users/" + bob_.id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  Json user = Json(shown.body).at("user");
  EXPECT_EQ(user.string("username"), "bob");
  EXPECT_TRUE(user.isNull("last_seen_at")) << "never connected";
  EXPECT_EQ(user.boolean("online"), false);
  {
    ChatClient bob(port(), "bob");
    ASSERT_EQ(bob.connect(bob_.token).type(), "welcome");
    EXPECT_EQ(Json(call(ann_, "GET", "/api/v1/users/" + bob_.id).body).boolean("user.online"), true);
    ASSERT_TRUE(bob.hangUp());
  }
  for (int i = 0; i < 50; ++i) {
    user = Json(call(ann_, "GET", "/api/v1/users/" + bob_.id).body).at("user");
    if (!user.isNull("last_seen_at")) break;
    usleep(20'000);
  }
  EXPECT_GT(user.integer("last_seen_at").value_or(0), 0) << user;
  EXPECT_EQ(user.boolean("online"), false);
}

TEST_F(UsersTest, AnyoneElseIs404AndOneselfIsShown) {
  EXPECT_EQ(call(ann_, "GET", "/api/v1/users/" + cat_.id).status, 404) << "no room shared";
  EXPECT_EQ(call(ann_, "GET", "/api/v1/users/999999").status, 404);
  EXPECT_EQ(call(ann_, "GET", "/api/v1/users/" + ann_.id).status, 200);
  EXPECT_EQ(httpCall(port(), "GET", "/api/v1/users/" + bob_.id).status, 401);
  ASSERT_EQ(call(cat_, "POST", "/api/v1/direct/" + ann_.id).status, 201);
  EXPECT_EQ(call(ann_, "GET", "/api/v1/users/" + cat_.id).status, 200) << "a direct room is a room shared";
}

}  // namespace
}  // namespace chatd::testing
