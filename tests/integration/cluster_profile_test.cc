// Issue 16, profiles in a cluster (chatd --redis): a nickname and avatar set
// through one node are what the other nodes read; the user's sessions on
// another node name them anew once the user connects there again.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/cluster_fixture.h"
#include "tests/integration/files_fixture.h"

namespace chatd::testing {
namespace {

class ClusterProfileTest : public ClusterFixture {};

TEST_F(ClusterProfileTest, AnotherNodeNamesTheUserAnewFromTheirNextConnectionThere) {
  startNodes(2);
  TwoNodes two = annOnAAndBobOnB(/*inLobby=*/true);
  ChatClient annOnB(port(1), "ann@b");
  EXPECT_EQ(annOnB.connect(two.ann.token).type(), "welcome");
  EXPECT_EQ(annOnB.join(kLobby).type(), "joined");
  annOnB.drain();
  two.bobOnB->drain();

  const std::string picture = jsonField(
      httpCall(port(0), "POST", "/api/v1/files?name=me.png", kPng,
               "Authorization: Bearer " + two.ann.token + "\r\nContent-Type: image/png\r\n").body,
      "id");
  ASSERT_FALSE(picture.empty());
  const HttpReply patched = httpCallAs(two.ann.token, port(0), "PATCH", "/api/v1/me",
                                       R"({"nickname":"Annie","avatar_file_id":")" + picture + R"("})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  // Every node reads the new profile.
  const Json me(httpCallAs(two.ann.token, port(1), "GET", "/api/v1/me").body);
  EXPECT_EQ(me.string("user.nickname"), "Annie");
  EXPECT_EQ(me.string("user.avatar_url"), "/avatars/" + picture);

  // A new connection to node 1 renames the session already open there too.
  ChatClient again(port(1), "ann@b2");
  EXPECT_EQ(again.connect(two.ann.token).type(), "welcome");
  EXPECT_EQ(annOnB.sendMessage(kLobby, "from b", "b1").type(), "ack");
  const Json heard = two.bobOnB->expect("message");
  EXPECT_EQ(heard.string("data.user.nickname"), "Annie") << heard;
  EXPECT_EQ(heard.string("data.user.avatar_url"), "/avatars/" + picture) << heard;
}

}  // namespace
}  // namespace chatd::testing
