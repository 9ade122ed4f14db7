// --history-max through real sockets: a chatd (SQLite, then a Redis node)
// that keeps each room's newest N messages answers history pages, over the
// WebSocket and HTTP, that start at the room's first kept seq and say so
// (first_seq), an empty page (not an error) before it, and a resume from a
// trimmed seq that says what it did not replay (messages_trimmed).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/cluster_fixture.h"

namespace chatd::testing {
namespace {

// Ann posts "m1".."m<count>" to the lobby; the seq of each ack is checked.
void postMessages(ChatClient& ann, int count) {
  for (int i = 1; i <= count; ++i) {
    ASSERT_EQ(ann.sendMessage(kLobby, "m" + std::to_string(i), "c" + std::to_string(i)).integer("seq"), i);
  }
}

std::vector<int64_t> seqsOf(const Json& page) {
  std::vector<int64_t> seqs;
  for (const Json& message : page.items("messages")) {
    const int64_t seq = message.integer("seq").value_or(-1);
    EXPECT_EQ(message.string("content"), "m" + std::to_string(seq));
    seqs.push_back(seq);
  }
  return seqs;
}

std::vector<int64_t> range(int64_t first, int64_t last) {
  std::vector<int64_t> out;
  for (int64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

// The lobby of the chatd at `port` holds seqs firstSeq..lastSeq: the history
// answers of both protocols say so, and a resume from `since` (< firstSeq - 1)
// hears which ones were trimmed before the replay.
void expectTrimmedLobby(int port, ChatClient& ann, const std::string& annToken, int64_t firstSeq, int64_t lastSeq,
                        int64_t since) {
  const Json newest = ann.call("history", R"("room_id":1,"limit":100)");
  ASSERT_EQ(newest.type(), "history") << newest;
  EXPECT_EQ(seqsOf(newest), range(firstSeq, lastSeq));
  EXPECT_EQ(newest.integer("first_seq"), firstSeq);
  EXPECT_EQ(newest.boolean("has_more"), false);
  const Json older = ann.call("history", R"("room_id":1,"before":)" + std::to_string(firstSeq));
  ASSERT_EQ(older.type(), "history") << older;
  EXPECT_EQ(older.size("messages"), 0u);
  EXPECT_EQ(older.integer("first_seq"), firstSeq);
  EXPECT_EQ(older.boolean("has_more"), false);

  const HttpReply page = httpCallAs(annToken, port, "GET", "/api/v1/rooms/1/messages?before=3");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Json(page.body).size("messages"), 0u);
  EXPECT_EQ(Json(page.body).integer("first_seq"), firstSeq);
  const HttpReply resumed = httpCallAs(annToken, port, "GET", "/api/v1/rooms/1/messages?after=1&limit=2");
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(seqsOf(Json(resumed.body)), range(firstSeq, firstSeq + 1));

  const Account bob = signUp(port, "bob");
  ChatClient b(port, "bob");
  b.connect(bob.token);
  b.send(R"({"type":"join_room","room_id":1,"since":)" + std::to_string(since) + "}");
  EXPECT_EQ(b.expectNext("joined").integer("last_seq"), lastSeq);
  const Json trimmed = b.expectNext("messages_trimmed");
  EXPECT_EQ(trimmed.integer("room_id"), kLobby);
  EXPECT_EQ(trimmed.integer("data.from_seq"), since + 1);
  EXPECT_EQ(trimmed.integer("data.to_seq"), firstSeq - 1);
  for (int64_t seq = firstSeq; seq <= lastSeq; ++seq) EXPECT_EQ(b.expectNext("message").integer("data.seq"), seq);
  b.expectNext("online_users");
}

TEST(HistoryMax, TheEmbeddedStoreTrimsAndHistorySaysWhereARoomStarts) {
  // 16: trimmed at every second append (SqliteStore::trimEvery), so after
  // the even seq 40 the room holds exactly 25..40.
  ChatdProcess chatd(chatdArgs({"--history-max", "16", "--rate", "0"}));
  const Account ann = signUp(chatd.port(), "ann");
  ChatClient a(chatd.port(), "ann");
  a.connect(ann.token);
  a.join(kLobby);
  postMessages(a, 40);
  expectTrimmedLobby(chatd.port(), a, ann.token, 25, 40, 3);
  // A resume within the kept ones is a plain replay.
  ChatClient tab(chatd.port(), "ann/tab2");
  tab.connect(ann.token);
  tab.send(R"({"type":"join_room","room_id":1,"since":37})");
  tab.expectNext("joined");
  for (int64_t seq = 38; seq <= 40; ++seq) EXPECT_EQ(tab.expectNext("message").integer("data.seq"), seq);
  tab.expectNext("online_users");
}

class HistoryMaxCluster : public ClusterFixture {};

TEST_F(HistoryMaxCluster, ARedisNodeTrimsAtEveryAppend) {
  startNode({"--history-max", "4"});
  const Account ann = signUp(port(0), "ann");
  ChatClient a(port(0), "ann");
  a.connect(ann.token);
  a.join(kLobby);
  postMessages(a, 10);
  expectTrimmedLobby(port(0), a, ann.token, 7, 10, 1);
}

}  // namespace
}  // namespace chatd::testing
