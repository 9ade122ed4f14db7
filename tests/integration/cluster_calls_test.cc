// Calls across a cluster (two chatd nodes on one real redis-server): the
// callee's sessions ring on both nodes, the one that accepts has the call and
// the other node's stop ringing, the signals cross between the nodes to the
// two sessions in the call, and a callee in a call on one node is busy for a
// caller on the other. Skipped where redis-server is not installed.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/integration/cluster_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

class ClusterCallsTest : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    if (IsSkipped()) return;
    startNodes(2);
  }
  std::unique_ptr<ChatClient> tab(size_t node, const Account& account, const std::string& name) {
    auto client = std::make_unique<ChatClient>(port(node), name);
    EXPECT_EQ(client->connect(account.token).type(), "welcome");
    return client;
  }
  std::string directRoom(const Account& a, const Account& b) {
    const HttpReply opened = httpCallAs(a.token, port(0), "POST", "/api/v1/direct/" + b.id);
    EXPECT_LT(opened.status, 300) << opened.body;
    return std::to_string(Json(opened.body).integer("room.id").value_or(0));
  }
  static std::string id(const std::string& callId) { return R"("call_id":")" + callId + "\""; }
};

TEST_F(ClusterCallsTest, BothNodesRingTheOneThatAnswersHasTheCallAndSignalsCrossBetweenThem) {
  const Account ann = signUp(port(0), "ann");
  const Account bob = signUp(port(0), "bob");
  const std::string room = directRoom(ann, bob);
  const auto annOnA = tab(0, ann, "ann@a");
  const auto bobOnA = tab(0, bob, "bob@a");
  const auto bobOnB = tab(1, bob, "bob@b");

  const Json invited = annOnA->call("call_invite", R"("room_id":)" + room + R"(,"media":"video")");
  const std::string call = invited.string("data.call_id").value_or("");
  ASSERT_EQ(call.size(), 32u) << invited;
  EXPECT_EQ(bobOnA->expect("call_invite").string("data.call_id"), call);
  EXPECT_EQ(bobOnB->expect("call_invite").string("data.from.username"), "ann");

  ASSERT_TRUE(bobOnB->send(R"({"type":"call_accept",)" + id(call) + "}"));
  EXPECT_EQ(annOnA->expect("call_accept").string("data.call_id"), call);
  EXPECT_EQ(bobOnA->expect("call_cancelled").string("data.reason"), "answered_elsewhere");

  ASSERT_TRUE(annOnA->send(R"({"type":"call_offer",)" + id(call) + R"(,"sdp":"offer from a"})"));
  EXPECT_EQ(bobOnB->expect("call_offer").string("data.sdp"), "offer from a");
  ASSERT_TRUE(bobOnB->send(R"({"type":"call_answer",)" + id(call) + R"(,"sdp":"answer from b"})"));
  EXPECT_EQ(annOnA->expect("call_answer").string("data.sdp"), "answer from b");
  ASSERT_TRUE(bobOnB->send(R"({"type":"call_ice",)" + id(call) + R"(,"candidate":{"candidate":"c","sdpMid":"0"}})"));
  EXPECT_EQ(annOnA->expect("call_ice").string("data.candidate.candidate"), "c");

  // carl, on node A, calls bob, who is in a call on node B: B answers busy.
  // Node A, which knows of no call of bob's, rang his tab there meanwhile:
  // it stops at once (docs/protocol.md says so).
  const Account carl = signUp(port(0), "carl");
  const std::string carlAndBob = directRoom(carl, bob);
  const auto carlOnA = tab(0, carl, "carl@a");
  const std::string second = carlOnA->call("call_invite", R"("room_id":)" + carlAndBob).string("data.call_id").value_or("");
  EXPECT_EQ(carlOnA->expect("call_busy").string("data.call_id"), second);
  EXPECT_EQ(bobOnA->expect("call_cancelled").string("data.reason"), "busy");
  for (const Json& frame : bobOnB->drain()) {
    EXPECT_NE(frame.type(), "call_invite") << "bob's tab in the call does not ring: " << frame;
  }

  ASSERT_TRUE(bobOnB->send(R"({"type":"call_hangup",)" + id(call) + "}"));
  EXPECT_EQ(annOnA->expect("call_hangup").string("data.reason"), "hung_up");
  // Only the calls' logs (carl's busy one, ann's completed one) follow there.
  for (const Json& frame : bobOnA->drain()) {
    EXPECT_EQ(frame.type().rfind("call_", 0), std::string::npos) << "no signal for bob's tab on A: " << frame;
  }
}

}  // namespace
}  // namespace chatd::testing
