// The messaging side of the HTTP API against WebSocket sessions: a POSTed
// message is the same message (fan-out, idempotent resend), a long-poll
// waits for the next one, and /online shows who has a session in the room.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;

class ChatHttpTest : public RoomFixture {
 protected:
  HttpReply post(const Account& as, const std::string& room, const std::string& body) {
    return call(as, "POST", "/api/v1/rooms/" + room + "/messages", body);
  }
};

TEST_F(ChatHttpTest, PostedMessageReachesTheRoomAndAResendIsTheSameMessage) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ASSERT_EQ(call(bob, "POST", "/api/v1/rooms/1/join").status, 200);
  ChatClient a(port(), "ann");
  a.connect(ann.token);
  a.join(kLobby);
  a.drain();

  const HttpReply created = post(bob, "1", R"({"content":"from a script","client_id":"http-1"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const Json message = Json(created.body).at("message");
  EXPECT_EQ(message.integer("seq"), 1);
  EXPECT_EQ(message.string("content"), "from a script");
  EXPECT_EQ(message.string("client_id"), "http-1");
  EXPECT_EQ(message.string("user.username"), "bob");

  const Json heard = a.expectNext("message");
  EXPECT_EQ(heard.integer("room_id"), kLobby);
  EXPECT_EQ(heard.integer("data.id"), message.integer("id"));
  EXPECT_EQ(heard.integer("data.seq"), 1);
  EXPECT_EQ(heard.string("data.content"), "from a script");
  EXPECT_EQ(heard.string("data.user.username"), "bob");

  const HttpReply resent = post(bob, "1", R"({"content":"from a script","client_id":"http-1"})");
  ASSERT_EQ(resent.status, 200) << resent.body;
  EXPECT_EQ(Json(resent.body).integer("message.id"), message.integer("id"));
  EXPECT_EQ(Json(resent.body).integer("message.seq"), 1);
  EXPECT_TRUE(a.drain().empty()) << "a resend was delivered again";

  const HttpReply page = call(ann, "GET", "/api/v1/rooms/1/messages");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Json(page.body).size("messages"), 1u) << page.body;
  EXPECT_EQ(Json(page.body).integer("last_seq"), 1);
  EXPECT_EQ(Json(page.body).boolean("has_more"), false);

  // WebSocket and HTTP share the one sequence.
  EXPECT_EQ(a.sendMessage(kLobby, "and from a tab").integer("seq"), 2);
}

TEST_F(ChatHttpTest, PostErrorsCarryTheChatCodes) {
  const Account olga = signUp("olga");
  const Account ann = signUp("ann");
  const std::string secret = createRoom(olga, "secret", "private");

  // Another's private room does not exist for ann, as in GET; a public one needs joining.
  const HttpReply outsider = post(ann, secret, R"({"content":"hi"})");
  EXPECT_EQ(outsider.status, 404) << outsider.body;
  EXPECT_EQ(Json(outsider.body).string("error.code"), "not_found");
  const HttpReply notJoined = post(ann, "1", R"({"content":"not joined yet"})");
  EXPECT_EQ(notJoined.status, 403) << notJoined.body;
  EXPECT_EQ(Json(notJoined.body).string("error.code"), "not_member");

  ASSERT_EQ(call(ann, "POST", "/api/v1/rooms/1/join").status, 200);
  const HttpReply big = post(ann, "1", R"({"content":")" + std::string(4097, 'x') + "\"}");
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(Json(big.body).string("error.code"), "too_large");
  EXPECT_EQ(post(ann, "1", R"({"content":""})").status, 400);
  EXPECT_EQ(post(ann, "999", R"({"content":"nowhere"})").status, 404);
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/rooms/1/messages", R"({"content":"anonymous"})").status, 401);
  EXPECT_EQ(Json(call(ann, "GET", "/api/v1/rooms/1/messages").body).size("messages"), 0u);
}

TEST_F(ChatHttpTest, LongPollAnswersWithTheNextMessageOnceItIsSent) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ChatClient a(port(), "ann");
  a.connect(ann.token);
  a.join(kLobby);
  ASSERT_EQ(a.sendMessage(kLobby, "before").integer("seq"), 1);

  WsTestClient poll;
  ASSERT_TRUE(poll.connect(port()));
  ASSERT_TRUE(poll.sendRaw("GET /api/v1/rooms/1/messages?after=1&wait=10 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Authorization: Bearer " + bob.token + "\r\n\r\n"));
  // Waiting, not answering: nothing comes while the room is quiet.
  EXPECT_FALSE(poll.fill(1, 300)) << "answered before the message was sent: " << poll.buffered();

  const Json ack = a.sendMessage(kLobby, "wake up");
  ASSERT_EQ(ack.type(), "ack") << ack;
  const HttpReply reply = poll.readHttpReply(5000);
  ASSERT_EQ(reply.status, 200) << reply.head;
  const Json page(reply.body);
  ASSERT_EQ(page.size("messages"), 1u) << reply.body;
  EXPECT_EQ(page.integer("messages.0.seq"), 2);
  EXPECT_EQ(page.integer("messages.0.id"), ack.integer("id"));
  EXPECT_EQ(page.string("messages.0.content"), "wake up");
  EXPECT_EQ(page.integer("last_seq"), 2);

  // Something already there is answered at once; nothing at all, after the wait.
  const Json ready(call(bob, "GET", "/api/v1/rooms/1/messages?after=0&wait=10").body);
  EXPECT_EQ(ready.size("messages"), 2u) << ready;
  const HttpReply quiet = call(bob, "GET", "/api/v1/rooms/1/messages?after=2&wait=1");
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  EXPECT_EQ(Json(quiet.body).size("messages"), 0u) << quiet.body;
  EXPECT_EQ(Json(quiet.body).integer("last_seq"), 2);
  EXPECT_EQ(call(bob, "GET", "/api/v1/rooms/1/messages?wait=1").status, 400);  // wait needs after
}

// Issue 11, item 11: a long-poll woken after its user lost access answers
// as a fresh request would (404 for a private room one was removed from, 401
// for a logged-out token), never with the message that woke it.
class LongPollAccessTest : public ChatHttpTest {
 protected:
  void SetUp() override {
    olga_ = signUp("olga");
    bob_ = signUp("bob");
    room_ = createRoom(olga_, "secret", "private");
    ASSERT_EQ(setRole(olga_, room_, bob_, "member").status, 201);
    ASSERT_EQ(post(olga_, room_, R"({"content":"before"})").status, 201);
    ASSERT_TRUE(poll_.connect(port()));
    ASSERT_TRUE(poll_.sendRaw("GET /api/v1/rooms/" + room_ + "/messages?after=1&wait=10 HTTP/1.1\r\n"
                              "Host: 127.0.0.1\r\nAuthorization: Bearer " + bob_.token + "\r\n\r\n"));
    ASSERT_FALSE(poll_.fill(1, 300)) << "answered before it waited: " << poll_.buffered();
  }
  // Olga posts; what bob's long-poll answers.
  HttpReply wokenBy(const std::string& content) {
    EXPECT_EQ(post(olga_, room_, R"({"content":")" + content + "\"}").status, 201);
    return poll_.readHttpReply(5000);
  }

  Account olga_, bob_;
  std::string room_;
  WsTestClient poll_;
};

TEST_F(LongPollAccessTest, AKickedMemberIsNotAnsweredTheNextMessage) {
  ASSERT_EQ(kick(olga_, room_, bob_).status, 204);
  const HttpReply reply = wokenBy("after the kick");
  EXPECT_EQ(reply.status, 404) << reply.body;
  EXPECT_EQ(reply.body.find("after the kick"), std::string::npos) << reply.body;
}

TEST_F(LongPollAccessTest, ALoggedOutTokenIsNotAnsweredTheNextMessage) {
  ASSERT_EQ(call(bob_, "POST", "/api/v1/logout").status, 204);
  const HttpReply reply = wokenBy("after the logout");
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_EQ(reply.body.find("after the logout"), std::string::npos) << reply.body;
}

TEST_F(ChatHttpTest, OnlineListsUsersWithASessionInTheRoom) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  const Account carol = signUp("carol");
  ChatClient tab1(port(), "ann/tab1");
  ChatClient tab2(port(), "ann/tab2");
  ChatClient b(port(), "bob");
  for (auto [client, account] : {std::pair{&tab1, &ann}, std::pair{&tab2, &ann}, std::pair{&b, &bob}}) {
    client->connect(account->token);
    client->join(kLobby);
  }
  ChatClient c(port(), "carol");  // online, but not in the lobby
  c.connect(carol.token);

  auto onlineNames = [&] {
    const HttpReply reply = call(carol, "GET", "/api/v1/rooms/1/online");
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::multiset<std::string> names;
    for (const Json& user : Json(reply.body).items("users")) names.insert(user.string("username").value_or("?"));
    return names;
  };
  EXPECT_EQ(onlineNames(), (std::multiset<std::string>{"ann", "bob"}));

  ASSERT_TRUE(tab1.hangUp());
  ASSERT_TRUE(tab2.hangUp());
  EXPECT_TRUE(eventually([&] { return onlineNames() == std::multiset<std::string>{"bob"}; }));

  const std::string secret = createRoom(bob, "secret", "private");
  EXPECT_EQ(call(carol, "GET", "/api/v1/rooms/" + secret + "/online").status, 404);
}

}  // namespace
}  // namespace chatd::testing
