// Two chatd nodes on one Redis (a redis-server on a free port, stopped by
// PID): who is online in a room is the same list from either node, whichever
// node a user's session is on. Skipped where redis-server is not installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {
namespace {

// The usernames an online list names, sorted.
std::vector<std::string> listedNames(const Json& list) {
  std::vector<std::string> names;
  for (const Json& user : list.items("users")) names.push_back(user.string("username").value_or("?"));
  std::sort(names.begin(), names.end());
  return names;
}

class ClusterOnlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!store::test::haveRedisServer()) GTEST_SKIP() << "redis-server is not installed";
    redis_ = std::make_unique<store::test::RedisServer>();
    ASSERT_TRUE(redis_->ready()) << "redis-server did not start";
    for (auto& node : nodes_) node = std::make_unique<ChatdProcess>(chatdArgs({"--redis", redis_->url()}));
  }

  int port(size_t node) const { return nodes_[node]->port(); }

  std::unique_ptr<store::test::RedisServer> redis_;
  std::unique_ptr<ChatdProcess> nodes_[2];
};

TEST_F(ClusterOnlineTest, UsersOnTwoNodesInOneRoomEachSeeBothOnline) {
  const Account ann = signUp(port(0), "ann");
  const Account bob = signUp(port(1), "bob");
  const HttpReply created =
      httpCallAs(ann.token, port(0), "POST", "/api/v1/rooms", R"({"name":"across","kind":"public"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t room = std::stoll(jsonField(created.body, "id"));

  ChatClient annTab(port(0), "ann@node1");
  annTab.connect(ann.token);
  annTab.join(room);
  const Json annSees = annTab.expect("online_users");
  EXPECT_EQ(listedNames(annSees.at("data")), std::vector<std::string>{"ann"}) << annSees;

  ChatClient bobTab(port(1), "bob@node2");
  bobTab.connect(bob.token);
  bobTab.join(room);  // a public room: joining makes bob a member
  const Json bobSees = bobTab.expect("online_users");
  EXPECT_EQ(listedNames(bobSees.at("data")), (std::vector<std::string>{"ann", "bob"})) << bobSees;
  EXPECT_EQ(bobSees.integer("data.count"), 2);
  EXPECT_EQ(bobSees.boolean("data.truncated"), false);

  // Ann joins again on her node: the list she gets now has bob, from the other node.
  annTab.join(room);
  const Json annSeesBoth = annTab.expect("online_users");
  EXPECT_EQ(listedNames(annSeesBoth.at("data")), (std::vector<std::string>{"ann", "bob"})) << annSeesBoth;
  EXPECT_EQ(annSeesBoth.integer("data.count"), 2);

  // The HTTP list, from either node (each asked by the user it signed up).
  for (const auto& [node, token] : {std::pair{size_t{0}, ann.token}, std::pair{size_t{1}, bob.token}}) {
    const HttpReply online = httpCallAs(token, port(node), "GET", "/api/v1/rooms/" + std::to_string(room) + "/online");
    ASSERT_EQ(online.status, 200) << online.body;
    EXPECT_EQ(listedNames(Json(online.body)), (std::vector<std::string>{"ann", "bob"})) << "node " << node + 1 << ": " << online.body;
  }

  // Bob leaves the room on his node: soon ann's node no longer lists him
  // (his node's departure and her node's read reach Redis on two connections).
  bobTab.call("leave_room", "\"room_id\":" + std::to_string(room));
  std::vector<std::string> listed;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const HttpReply online = httpCallAs(ann.token, port(0), "GET", "/api/v1/rooms/" + std::to_string(room) + "/online");
    listed = listedNames(Json(online.body));
    if (listed == std::vector<std::string>{"ann"}) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(listed, std::vector<std::string>{"ann"});
}

}  // namespace
}  // namespace chatd::testing
