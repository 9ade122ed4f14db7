// Chat across the nodes of a cluster (chatd --redis): accounts and tokens
// valid on every node, messages between members on different nodes in one
// seq order without gaps or duplicates, room events, direct messages,
// history and resume from any node, nodes sharing one port.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/cluster_fixture.h"

namespace chatd::testing {
namespace {

class ClusterChatTest : public ClusterFixture {
 protected:
  // A session of a new user (signed up on node 0) on `node`, joined to the lobby.
  std::unique_ptr<ChatClient> lobbyMember(size_t node, const std::string& name) {
    const Account account = signUp(port(0), name);
    auto client = std::make_unique<ChatClient>(port(node), name);
    EXPECT_EQ(client->connect(account.token).type(), "welcome");
    EXPECT_EQ(client->join(kLobby).type(), "joined");
    client->drain();
    return client;
  }
};

TEST_F(ClusterChatTest, RegisteredOnOneNodeLogsInOnAnother) {
  startNodes(2);
  const Account ann = signUp(port(0), "ann");
  const HttpReply login = httpCall(port(1), "POST", "/api/v1/login",
                                   R"({"username":"ann","password":"correct-horse"})");
  ASSERT_EQ(login.status, 200) << login.body;
  // Either node's token works on the other: every node signs with the cluster's secret.
  EXPECT_EQ(httpCallAs(ann.token, port(1), "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(httpCallAs(jsonField(login.body, "token"), port(0), "GET", "/api/v1/me").status, 200);
  ChatClient onB(port(1), "ann@b");
  EXPECT_EQ(onB.connect(ann.token).type(), "welcome");
}

TEST_F(ClusterChatTest, MembersOnDifferentNodesChatBothWays) {
  startNodes(2);
  auto ann = lobbyMember(0, "ann");
  auto bob = lobbyMember(1, "bob");
  for (int round = 0; round < 3; ++round) {
    const Json fromAnn = ann->sendMessage(kLobby, "a" + std::to_string(round));
    ASSERT_EQ(fromAnn.type(), "ack") << fromAnn;
    const Json heardByBob = bob->expect("message");
    EXPECT_EQ(heardByBob.integer("data.seq"), fromAnn.integer("seq"));
    const Json fromBob = bob->sendMessage(kLobby, "b" + std::to_string(round));
    ASSERT_EQ(fromBob.type(), "ack") << fromBob;
    EXPECT_EQ(fromBob.integer("seq"), fromAnn.integer("seq").value_or(0) + 1);
    const Json heardByAnn = ann->expect("message");
    EXPECT_EQ(heardByAnn.integer("data.seq"), fromBob.integer("seq"));
    EXPECT_EQ(heardByAnn.string("data.content"), "b" + std::to_string(round));
  }
  // No copy of their own messages, nothing twice.
  EXPECT_TRUE(ofType(ann->drain(), "message").empty());
  EXPECT_TRUE(ofType(bob->drain(), "message").empty());
}

TEST_F(ClusterChatTest, TwentySendersOverThreeNodesAllSeeOneOrder) {
  constexpr int kSenders = 20;
  constexpr int kEach = 5;
  startNodes(3);
  std::vector<std::unique_ptr<ChatClient>> listeners;
  for (size_t node = 0; node < 3; ++node) listeners.push_back(lobbyMember(node, "listener" + std::to_string(node)));
  std::vector<std::unique_ptr<ChatClient>> senders;
  for (int i = 0; i < kSenders; ++i) senders.push_back(lobbyMember(i % 3, "sender" + std::to_string(i)));
  std::vector<std::thread> threads;
  for (int i = 0; i < kSenders; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kEach; ++n) {
        ChatClient& sender = *senders[i];
        sender.send(messageJson(kLobby, "m", "s" + std::to_string(i) + "-" + std::to_string(n)));
      }
      readAcks(*senders[i], kEach);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (auto& listener : listeners) {
    const Received got = readMessages(*listener, kLobby, kSenders * kEach);
    EXPECT_TRUE(isRun(got.seqs, 1, kSenders * kEach)) << listener->name();
  }
}

TEST_F(ClusterChatTest, TypingReadMarksEditsAndReactionsCrossNodes) {
  startNodes(2);
  auto ann = lobbyMember(0, "ann");
  auto bob = lobbyMember(1, "bob");
  ASSERT_TRUE(ann->send(R"({"type":"typing","room_id":1})"));
  EXPECT_EQ(bob->expect("typing").string("data.user.username"), "ann");
  const Json ack = ann->sendMessage(kLobby, "frist");
  const int64_t id = ack.integer("id").value_or(-1);
  bob->expect("message");
  const std::string target = R"("room_id":1,"id":)" + std::to_string(id);
  EXPECT_EQ(ann->call("edit", target + R"(,"content":"first")").type(), "message_edited");
  const Json edited = bob->expect("message_edited");
  EXPECT_EQ(edited.string("data.content"), "first");
  EXPECT_EQ(bob->call("react", target + R"(,"emoji":"+1")").type(), "reaction_added");
  EXPECT_EQ(ann->expect("reaction_added").integer("data.id"), id);
  EXPECT_EQ(bob->call("read", R"("room_id":1,"seq":1)").type(), "read");
  EXPECT_EQ(ann->expect("read").integer("data.seq"), 1);
  EXPECT_EQ(ann->call("delete", target).type(), "message_deleted");
  EXPECT_EQ(bob->expect("message_deleted").integer("data.id"), id);
}

TEST_F(ClusterChatTest, AReceiptOnOneNodeReachesTheSenderOnAnotherAndCounts) {
  startNodes(2);
  auto ann = lobbyMember(0, "ann");
  auto bob = lobbyMember(1, "bob");
  const Json ack = ann->sendMessage(kLobby, "did you get this?");
  ASSERT_EQ(ack.type(), "ack") << ack;
  EXPECT_EQ(ack.integer("delivered_count"), 0);
  const int64_t seq = ack.integer("seq").value_or(-1);
  bob->expect("message");
  EXPECT_EQ(bob->call("received", R"("room_id":1,"seq":)" + std::to_string(seq)).type(), "received");
  const Json receipt = ann->expect("received");
  EXPECT_EQ(receipt.integer("data.seq"), seq);
  EXPECT_FALSE(receipt.has("ref"));
  const Json page = ann->call("history", R"("room_id":1,"after":)" + std::to_string(seq - 1));
  ASSERT_EQ(page.size("messages"), 1u) << page;
  EXPECT_EQ(page.integer("messages.0.delivered_count"), 1) << page;
  EXPECT_EQ(page.integer("messages.0.read_count"), 0) << page;
}

TEST_F(ClusterChatTest, KickRoomDeletionAndLogoutCrossNodes) {
  startNodes(2);
  const Account olga = signUp(port(0), "olga");
  const Account bob = signUp(port(0), "bob");
  const HttpReply created = httpCallAs(olga.token, port(0), "POST", "/api/v1/rooms", R"({"name":"ops","kind":"public"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string room = jsonField(created.body, "id");
  const int64_t roomId = std::stoll(room);
  ChatClient bobOnB(port(1), "bob@b");
  bobOnB.connect(bob.token);
  ASSERT_EQ(bobOnB.join(roomId).type(), "joined");
  bobOnB.drain();
  EXPECT_EQ(httpCallAs(olga.token, port(0), "DELETE", "/api/v1/rooms/" + room + "/members/" + bob.id).status, 204);
  EXPECT_EQ(bobOnB.expect("left").string("reason"), "membership_ended");

  ChatClient olgaOnB(port(1), "olga@b");
  olgaOnB.connect(olga.token);
  ASSERT_EQ(olgaOnB.join(roomId).type(), "joined");
  olgaOnB.drain();
  EXPECT_EQ(httpCallAs(olga.token, port(0), "DELETE", "/api/v1/rooms/" + room).status, 204);
  EXPECT_EQ(olgaOnB.expect("left").string("reason"), "room_deleted");

  ChatClient bobOnA(port(0), "bob@a");
  bobOnA.connect(bob.token);
  EXPECT_EQ(httpCallAs(bob.token, port(0), "POST", "/api/v1/logout").status, 204);
  for (ChatClient* session : {&bobOnA, &bobOnB}) {
    const auto close = session->expectClose();
    ASSERT_TRUE(close) << session->name();
    EXPECT_EQ(close->code, 4001) << session->name();
  }
}

TEST_F(ClusterChatTest, ADirectMessageReachesAUserOnlyOnTheOtherNode) {
  startNodes(2);
  auto [ann, bob, annOnA, bobOnB] = annOnAAndBobOnB(/*inLobby=*/false);
  const Json ack = annOnA->call("message", R"("to_user_id":)" + bob.id + R"(,"content":"psst")");
  ASSERT_EQ(ack.type(), "ack") << ack;
  const Json joined = bobOnB->expect("joined");
  EXPECT_EQ(joined.integer("room_id"), ack.integer("room_id"));
  const Json message = bobOnB->expect("message");
  EXPECT_EQ(message.string("data.content"), "psst");
  EXPECT_EQ(message.integer("data.seq"), 1);
  // And back, into the room bob's node now watches.
  ASSERT_EQ(bobOnB->sendMessage(ack.integer("room_id").value_or(0), "hi").type(), "ack");
  EXPECT_EQ(annOnA->expect("message").string("data.content"), "hi");
}

TEST_F(ClusterChatTest, HistoryAndResumeFromAnyNode) {
  startNodes(3);
  auto ann = lobbyMember(0, "ann");
  sendMessages(*ann, kLobby, "a", 5, 10);
  const Account bob = signUp(port(0), "bob");
  ChatClient bobOnB(port(1), "bob@b");
  bobOnB.connect(bob.token);
  const Json history = bobOnB.call("history", R"("room_id":1)");
  ASSERT_EQ(history.size("messages"), 5u) << history;
  ChatClient bobOnC(port(2), "bob@c");
  bobOnC.connect(bob.token);
  ASSERT_TRUE(bobOnC.send(R"({"type":"join_room","room_id":1,"since":2,"ref":"j"})"));
  EXPECT_EQ(bobOnC.expect("joined").integer("last_seq"), 5);
  const Received replayed = readMessages(bobOnC, kLobby, 3);
  EXPECT_TRUE(isRun(replayed.seqs, 3, 5));
}

TEST_F(ClusterChatTest, NodesSharingAPortServeChat) {
  startNode({"--reuse-port"});
  // A second node on the first one's port (SO_REUSEPORT): the kernel spreads the connections.
  startNode({"--reuse-port", "--listen", "127.0.0.1:" + std::to_string(port(0))});
  ASSERT_EQ(port(1), port(0));
  std::vector<std::unique_ptr<ChatClient>> members;
  for (int i = 0; i < 8; ++i) members.push_back(lobbyMember(0, "member" + std::to_string(i)));
  ASSERT_EQ(members[0]->sendMessage(kLobby, "to all").type(), "ack");
  for (size_t i = 1; i < members.size(); ++i) {
    EXPECT_EQ(members[i]->expect("message").string("data.content"), "to all") << members[i]->name();
  }
}

}  // namespace
}  // namespace chatd::testing
