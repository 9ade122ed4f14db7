// The chat protocol between users and tabs, over real sockets against a real
// chatd: messages both ways with their acks, presence counted per user (not
// per tab), a message reaching the sender's other tabs, exactly-once resends.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;

class ChatMessagingTest : public RoomFixture {};

// {"type":"message",...} as a client sends it.
std::string messageJson(int64_t roomId, const std::string& content, const std::string& clientId,
                        const std::string& ref) {
  return R"({"type":"message","room_id":)" + std::to_string(roomId) + R"(,"content":)" + jsonQuote(content) +
         R"(,"client_id":)" + jsonQuote(clientId) + R"(,"ref":)" + jsonQuote(ref) + "}";
}

TEST_F(ChatMessagingTest, TwoUsersChatBothWays) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient a(port(), "ann");
  ChatClient b(port(), "bob");
  const Json annWelcome = a.connect(ann.token);
  const Json bobWelcome = b.connect(bob.token, TokenIn::kBearer);
  const int64_t annId = annWelcome.integer("user.id").value_or(-1);
  const int64_t bobId = bobWelcome.integer("user.id").value_or(-1);
  a.join(kLobby);
  b.join(kLobby);
  a.drain();
  b.drain();

  ASSERT_TRUE(a.send(messageJson(kLobby, "hello bob", "ann-1", "s1")));
  const std::vector<Json> toAnn = a.until("ack");
  EXPECT_TRUE(ofType(toAnn, "message").empty()) << "the sending session got its own message";
  const Json ack = toAnn.back();
  EXPECT_EQ(ack.string("client_id"), "ann-1");
  EXPECT_EQ(ack.string("ref"), "s1");
  EXPECT_EQ(ack.integer("room_id"), kLobby);
  EXPECT_EQ(ack.integer("seq"), 1);
  EXPECT_GT(ack.integer("id").value_or(0), 0);
  EXPECT_GT(ack.integer("created_at").value_or(0), 0);

  const Json toBob = b.expectNext("message");
  EXPECT_EQ(toBob.integer("room_id"), kLobby);
  EXPECT_FALSE(toBob.has("ref"));
  EXPECT_EQ(toBob.integer("data.id"), ack.integer("id"));
  EXPECT_EQ(toBob.integer("data.seq"), 1);
  EXPECT_EQ(toBob.integer("data.user_id"), annId);
  EXPECT_EQ(toBob.integer("data.user.id"), annId);
  EXPECT_EQ(toBob.string("data.user.username"), "ann");
  EXPECT_TRUE(toBob.has("data.user.nickname"));
  EXPECT_EQ(toBob.string("data.kind"), "text");
  EXPECT_EQ(toBob.string("data.content"), "hello bob");
  EXPECT_EQ(toBob.string("data.client_id"), "ann-1");
  EXPECT_EQ(toBob.integer("data.created_at"), ack.integer("created_at"));
  EXPECT_FALSE(toBob.has("data.edited_at"));
  EXPECT_FALSE(toBob.has("data.deleted"));

  // And back, without a client_id this time.
  ASSERT_TRUE(b.send(R"({"type":"message","room_id":1,"content":"hi ann \u00e9","ref":7})"));
  const std::vector<Json> toBobBeforeAck = b.until("ack");
  EXPECT_TRUE(ofType(toBobBeforeAck, "message").empty()) << "the sending session got its own message";
  const Json bobAck = toBobBeforeAck.back();
  EXPECT_EQ(bobAck.integer("ref"), 7);
  EXPECT_TRUE(bobAck.isNull("client_id"));
  EXPECT_EQ(bobAck.integer("seq"), 2);

  const Json toAnnMessage = a.expectNext("message");
  EXPECT_EQ(toAnnMessage.integer("data.seq"), 2);
  EXPECT_EQ(toAnnMessage.integer("data.id"), bobAck.integer("id"));
  EXPECT_EQ(toAnnMessage.integer("data.user_id"), bobId);
  EXPECT_EQ(toAnnMessage.string("data.user.username"), "bob");
  EXPECT_EQ(toAnnMessage.string("data.content"), "hi ann \xC3\xA9");
  EXPECT_TRUE(toAnnMessage.isNull("data.client_id"));

  // Nothing else is on its way to either: no echo of their own messages.
  EXPECT_TRUE(a.drain().empty());
  EXPECT_TRUE(b.drain().empty());
}

TEST_F(ChatMessagingTest, ThreeTabsOfOneUserArePresentOnce) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient b(port(), "bob");
  b.connect(bob.token);
  b.join(kLobby);
  b.drain();

  ChatClient tab1(port(), "ann/tab1");
  ChatClient tab2(port(), "ann/tab2");
  ChatClient tab3(port(), "ann/tab3");
  int64_t annId = 0;
  for (ChatClient* tab : {&tab1, &tab2, &tab3}) {
    annId = tab->connect(ann.token).integer("user.id").value_or(-1);
    tab->join(kLobby);
  }
  const Json online = tab3.expectNext("online_users");
  EXPECT_EQ(online.integer("room_id"), kLobby);
  const std::vector<Json> users = online.items("data.users");
  ASSERT_EQ(users.size(), 2u) << online;
  int annListed = 0;
  for (const Json& user : users) annListed += user.string("username") == "ann" ? 1 : 0;
  EXPECT_EQ(annListed, 1) << online;

  // Bob's session hears of ann once, not once per tab.
  const std::vector<Json> toBob = b.drain();
  const std::vector<Json> joined = ofType(toBob, "user_joined");
  ASSERT_EQ(joined.size(), 1u) << "bob saw " << toBob.size() << " frames";
  EXPECT_EQ(joined[0].integer("room_id"), kLobby);
  EXPECT_EQ(joined[0].integer("data.user.id"), annId);
  EXPECT_EQ(joined[0].string("data.user.username"), "ann");
  for (ChatClient* tab : {&tab1, &tab2, &tab3}) {
    EXPECT_TRUE(ofType(tab->drain(), "user_joined").empty()) << tab->name() << " was told of its own user";
  }

  // A message from tab 1 reaches ann's other tabs and bob, not tab 1.
  const Json ack = tab1.sendMessage(kLobby, "from tab 1", "tab1-1");
  ASSERT_EQ(ack.type(), "ack") << ack;
  for (ChatClient* other : {&tab2, &tab3, &b}) {
    const Json message = other->expectNext("message");
    EXPECT_EQ(message.integer("data.id"), ack.integer("id")) << other->name();
    EXPECT_EQ(message.string("data.content"), "from tab 1") << other->name();
    EXPECT_EQ(message.string("data.user.username"), "ann") << other->name();
  }
  EXPECT_TRUE(tab1.drain().empty());

  // Tabs leaving one by one: user_left only when the last one is gone.
  const Json left = tab1.call("leave_room", R"("room_id":1)");
  EXPECT_EQ(left.type(), "left") << left;
  EXPECT_EQ(left.integer("room_id"), kLobby);
  ASSERT_TRUE(tab2.hangUp());
  EXPECT_TRUE(ofType(b.drain(), "user_left").empty()) << "ann still has tab 3 in the lobby";
  const HttpReply stillOnline = call(bob, "GET", "/api/v1/rooms/1/online");
  EXPECT_EQ(Json(stillOnline.body).size("users"), 2u) << stillOnline.body;

  ASSERT_TRUE(tab3.hangUp());
  const Json gone = b.expectNext("user_left");
  EXPECT_EQ(gone.integer("room_id"), kLobby);
  EXPECT_EQ(gone.integer("data.user.id"), annId);
  EXPECT_EQ(gone.string("data.user.username"), "ann");
  EXPECT_TRUE(b.drain().empty());

  // Tab 1 left the room: it hears nothing more from it.
  ASSERT_EQ(b.sendMessage(kLobby, "anyone?").type(), "ack");
  EXPECT_TRUE(tab1.drain().empty());
}

TEST_F(ChatMessagingTest, ResendWithTheSameClientIdIsStoredOnce) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient a(port(), "ann");
  ChatClient b(port(), "bob");
  a.connect(ann.token);
  b.connect(bob.token);
  a.join(kLobby);
  b.join(kLobby);
  a.drain();
  b.drain();

  const Json first = a.sendMessage(kLobby, "exactly once", "retry-me");
  const Json second = a.sendMessage(kLobby, "exactly once", "retry-me");
  ASSERT_EQ(first.type(), "ack") << first;
  ASSERT_EQ(second.type(), "ack") << second;
  EXPECT_EQ(second.integer("id"), first.integer("id"));
  EXPECT_EQ(second.integer("seq"), first.integer("seq"));
  EXPECT_EQ(second.integer("created_at"), first.integer("created_at"));
  EXPECT_EQ(second.string("client_id"), "retry-me");

  // A retry from another tab of the same user (a reconnect) is the same message too.
  ChatClient tab2(port(), "ann/tab2");
  tab2.connect(ann.token);
  const Json third = tab2.sendMessage(kLobby, "exactly once", "retry-me");
  EXPECT_EQ(third.integer("id"), first.integer("id")) << third;

  const std::vector<Json> toBob = ofType(b.drain(), "message");
  ASSERT_EQ(toBob.size(), 1u);
  EXPECT_EQ(toBob[0].integer("data.id"), first.integer("id"));

  const Json history = a.call("history", R"("room_id":1)");
  ASSERT_EQ(history.type(), "history") << history;
  ASSERT_EQ(history.size("messages"), 1u) << history;
  EXPECT_EQ(history.string("messages.0.client_id"), "retry-me");
  EXPECT_EQ(history.integer("messages.0.id"), first.integer("id"));

  // The same client id from another user is that user's own message.
  const Json bobs = b.sendMessage(kLobby, "mine", "retry-me");
  ASSERT_EQ(bobs.type(), "ack") << bobs;
  EXPECT_NE(bobs.integer("id"), first.integer("id"));
  EXPECT_EQ(bobs.integer("seq"), first.integer("seq").value_or(0) + 1);
}

TEST_F(ChatMessagingTest, DirectMessageJoinsEverySessionOfBothUsers) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient a(port(), "ann");
  ChatClient b1(port(), "bob/tab1");
  ChatClient b2(port(), "bob/tab2");
  a.connect(ann.token);
  const int64_t bobId = b1.connect(bob.token).integer("user.id").value_or(-1);
  b2.connect(bob.token);

  const Json ack = a.call("message", R"("to_user_id":)" + std::to_string(bobId) + R"(,"content":"psst","client_id":"dm-1")");
  ASSERT_EQ(ack.type(), "ack") << ack;
  const int64_t room = ack.integer("room_id").value_or(-1);
  EXPECT_NE(room, kLobby);
  for (ChatClient* tab : {&b1, &b2}) {
    const Json joined = tab->expectNext("joined");
    EXPECT_EQ(joined.integer("room_id"), room) << tab->name();
    const Json message = tab->expect("message");
    EXPECT_EQ(message.integer("room_id"), room) << tab->name();
    EXPECT_EQ(message.string("data.content"), "psst") << tab->name();
    EXPECT_EQ(message.string("data.user.username"), "ann") << tab->name();
  }
  // Bob answers in the room; ann's session was joined to it too.
  ASSERT_EQ(b1.sendMessage(room, "hi").type(), "ack");
  const Json reply = a.expect("message");
  EXPECT_EQ(reply.integer("room_id"), room);
  EXPECT_EQ(reply.string("data.content"), "hi");
  EXPECT_EQ(b2.expect("message").string("data.content"), "hi");
}

}  // namespace
}  // namespace chatd::testing
