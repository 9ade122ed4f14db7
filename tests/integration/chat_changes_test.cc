// Changing stored messages over the chat protocol: edits (author only),
// deletes (author, or the room's owner or an admin), reactions (toggled by
// anyone in the room); who hears of each change, and what history shows.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

// A private room owned by olga, with adam as an admin and ann and bob as
// members, each connected and joined.
class ChatChangesTest : public RoomFixture {
 protected:
  void SetUp() override {
    const Account olga = signUp("olga");
    const Account adam = signUp("adam");
    const Account ann = signUp("ann");
    const Account bob = signUp("bob");
    const std::string room = createRoom(olga, "team", "private");
    ASSERT_EQ(setRole(olga, room, adam, "admin").status, 201);
    ASSERT_EQ(setRole(olga, room, ann, "member").status, 201);
    ASSERT_EQ(setRole(olga, room, bob, "member").status, 201);
    room_ = std::stoll(room);
    roomField_ = R"("room_id":)" + room;
    const std::vector<std::pair<ChatClient*, const Account*>> sessions = {
        {&olga_, &olga}, {&adam_, &adam}, {&ann_, &ann}, {&bob_, &bob}};
    for (const auto& [client, account] : sessions) {
      client->connect(account->token);
      ASSERT_EQ(client->join(room_).type(), "joined");
    }
    for (ChatClient* client : everyone()) client->drain();
  }

  std::vector<ChatClient*> everyone() { return {&olga_, &adam_, &ann_, &bob_}; }
  // Ann posts `content`; its id.
  int64_t annPosts(const std::string& content) {
    const Json ack = ann_.sendMessage(room_, content);
    EXPECT_EQ(ack.type(), "ack") << ack;
    for (ChatClient* other : {&olga_, &adam_, &bob_}) other->expectNext("message");
    return ack.integer("id").value_or(-1);
  }
  Json change(ChatClient& as, const std::string& type, int64_t id, const std::string& more = {}) {
    return as.call(type, roomField_ + R"(,"id":)" + std::to_string(id) + more);
  }
  // The one message of history with `id`.
  Json historyEntry(int64_t id) {
    const Json page = bob_.call("history", roomField_);
    for (const Json& message : page.items("messages")) {
      if (message.integer("id") == id) return message;
    }
    ADD_FAILURE() << "message " << id << " is not in " << page;
    return Json();
  }
  static void expectError(const Json& reply, const std::string& code) {
    EXPECT_EQ(reply.type(), "error") << reply;
    EXPECT_EQ(reply.string("code"), code) << reply;
    EXPECT_TRUE(reply.has("ref")) << reply;
  }

  int64_t room_ = 0;
  std::string roomField_;
  ChatClient olga_{port(), "olga"};
  ChatClient adam_{port(), "adam"};
  ChatClient ann_{port(), "ann"};
  ChatClient bob_{port(), "bob"};
};

TEST_F(ChatChangesTest, TheAuthorEditsAndTheRoomHearsOfIt) {
  const int64_t id = annPosts("frist");
  const Json edited = change(ann_, "edit", id, R"(,"content":"first")");
  ASSERT_EQ(edited.type(), "message_edited") << edited;
  EXPECT_EQ(edited.integer("room_id"), room_);
  EXPECT_EQ(edited.integer("data.id"), id);
  EXPECT_EQ(edited.integer("data.seq"), 1);
  EXPECT_EQ(edited.string("data.content"), "first");
  EXPECT_GT(edited.integer("data.edited_at").value_or(0), 0);
  for (ChatClient* other : {&olga_, &adam_, &bob_}) {
    const Json event = other->expectNext("message_edited");
    EXPECT_EQ(event.integer("data.id"), id) << other->name();
    EXPECT_EQ(event.string("data.content"), "first") << other->name();
    EXPECT_FALSE(event.has("ref")) << other->name();
  }
  const Json stored = historyEntry(id);
  EXPECT_EQ(stored.string("content"), "first");
  EXPECT_EQ(stored.integer("edited_at"), edited.integer("data.edited_at"));
}

TEST_F(ChatChangesTest, OnlyTheAuthorMayEdit) {
  const int64_t id = annPosts("mine");
  expectError(change(bob_, "edit", id, R"(,"content":"yours")"), "forbidden");
  expectError(change(olga_, "edit", id, R"(,"content":"the owner's")"), "forbidden");
  expectError(change(adam_, "edit", id, R"(,"content":"the admin's")"), "forbidden");
  expectError(change(ann_, "edit", 9999, R"(,"content":"nothing")"), "not_found");
  EXPECT_EQ(historyEntry(id).string("content"), "mine");
  EXPECT_FALSE(historyEntry(id).has("edited_at"));
  for (ChatClient* client : everyone()) EXPECT_TRUE(client->drain().empty()) << client->name();
}

TEST_F(ChatChangesTest, TheAuthorTheOwnerAndAnAdminMayDeleteAnotherMemberMayNot) {
  const int64_t byAuthor = annPosts("oops");
  const int64_t byOwner = annPosts("spam");
  const int64_t byAdmin = annPosts("more spam");
  const int64_t kept = annPosts("fine");

  expectError(change(bob_, "delete", kept), "forbidden");

  const Json deleted = change(ann_, "delete", byAuthor);
  ASSERT_EQ(deleted.type(), "message_deleted") << deleted;
  EXPECT_EQ(deleted.integer("data.id"), byAuthor);
  EXPECT_EQ(deleted.integer("data.seq"), 1);
  for (ChatClient* other : {&olga_, &adam_, &bob_}) {
    const Json event = other->expectNext("message_deleted");
    EXPECT_EQ(event.integer("data.id"), byAuthor) << other->name();
    EXPECT_FALSE(event.has("ref"));
  }
  EXPECT_EQ(change(olga_, "delete", byOwner).type(), "message_deleted");
  EXPECT_EQ(change(adam_, "delete", byAdmin).type(), "message_deleted");
  EXPECT_EQ(bob_.expect("message_deleted").integer("data.id"), byOwner);
  EXPECT_EQ(bob_.expect("message_deleted").integer("data.id"), byAdmin);

  for (const int64_t id : {byAuthor, byOwner, byAdmin}) {
    const Json stored = historyEntry(id);
    EXPECT_EQ(stored.boolean("deleted"), true) << stored;
    EXPECT_EQ(stored.string("content"), "") << stored;
  }
  const Json stillThere = historyEntry(kept);
  EXPECT_EQ(stillThere.string("content"), "fine");
  EXPECT_FALSE(stillThere.has("deleted"));

  // A deleted message is gone for further changes.
  expectError(change(ann_, "edit", byAuthor, R"(,"content":"back")"), "not_found");
  expectError(change(ann_, "delete", byAuthor), "not_found");
  expectError(change(bob_, "react", byAuthor, R"(,"emoji":"+1")"), "not_found");
}

TEST_F(ChatChangesTest, ReactionsToggleAndCount) {
  const int64_t id = annPosts("vote");
  const std::string thumbs = "\xF0\x9F\x91\x8D";
  const std::string emoji = R"(,"emoji":")" + thumbs + "\"";

  const Json added = change(bob_, "react", id, emoji);
  ASSERT_EQ(added.type(), "reaction_added") << added;
  EXPECT_EQ(added.integer("data.id"), id);
  EXPECT_EQ(added.integer("data.seq"), 1);
  EXPECT_EQ(added.string("data.emoji"), thumbs);
  EXPECT_EQ(added.integer("data.count"), 1);
  EXPECT_TRUE(added.has("ref"));
  const Json heard = ann_.expectNext("reaction_added");
  EXPECT_EQ(heard.integer("data.count"), 1);
  EXPECT_FALSE(heard.has("ref"));

  const Json second = change(olga_, "react", id, emoji);
  EXPECT_EQ(second.type(), "reaction_added");
  EXPECT_EQ(second.integer("data.count"), 2);
  EXPECT_EQ(change(olga_, "react", id, R"(,"emoji":"party")").integer("data.count"), 1);

  const Json removed = change(bob_, "react", id, emoji);
  EXPECT_EQ(removed.type(), "reaction_removed") << removed;
  EXPECT_EQ(removed.integer("data.count"), 1);
  EXPECT_EQ(removed.integer("data.user_id"), added.integer("data.user_id"));
  const std::vector<Json> toAnn = ann_.drain();
  ASSERT_EQ(toAnn.size(), 3u);
  EXPECT_EQ(toAnn[2].type(), "reaction_removed");
  EXPECT_EQ(toAnn[2].integer("data.count"), 1);

  const Json stored = historyEntry(id);
  const std::vector<Json> reactions = stored.items("reactions");
  ASSERT_EQ(reactions.size(), 2u) << stored;
  for (const Json& reaction : reactions) {
    EXPECT_EQ(reaction.integer("count"), 1) << reaction;
    EXPECT_TRUE(reaction.string("emoji") == thumbs || reaction.string("emoji") == "party") << reaction;
  }
}

// Issue 11, item 16: B reacts, A reacts, B takes theirs back: removed, 1 left.
TEST_F(ChatChangesTest, AReactionIsTakenBackAfterAnotherUserAddedTheSame) {
  const int64_t id = annPosts("vote");
  const std::string emoji = R"(,"emoji":")" + std::string("\xF0\x9F\x91\x8D") + "\"";
  EXPECT_EQ(change(bob_, "react", id, emoji).integer("data.count"), 1);
  EXPECT_EQ(change(ann_, "react", id, emoji).integer("data.count"), 2);
  const Json again = change(bob_, "react", id, emoji);
  EXPECT_EQ(again.type(), "reaction_removed") << again;
  EXPECT_EQ(again.integer("data.count"), 1);
  const std::vector<Json> reactions = historyEntry(id).items("reactions");
  ASSERT_EQ(reactions.size(), 1u);
  EXPECT_EQ(reactions[0].integer("count"), 1);
}

TEST_F(ChatChangesTest, OutsidersChangeNothing) {
  const int64_t id = annPosts("members only");
  const Account eve = signUp("eve");
  ChatClient e(port(), "eve");
  e.connect(eve.token);
  const std::string target = roomField_ + R"(,"id":)" + std::to_string(id);
  // The room is private: to an outsider it does not exist.
  expectError(e.call("edit", target + R"(,"content":"x")"), "not_found");
  expectError(e.call("delete", target), "not_found");
  expectError(e.call("react", target + R"(,"emoji":"x")"), "not_found");
  EXPECT_EQ(historyEntry(id).string("content"), "members only");
}

}  // namespace
}  // namespace chatd::testing
