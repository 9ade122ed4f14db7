// Issue 11, item 8: per-user quotas, each one over real sockets with a small
// flag value: the one over the limit is refused with its error code, and
// nobody else is held back by it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;
const std::string kCheapHashing[] = {"--argon2-memory", "1024"};

// A chatd with `flags` (and cheap hashing) and two users.
class QuotaTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> flags) {
    flags.insert(flags.end(), std::begin(kCheapHashing), std::end(kCheapHashing));
    chatd_.emplace(flags);
    ann_ = signUp(port(), "ann");
    bob_ = signUp(port(), "bob");
  }
  int port() const { return chatd_->port(); }
  HttpReply call(const Account& as, std::string_view method, const std::string& path, std::string_view body = {}) {
    return httpCallAs(as.token, port(), method, path, body);
  }
  HttpReply createRoom(const Account& as, const std::string& name) {
    return call(as, "POST", "/api/v1/rooms", R"({"name":")" + name + R"(","kind":"public"})");
  }

  std::optional<ChatdProcess> chatd_;
  Account ann_, bob_;
};

TEST_F(QuotaTest, TheRoomOverTheHourlyLimitIsRefusedWithRetryAfter) {
  start({"--rooms-per-hour", "3"});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(createRoom(ann_, "r" + std::to_string(i)).status, 201);
  const HttpReply over = createRoom(ann_, "one-too-many");
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_EQ(Json(over.body).string("error.code"), "too_many_rooms") << over.body;
  const auto retry = over.header("retry-after");
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(std::stoi(*retry), 3000);  // about an hour: the first of the three is that far from aging out
  EXPECT_EQ(createRoom(bob_, "bobs").status, 201);  // a quota per user
}

TEST_F(QuotaTest, TheDistinctReactionOverTheLimitIsRefused) {
  start({"--max-reactions", "2"});
  ChatClient a(port(), "ann");
  a.connect(ann_.token);
  a.join(kLobby);
  const int64_t id = a.sendMessage(kLobby, "react").integer("id").value_or(0);
  auto react = [&](ChatClient& as, const std::string& emoji) {
    return as.call("react", R"("room_id":1,"id":)" + std::to_string(id) + R"(,"emoji":")" + emoji + "\"");
  };
  EXPECT_EQ(react(a, "a").type(), "reaction_added");
  EXPECT_EQ(react(a, "b").type(), "reaction_added");
  const Json over = react(a, "c");
  EXPECT_EQ(over.type(), "error") << over;
  EXPECT_EQ(over.string("code"), "too_many_reactions") << over;
  EXPECT_EQ(react(a, "a").type(), "reaction_removed");  // taking one back is always allowed

  ChatClient b(port(), "bob");
  b.connect(bob_.token);
  b.join(kLobby);
  EXPECT_EQ(react(b, "c").type(), "reaction_added");  // bob has his own limit
  const Json page = a.call("history", R"("room_id":1)");
  EXPECT_EQ(page.size("messages.0.reactions"), 2u) << page;  // b, c
}

TEST_F(QuotaTest, TheSessionOverTheLimitIsClosedAndOthersStillConnect) {
  start({"--max-sessions-per-user", "2"});
  ChatClient tab1(port(), "ann/tab1");
  ChatClient tab2(port(), "ann/tab2");
  EXPECT_EQ(tab1.connect(ann_.token).type(), "welcome");
  EXPECT_EQ(tab2.connect(ann_.token).type(), "welcome");
  ChatClient tab3(port(), "ann/tab3");
  ASSERT_EQ(tab3.upgrade(ann_.token).status, 101);
  const Json refused = tab3.next();
  EXPECT_EQ(refused.string("code"), "too_many_sessions") << refused;
  const auto close = tab3.expectClose();
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(close->code, 4029);

  ChatClient bob(port(), "bob");
  EXPECT_EQ(bob.connect(bob_.token).type(), "welcome");  // other users are not held back
  EXPECT_EQ(tab1.call("ping").type(), "pong");          // nor ann's open sessions
  ASSERT_TRUE(tab1.hangUp());
  ChatClient again(port(), "ann/again");
  EXPECT_EQ(again.connect(ann_.token).type(), "welcome");  // a slot freed is a slot again
}

TEST_F(QuotaTest, SessionsOfOneUserShareOneMessageBudget) {
  // A bucket of 4 that refills once in 100 s: the test never sees a refill.
  start({"--rate", "0.01", "--burst", "4"});
  ChatClient tab1(port(), "ann/tab1");
  ChatClient tab2(port(), "ann/tab2");
  tab1.connect(ann_.token);
  tab2.connect(ann_.token);
  EXPECT_EQ(tab1.join(kLobby).type(), "joined");
  EXPECT_EQ(tab2.join(kLobby).type(), "joined");
  EXPECT_EQ(tab1.sendMessage(kLobby, "one").type(), "ack");
  EXPECT_EQ(tab2.sendMessage(kLobby, "two").type(), "ack");  // four spent, two per tab
  const Json over = tab2.sendMessage(kLobby, "three");
  EXPECT_EQ(over.string("code"), "rate_limited") << over;
  EXPECT_EQ(tab1.sendMessage(kLobby, "four").string("code"), "rate_limited");
  // HTTP posts spend the same budget.
  const HttpReply post = call(ann_, "POST", "/api/v1/rooms/1/messages", R"({"content":"by http"})");
  EXPECT_EQ(post.status, 429) << post.body;

  ChatClient bob(port(), "bob");
  bob.connect(bob_.token);
  EXPECT_EQ(bob.join(kLobby).type(), "joined");
  EXPECT_EQ(bob.sendMessage(kLobby, "mine").type(), "ack");  // bob's budget is his own
}

TEST_F(QuotaTest, RegistrationsFromOneAddressAreThrottled) {
  start({"--registrations-per-hour", "3"});  // ann and bob used two
  signUp(port(), "carol");
  const HttpReply over =
      httpCall(port(), "POST", "/api/v1/register", R"({"username":"dave","password":"correct-horse"})");
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_EQ(Json(over.body).string("error.code"), "rate_limited") << over.body;
  const auto retry = over.header("retry-after");
  ASSERT_TRUE(retry.has_value());
  EXPECT_GE(std::stoi(*retry), 1000);  // one registration refills in 20 minutes
  // Signing in is not registering: the accounts made still log in.
  const std::string carol = R"({"username":"carol","password":"correct-horse"})";
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/login", carol).status, 200);
}

}  // namespace
}  // namespace chatd::testing
