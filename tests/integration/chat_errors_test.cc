// What the chat protocol answers to messages it will not carry out: over the
// rate, over the size, outside one's rooms, malformed. Each is an error frame
// with the message's ref, and the connection stays usable.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;

void expectError(const Json& reply, const std::string& code) {
  EXPECT_EQ(reply.type(), "error") << reply;
  EXPECT_EQ(reply.string("code"), code) << reply;
  EXPECT_FALSE(reply.string("message").value_or("").empty()) << reply;
}

// The session still answers: a ping gets its pong, nothing else pending.
void expectUsable(ChatClient& client) {
  EXPECT_TRUE(client.drain().empty());
  EXPECT_FALSE(client.closeFrame()) << client.closeFrame()->code;
}

TEST(ChatErrorsTest, RateLimitedPastTheBurstWithItsRef) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--rate", "1", "--burst", "3"});
  const Account ann = signUp(chatd.port(), "ann");
  // A member through HTTP, so that the session's bucket is full for the messages.
  ASSERT_EQ(httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/rooms/1/join").status, 200);
  ChatClient a(chatd.port(), "ann");
  a.connect(ann.token);
  std::string burst;
  for (int i = 1; i <= 4; ++i) {
    burst += WsTestClient::frame(0x1, R"({"type":"message","room_id":1,"content":"quick","ref":"q)" +
                                          std::to_string(i) + "\"}");
  }
  ASSERT_TRUE(a.raw().sendRaw(burst));  // one write: the four arrive together
  std::vector<Json> replies;
  for (int i = 0; i < 4; ++i) replies.push_back(a.next());
  int acks = 0;
  for (const Json& reply : replies) {
    if (reply.type() == "ack") ++acks;
    if (reply.type() == "error") {
      expectError(reply, "rate_limited");
      EXPECT_EQ(reply.string("ref"), "q4");
    }
  }
  EXPECT_EQ(acks, 3);
  expectUsable(a);  // pings are not counted

  // The bucket refills at 1/s: a later message goes through.
  Json later;
  ASSERT_TRUE(eventually([&] {
    later = a.sendMessage(kLobby, "later");
    return later.type() == "ack";
  }, 5000)) << later;
  // Three of the burst and the later one (over HTTP: the session's bucket is empty again).
  const HttpReply stored = httpCallAs(ann.token, chatd.port(), "GET", "/api/v1/rooms/1/messages");
  EXPECT_EQ(Json(stored.body).size("messages"), 4u) << stored.body;
}

TEST(ChatErrorsTest, ContentOverMaxContentIsTooLarge) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--max-content", "100"});
  const Account ann = signUp(chatd.port(), "ann");
  ChatClient a(chatd.port(), "ann");
  a.connect(ann.token);
  a.join(kLobby);
  a.drain();

  const Json tooLarge = a.call("message", R"("room_id":1,"content":")" + std::string(101, 'x') + "\"");
  expectError(tooLarge, "too_large");
  EXPECT_TRUE(tooLarge.has("ref"));
  // Bytes, not characters: 34 three-byte euro signs are 102 bytes.
  std::string euros;
  for (int i = 0; i < 34; ++i) euros += "\xE2\x82\xAC";
  expectError(a.call("message", R"("room_id":1,"content":)" + jsonQuote(euros)), "too_large");
  expectUsable(a);

  const Json fits = a.sendMessage(kLobby, std::string(100, 'y'));
  ASSERT_EQ(fits.type(), "ack") << fits;
  expectError(a.call("edit", R"("room_id":1,"id":)" + std::to_string(fits.integer("id").value_or(0)) +
                                  R"(,"content":")" + std::string(101, 'z') + "\""),
              "too_large");
  const Json history = a.call("history", R"("room_id":1)");
  ASSERT_EQ(history.size("messages"), 1u) << history;
  EXPECT_EQ(history.string("messages.0.content"), std::string(100, 'y'));
}

class ChatRoomErrorsTest : public RoomFixture {};

TEST_F(ChatRoomErrorsTest, SomeoneElsesPrivateRoomIsNotMine) {
  const Account olga = signUp("olga");
  const Account ann = signUp("ann");
  const std::string room = createRoom(olga, "secret", "private");
  ChatClient a(port(), "ann");
  a.connect(ann.token);

  // To an outsider a private room answers as one that does not exist: its
  // existence is not given away (the HTTP API answers 404 the same way).
  const Json join = a.call("join_room", R"("room_id":)" + room);
  expectError(join, "not_found");
  EXPECT_TRUE(join.has("ref"));
  expectError(a.call("message", R"("room_id":)" + room + R"(,"content":"let me in")"), "not_found");
  expectError(a.call("history", R"("room_id":)" + room), "not_found");
  // Typing needs this session to have joined and receipts need membership:
  // the same answer for any room one is not in.
  expectError(a.call("typing", R"("room_id":)" + room), "not_member");
  expectError(a.call("read", R"("room_id":)" + room + R"(,"seq":1)"), "not_member");
  // A public room needs joining before posting.
  expectError(a.call("message", R"("room_id":1,"content":"hi")"), "not_member");
  expectError(a.call("message", R"("room_id":999,"content":"hi")"), "not_found");
  expectError(a.call("join_room", R"("room_id":999)"), "not_found");
  expectUsable(a);

  // Olga's own session hears nothing of it.
  ChatClient o(port(), "olga");
  o.connect(olga.token);
  o.join(std::stoll(room));
  EXPECT_EQ(o.call("history", R"("room_id":)" + room).size("messages"), 0u);
}

TEST_F(ChatRoomErrorsTest, MalformedMessagesAreBadRequestsAndTheConnectionStays) {
  const Account ann = signUp("ann");
  ChatClient a(port(), "ann");
  a.connect(ann.token);

  ASSERT_TRUE(a.send("{not json"));
  const Json notJson = a.next();
  expectError(notJson, "bad_request");
  EXPECT_FALSE(notJson.has("ref"));

  ASSERT_TRUE(a.send(R"({"type":"frobnicate","ref":"f1"})"));
  const Json unknown = a.next();
  expectError(unknown, "bad_request");
  EXPECT_EQ(unknown.string("ref"), "f1");

  ASSERT_TRUE(a.send(R"({"type":"message","ref":42,"content":"where to?"})"));
  const Json noRoom = a.next();
  expectError(noRoom, "bad_request");
  EXPECT_EQ(noRoom.integer("ref"), 42);

  ASSERT_TRUE(a.send(R"({"type":"message","room_id":1,"content":"","ref":"e"})"));
  expectError(a.next(), "bad_request");
  ASSERT_TRUE(a.send(R"({"type":"history","room_id":"one","ref":"h"})"));
  const Json badRoom = a.next();
  expectError(badRoom, "bad_request");
  EXPECT_EQ(badRoom.string("ref"), "h");
  ASSERT_TRUE(a.send(R"({"ref":"t"})"));
  expectError(a.next(), "bad_request");
  ASSERT_TRUE(a.send(R"([1,2,3])"));
  expectError(a.next(), "bad_request");
  ASSERT_TRUE(a.raw().sendBinary(R"({"type":"ping"})"));
  expectError(a.next(), "bad_request");

  expectUsable(a);
  a.join(kLobby);
  EXPECT_EQ(a.sendMessage(kLobby, "still here").type(), "ack");
}

TEST_F(ChatRoomErrorsTest, NothingButAuthBeforeAuthenticating) {
  const Account ann = signUp("ann");
  ChatClient a(port(), "ann");
  ASSERT_EQ(a.upgrade().status, 101);
  const Json refused = a.call("join_room", R"("room_id":1)");
  expectError(refused, "unauthorized");
  a.send(R"({"type":"auth","token":)" + jsonQuote(ann.token) + "}");
  EXPECT_EQ(a.expectNext("welcome").string("user.username"), "ann");
  EXPECT_EQ(a.join(kLobby).type(), "joined");
}

}  // namespace
}  // namespace chatd::testing
