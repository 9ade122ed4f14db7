// History over the chat protocol: paging a room of 25 messages backwards
// (before) and forwards (after) with limit and has_more, and resuming a room
// with join_room since=N.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr int64_t kLobby = 1;
constexpr int kMessages = 25;

class ChatHistoryTest : public RoomFixture {
 protected:
  // Ann has posted "m1".."m25" to the lobby (seqs 1..25).
  void SetUp() override {
    ann_ = signUp("ann");
    a_.connect(ann_.token);
    a_.join(kLobby);
    for (int i = 1; i <= kMessages; ++i) {
      const Json ack = a_.sendMessage(kLobby, "m" + std::to_string(i), "c" + std::to_string(i));
      ASSERT_EQ(ack.integer("seq"), i) << ack;
    }
  }

  // The seqs of a history reply, checking each message's content on the way.
  static std::vector<int64_t> seqsOf(const Json& history) {
    std::vector<int64_t> seqs;
    for (const Json& message : history.items("messages")) {
      const int64_t seq = message.integer("seq").value_or(-1);
      EXPECT_EQ(message.string("content"), "m" + std::to_string(seq));
      EXPECT_EQ(message.string("user.username"), "ann");
      seqs.push_back(seq);
    }
    return seqs;
  }
  static std::vector<int64_t> range(int64_t first, int64_t last) {
    std::vector<int64_t> out;
    for (int64_t s = first; s <= last; ++s) out.push_back(s);
    return out;
  }
  Json history(const std::string& fields) { return a_.call("history", R"("room_id":1)" + fields); }

  Account ann_;
  ChatClient a_{port(), "ann"};
};

TEST_F(ChatHistoryTest, PagesBackwardsWithBefore) {
  const Json newest = history(R"(,"limit":10)");
  ASSERT_EQ(newest.type(), "history") << newest;
  EXPECT_EQ(newest.integer("room_id"), kLobby);
  EXPECT_EQ(seqsOf(newest), range(16, 25));  // oldest first
  EXPECT_EQ(newest.boolean("has_more"), true);

  const Json older = history(R"(,"before":16,"limit":10)");
  EXPECT_EQ(seqsOf(older), range(6, 15));
  EXPECT_EQ(older.boolean("has_more"), true);

  const Json oldest = history(R"(,"before":6,"limit":10)");
  EXPECT_EQ(seqsOf(oldest), range(1, 5));
  EXPECT_EQ(oldest.boolean("has_more"), false);

  const Json nothing = history(R"(,"before":1)");
  EXPECT_EQ(nothing.size("messages"), 0u) << nothing;
  EXPECT_EQ(nothing.boolean("has_more"), false);

  // Exactly the rest: no more to fetch.
  const Json exact = history(R"(,"before":11,"limit":10)");
  EXPECT_EQ(seqsOf(exact), range(1, 10));
  EXPECT_EQ(exact.boolean("has_more"), false);
}

TEST_F(ChatHistoryTest, PagesForwardsWithAfter) {
  const Json first = history(R"(,"after":0,"limit":10)");
  EXPECT_EQ(seqsOf(first), range(1, 10));
  EXPECT_EQ(first.boolean("has_more"), true);

  const Json second = history(R"(,"after":10,"limit":10)");
  EXPECT_EQ(seqsOf(second), range(11, 20));
  EXPECT_EQ(second.boolean("has_more"), true);

  const Json last = history(R"(,"after":20,"limit":10)");
  EXPECT_EQ(seqsOf(last), range(21, 25));
  EXPECT_EQ(last.boolean("has_more"), false);

  const Json beyond = history(R"(,"after":25)");
  EXPECT_EQ(beyond.size("messages"), 0u);
  EXPECT_EQ(beyond.boolean("has_more"), false);
}

TEST_F(ChatHistoryTest, DefaultAndClampedLimits) {
  const Json all = history("");
  EXPECT_EQ(seqsOf(all), range(1, 25));  // the default page (50) holds them all
  EXPECT_EQ(all.boolean("has_more"), false);

  const Json one = history(R"(,"limit":0)");  // clamped to 1
  EXPECT_EQ(seqsOf(one), range(25, 25));
  EXPECT_EQ(one.boolean("has_more"), true);

  const Json many = history(R"(,"after":0,"limit":1000)");  // clamped to 100
  EXPECT_EQ(seqsOf(many), range(1, 25));

  const Json both = history(R"(,"after":1,"before":5)");
  EXPECT_EQ(both.type(), "error") << both;
  EXPECT_EQ(both.string("code"), "bad_request");
}

TEST_F(ChatHistoryTest, OtherUsersReadThePublicRoomsHistory) {
  const Account bob = signUp("bob");
  ChatClient b(port(), "bob");
  b.connect(bob.token);
  const Json page = b.call("history", R"("room_id":1,"before":4)");
  ASSERT_EQ(page.type(), "history") << page;
  EXPECT_EQ(seqsOf(page), range(1, 3));

  const Json missing = b.call("history", R"("room_id":999)");
  EXPECT_EQ(missing.type(), "error");
  EXPECT_EQ(missing.string("code"), "not_found");
}

TEST_F(ChatHistoryTest, JoinWithSinceReplaysTheRestInOrder) {
  const Account bob = signUp("bob");
  ChatClient b(port(), "bob");
  b.connect(bob.token);
  b.send(R"({"type":"join_room","room_id":1,"since":20,"ref":"j"})");
  const Json joined = b.expectNext("joined");
  EXPECT_EQ(joined.integer("last_seq"), kMessages);
  EXPECT_EQ(joined.string("ref"), "j");
  for (int64_t seq = 21; seq <= kMessages; ++seq) {
    const Json message = b.expectNext("message");
    EXPECT_EQ(message.integer("data.seq"), seq);
    EXPECT_EQ(message.string("data.content"), "m" + std::to_string(seq));
  }
  b.expectNext("online_users");
  EXPECT_TRUE(ofType(b.drain(), "message").empty());

  // Up to date: nothing replayed.
  ChatClient b2(port(), "bob/tab2");
  b2.connect(bob.token);
  b2.send(R"({"type":"join_room","room_id":1,"since":25})");
  b2.expectNext("joined");
  b2.expectNext("online_users");
}

TEST_F(ChatHistoryTest, SyncResumesSeveralRooms) {
  const std::string other = createRoom(ann_, "other", "public");
  ASSERT_EQ(a_.join(std::stoll(other)).type(), "joined");
  ASSERT_EQ(a_.sendMessage(std::stoll(other), "o1").type(), "ack");
  ASSERT_EQ(a_.sendMessage(std::stoll(other), "o2").type(), "ack");

  ChatClient tab(port(), "ann/tab2");
  tab.connect(ann_.token);
  tab.send(R"({"type":"sync","rooms":{")" + other + R"(":1,"1":23},"ref":"s"})");
  // Room by room, ascending ids: the lobby first.
  EXPECT_EQ(tab.expectNext("joined").integer("room_id"), kLobby);
  EXPECT_EQ(tab.expectNext("message").integer("data.seq"), 24);
  EXPECT_EQ(tab.expectNext("message").integer("data.seq"), 25);
  EXPECT_EQ(tab.expectNext("online_users").integer("room_id"), kLobby);
  EXPECT_EQ(tab.expectNext("joined").integer("room_id"), std::stoll(other));
  const Json o2 = tab.expectNext("message");
  EXPECT_EQ(o2.integer("data.seq"), 2);
  EXPECT_EQ(o2.string("data.content"), "o2");
  tab.expectNext("online_users");
  const Json synced = tab.expectNext("synced");
  EXPECT_EQ(synced.string("ref"), "s");
  EXPECT_EQ(synced.size("rooms"), 2u);
}

}  // namespace
}  // namespace chatd::testing
