// A changed profile in the hub (hub_fixture.h): the user's open sessions name
// them anew (Hub::profileChanged), and so does a new session of theirs.
#include <optional>
#include <string>

#include "tests/unit/hub_fixture.h"

namespace chatd::test {
namespace {

using HubProfileTest = HubTest;

// The "user" object of the last message event a client received.
std::optional<proto::JsonFields> lastAuthor(const HubClient& client) {
  const std::vector<ReceivedFrame> messages = frames(client, "message");
  if (messages.empty()) return std::nullopt;
  std::string error;
  return proto::JsonFields::parse(messages.back().data->object("user").value_or(""), error);
}

TEST_F(HubProfileTest, TheUsersOpenSessionsNameThemAnewFromTheirNextMessage) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  send(annTab, messageJson(room, "before", "c1", 1));
  runUntilIdle();
  ASSERT_TRUE(lastAuthor(bobTab));
  EXPECT_FALSE(lastAuthor(bobTab)->has("avatar_url"));

  store::User renamed = ann;
  renamed.nickname = "Annie";
  renamed.avatarFileId = "0123456789abcdef0123456789abcdef";
  hub_.profileChanged(renamed);
  send(annTab, messageJson(room, "after", "c2", 2));
  runUntilIdle();
  const std::optional<proto::JsonFields> author = lastAuthor(bobTab);
  ASSERT_TRUE(author);
  EXPECT_EQ(author->string("nickname"), "Annie");
  EXPECT_EQ(author->string("avatar_url"), "/avatars/0123456789abcdef0123456789abcdef");
}

TEST_F(HubProfileTest, ANewSessionRenamesTheUsersSessionsAlreadyOpen) {
  auto [ann, bob, room, annTab, bobTab] = twoMembersJoined();
  store::User renamed = ann;
  renamed.nickname = "Annie";
  connect(renamed);  // as a node learns of a change made through another
  send(annTab, messageJson(room, "from the old tab", "c1", 1));
  runUntilIdle();
  ASSERT_TRUE(lastAuthor(bobTab));
  EXPECT_EQ(lastAuthor(bobTab)->string("nickname"), "Annie");
}

}  // namespace
}  // namespace chatd::test
