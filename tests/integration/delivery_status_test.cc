// Delivery status against a real chatd: `received` watermarks reach the
// other members, and acks, history pages (WebSocket and HTTP) carry how many
// members other than the sender received and read each message.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {

namespace {

using Counts = std::vector<std::pair<int64_t, int64_t>>;

// (delivered_count, read_count) of each message of a page.
Counts countsOf(const Json& page) {
  Counts out;
  for (const Json& m : page.items("messages")) {
    out.emplace_back(m.integer("delivered_count").value_or(-1), m.integer("read_count").value_or(-1));
  }
  return out;
}

std::string mark(const std::string& room, int64_t seq) {
  return R"("room_id":)" + room + R"(,"seq":)" + std::to_string(seq);
}

class DeliveryStatus : public RoomFixture {
 protected:
  // A session of `account`, authenticated, nothing left to read.
  std::unique_ptr<ChatClient> online(const Account& account, const std::string& name) {
    auto client = std::make_unique<ChatClient>(port(), name);
    EXPECT_EQ(client->connect(account.token).type(), "welcome");
    return client;
  }
  Counts httpCounts(const Account& as, const std::string& room) {
    const HttpReply page = call(as, "GET", "/api/v1/rooms/" + room + "/messages");
    EXPECT_EQ(page.status, 200) << page.body;
    return countsOf(Json(page.body));
  }

  const Account ann_ = signUp("ann");
  const Account bob_ = signUp("bob");
};

TEST_F(DeliveryStatus, ADirectRoomGoesFromNotDeliveredToDeliveredToRead) {
  const std::string room = jsonField(call(ann_, "POST", "/api/v1/direct/" + bob_.id).body, "id");
  auto ann = online(ann_, "ann");
  auto bob = online(bob_, "bob");
  ASSERT_EQ(bob->join(std::stoll(room)).type(), "joined");
  bob->drain();
  const Json ack = ann->sendMessage(std::stoll(room), "hi bob");
  ASSERT_EQ(ack.type(), "ack") << ack;
  EXPECT_EQ(ack.integer("delivered_count"), 0);
  EXPECT_EQ(ack.integer("read_count"), 0);
  const Json heard = bob->expect("message");
  EXPECT_EQ(heard.integer("data.delivered_count"), 0);
  EXPECT_EQ(httpCounts(ann_, room), (Counts{{0, 0}}));

  const Json receipt = bob->call("received", mark(room, 1));
  EXPECT_EQ(receipt.type(), "received") << receipt;
  EXPECT_EQ(receipt.integer("data.seq"), 1);
  const Json event = ann->expect("received");
  EXPECT_EQ(std::to_string(event.integer("data.user_id").value_or(0)), bob_.id);
  EXPECT_EQ(event.integer("data.seq"), 1);
  EXPECT_FALSE(event.has("ref"));
  EXPECT_EQ(countsOf(ann->call("history", R"("room_id":)" + room)), (Counts{{1, 0}}));

  EXPECT_EQ(bob->call("read", mark(room, 1)).type(), "read");
  EXPECT_EQ(ann->expect("read").integer("data.seq"), 1);
  EXPECT_EQ(httpCounts(ann_, room), (Counts{{1, 1}}));
}

TEST_F(DeliveryStatus, AGroupOfFiveCountsEachMemberAndReadingImpliesReceipt) {
  const std::string room = createRoom(ann_, "five", "private");
  std::vector<Account> others{bob_, signUp("cat"), signUp("dan"), signUp("eve")};
  std::vector<std::unique_ptr<ChatClient>> sessions;
  for (const Account& member : others) {
    ASSERT_EQ(setRole(ann_, room, member, "member").status, 201);
    sessions.push_back(online(member, "member" + member.id));
  }
  auto ann = online(ann_, "ann");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(ann->sendMessage(std::stoll(room), "m" + std::to_string(i)).type(), "ack");

  EXPECT_EQ(sessions[0]->call("received", mark(room, 3)).integer("data.seq"), 3);
  EXPECT_EQ(sessions[1]->call("received", mark(room, 2)).integer("data.seq"), 2);
  EXPECT_EQ(sessions[2]->call("read", mark(room, 1)).integer("data.seq"), 1);  // received 1 too
  EXPECT_EQ(sessions[2]->call("received", mark(room, 0)).integer("data.seq"), 1) << "reading 1 received it";
  EXPECT_EQ(httpCounts(ann_, room), (Counts{{3, 1}, {2, 0}, {1, 0}}));
  // Eve's reply: ann posted nothing after, so she has neither received nor read it.
  ASSERT_EQ(sessions[3]->sendMessage(std::stoll(room), "late").type(), "ack");
  EXPECT_EQ(httpCounts(ann_, room), (Counts{{4, 2}, {3, 1}, {2, 1}, {0, 0}}));
}

TEST_F(DeliveryStatus, AReceiptThatMovesNoMarkIsAnsweredButToldToNobody) {
  const std::string room = jsonField(call(ann_, "POST", "/api/v1/direct/" + bob_.id).body, "id");
  auto ann = online(ann_, "ann");
  auto bob = online(bob_, "bob");
  ASSERT_EQ(bob->join(std::stoll(room)).type(), "joined");
  ASSERT_EQ(ann->join(std::stoll(room)).type(), "joined");
  ASSERT_EQ(ann->sendMessage(std::stoll(room), "hi").type(), "ack");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bob->call("received", mark(room, 1)).integer("data.seq"), 1);
  EXPECT_EQ(bob->call("read", mark(room, 1)).integer("data.seq"), 1);
  EXPECT_EQ(bob->call("read", mark(room, 1)).integer("data.seq"), 1);
  std::vector<std::string> heard;
  for (const Json& frame : ann->drain()) {
    if (frame.type() == "received" || frame.type() == "read") heard.push_back(frame.type());
  }
  EXPECT_EQ(heard, (std::vector<std::string>{"received", "read"}));
}

TEST_F(DeliveryStatus, AResumeFromTheStoreCarriesTheCounts) {
  const std::string room = createRoom(ann_, "resume", "private");
  ASSERT_EQ(setRole(ann_, room, bob_, "member").status, 201);
  // Posted over HTTP and marked over HTTP: no session holds the room live.
  ASSERT_EQ(call(ann_, "POST", "/api/v1/rooms/" + room + "/messages", R"({"content":"one"})").status, 201);
  ASSERT_EQ(call(ann_, "POST", "/api/v1/rooms/" + room + "/messages", R"({"content":"two"})").status, 201);
  ASSERT_EQ(call(bob_, "POST", "/api/v1/rooms/" + room + "/read", R"({"seq":1})").status, 200);
  ASSERT_EQ(call(bob_, "POST", "/api/v1/rooms/" + room + "/received", R"({"seq":2})").status, 200);
  auto ann = std::make_unique<ChatClient>(port(), "ann");
  ASSERT_EQ(ann->connect(ann_.token).type(), "welcome");
  const Json joined = ann->call("join_room", R"("room_id":)" + room + R"(,"since":0)");
  ASSERT_EQ(joined.type(), "joined") << joined;
  Counts replayed;
  for (int i = 0; i < 2; ++i) {
    const Json m = ann->expect("message");
    replayed.emplace_back(m.integer("data.delivered_count").value_or(-1), m.integer("data.read_count").value_or(-1));
  }
  EXPECT_EQ(replayed, (Counts{{1, 1}, {1, 0}}));
}

TEST_F(DeliveryStatus, HttpClientsMoveTheirMarksToo) {
  const std::string room = jsonField(call(ann_, "POST", "/api/v1/direct/" + bob_.id).body, "id");
  auto ann = online(ann_, "ann");
  ASSERT_EQ(ann->sendMessage(std::stoll(room), "one").type(), "ack");
  ASSERT_EQ(ann->sendMessage(std::stoll(room), "two").type(), "ack");
  const std::string path = "/api/v1/rooms/" + room;
  const HttpReply received = call(bob_, "POST", path + "/received", R"({"seq":99})");
  EXPECT_EQ(received.status, 200) << received.body;
  EXPECT_EQ(jsonField(received.body, "seq"), "2") << "capped at the room's newest";
  EXPECT_EQ(ann->expect("received").integer("data.seq"), 2);
  const HttpReply read = call(bob_, "POST", path + "/read", R"({"seq":1})");
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(ann->expect("read").integer("data.seq"), 1);
  EXPECT_EQ(httpCounts(ann_, room), (Counts{{1, 1}, {1, 0}}));

  const Account cat = signUp("cat");
  EXPECT_EQ(call(cat, "POST", path + "/received", R"({"seq":1})").status, 403);
  EXPECT_EQ(call(bob_, "POST", path + "/received", R"({"seq":-1})").status, 400);
  EXPECT_EQ(call(bob_, "POST", path + "/received", "{}").status, 400);
}

TEST_F(DeliveryStatus, AnInvalidReceivedIsAnErrorWithItsRef) {
  const std::string room = createRoom(ann_, "mine", "private");
  auto bob = online(bob_, "bob");
  const Json outsider = bob->call("received", mark(room, 1));
  EXPECT_EQ(outsider.type(), "error") << outsider;
  EXPECT_EQ(outsider.string("code"), "not_member");
  EXPECT_TRUE(outsider.has("ref"));
  const Json noRoom = bob->call("received", mark("987654", 1));
  EXPECT_EQ(noRoom.string("code"), "not_member") << noRoom;
  const Json badSeq = bob->call("received", R"("room_id":)" + room + R"(,"seq":-1)");
  EXPECT_EQ(badSeq.string("code"), "bad_request") << badSeq;
  EXPECT_TRUE(badSeq.has("ref"));
  const Json noSeq = bob->call("received", R"("room_id":)" + room);
  EXPECT_EQ(noSeq.string("code"), "bad_request") << noSeq;
}

// Receipts sent while a reader's queue is full are held, the newest per
// user and room, not queued one by one: of a burst of 2000 the reader gets
// at most what fits in half its queue, and the last one is the final mark.
TEST(DeliveryStatusBurst, ReceiptsToACongestedReaderAreConflatedToTheLatest) {
  const int fill = congestingCount(4000);
  constexpr int kReceipts = 2000;
  ChatdProcess chatd(chatdArgs({"--max-queue", "65536", "--stall-timeout", "600", "--rate", "0"}));
  auto poster = lobbyClient(chatd.port(), "poster", false);
  auto reader = lobbyClient(chatd.port(), "reader", true);
  auto receiver = lobbyClient(chatd.port(), "receiver", false);

  ASSERT_EQ(sendMessages(*poster, kLobby, "fill", fill, 4000).size(), static_cast<size_t>(fill));
  for (int seq = 1; seq <= kReceipts; ++seq) {
    ASSERT_TRUE(receiver->send(R"({"type":"received","room_id":1,"seq":)" + std::to_string(seq) + "}"));
    if (seq % 100 == 0) receiver->drain();  // its own answers: its queue stays short
  }
  receiver->drain();  // every receipt handled before the poster's last message
  const std::vector<Json> receipts = ephemeralAfterFill(*poster, *reader, fill, "received");
  ASSERT_FALSE(receipts.empty()) << "the final receipt never arrived";
  // Half the 64 KiB queue holds ~500 of these ~65-byte frames: what goes
  // before the queue is past half; the rest must not pile up behind it.
  EXPECT_LT(receipts.size(), static_cast<size_t>(kReceipts / 2)) << "receipts accumulated for a congested reader";
  EXPECT_EQ(receipts.back().integer("data.seq"), kReceipts) << receipts.back();
  std::cout << "[ receipts ] " << receipts.size() << " of " << kReceipts << " receipts reached the reader\n";
}

}  // namespace
}  // namespace chatd::testing
