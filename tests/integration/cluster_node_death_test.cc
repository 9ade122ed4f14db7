// A node of a cluster killed with SIGKILL under load: it departs nothing, so
// its users' presence entries outlive it until their lease runs out; then a
// survivor announces them left (once), within three leases. Its clients
// resume on a surviving node and miss nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/cluster_fixture.h"

namespace chatd::testing {
namespace {

using ClusterNodeDeathTest = ClusterFixture;

constexpr int kLeaseSeconds = 1;

TEST_F(ClusterNodeDeathTest, AKilledNodesUsersAreAnnouncedLeftWithinThreeLeasesAndResumeElsewhere) {
  const std::vector<std::string> lease = {"--presence-lease", std::to_string(kLeaseSeconds)};
  startNode(lease);
  startNode(lease);
  const Account ann = signUp(port(0), "ann");
  const Account bob = signUp(port(0), "bob");
  ChatClient annOnA(port(0), "ann@a");
  ChatClient bobOnB(port(1), "bob@b");
  ASSERT_EQ(annOnA.connect(ann.token).type(), "welcome");
  ASSERT_EQ(bobOnB.connect(bob.token).type(), "welcome");
  ASSERT_EQ(annOnA.join(kLobby).type(), "joined");
  ASSERT_EQ(bobOnB.join(kLobby).type(), "joined");
  annOnA.drain();
  bobOnB.drain();

  // Under load: ann keeps sending while bob's node dies.
  sendMessages(annOnA, kLobby, "before", 20, 0);
  const Received beforeDeath = readMessages(bobOnB, kLobby, 20);
  ASSERT_EQ(beforeDeath.seqs.size(), 20u);
  const int64_t lastSeen = beforeDeath.seqs.back();
  annOnA.drain();
  const int status = nodes_[1]->stop(SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  const auto killedAt = std::chrono::steady_clock::now();
  sendMessages(annOnA, kLobby, "after", 10, 0);

  // Announced left by the survivor, once, within three leases (plus a second
  // for the sweep's own period and the test's polling).
  const std::vector<Json> untilLeft = annOnA.until("user_left", (3 * kLeaseSeconds + 1) * 1000);
  ASSERT_FALSE(untilLeft.empty());
  EXPECT_EQ(untilLeft.back().integer("data.user.id"), std::stoll(bob.id));
  EXPECT_LE(std::chrono::steady_clock::now() - killedAt, std::chrono::seconds(3 * kLeaseSeconds + 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500 * kLeaseSeconds));
  EXPECT_TRUE(ofType(annOnA.drain(), "user_left").empty()) << "bob was announced left twice";

  // Bob's client resumes on the surviving node from the last seq it saw.
  ChatClient bobOnA(port(0), "bob@a");
  ASSERT_EQ(bobOnA.connect(bob.token).type(), "welcome");
  ASSERT_TRUE(bobOnA.send(R"({"type":"join_room","room_id":1,"since":)" + std::to_string(lastSeen) +
                          R"(,"ref":"j"})"));
  EXPECT_EQ(bobOnA.expect("joined").integer("last_seq"), lastSeen + 10);
  const Received resumed = readMessages(bobOnA, kLobby, 10);
  EXPECT_TRUE(isRun(resumed.seqs, lastSeen + 1, lastSeen + 10));
  // And he is online again for ann.
  EXPECT_EQ(annOnA.expect("user_joined").integer("data.user.id"), std::stoll(bob.id));
}

}  // namespace
}  // namespace chatd::testing
