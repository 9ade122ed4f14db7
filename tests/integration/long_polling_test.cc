// The chat protocol over HTTP long-polling (/api/v1/poll), against a real
// chatd: a poll session is a chat session like a WebSocket's, so it gets the
// welcome, joins, sends, hears messages and typing from WebSocket clients,
// and its messages reach them; a closed session answers 404.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"

namespace chatd::testing {
namespace {

class LongPollingTest : public RoomFixture {
 protected:
  // Opens a poll session for `as`: its id.
  std::string open(const Account& as) {
    const HttpReply opened = call(as, "POST", "/api/v1/poll");
    EXPECT_EQ(opened.status, 201) << opened.body;
    return jsonField(opened.body, "session");
  }
  // Polls until a frame of `type` comes (or `polls` answers without one): the frames seen.
  std::vector<Json> pollUntil(const std::string& session, const std::string& type, int polls = 5) {
    std::vector<Json> seen;
    for (int i = 0; i < polls; ++i) {
      const HttpReply reply = httpCall(port(), "GET", "/api/v1/poll/" + session + "?wait=2");
      EXPECT_EQ(reply.status, 200) << reply.body;
      bool found = false;
      for (const Json& frame : Json(reply.body).items("frames")) {
        seen.push_back(frame);
        found = found || frame.type() == type;
      }
      if (found) return seen;
    }
    ADD_FAILURE() << "no " << type << " frame in " << polls << " polls";
    return seen;
  }
  HttpReply send(const std::string& session, const std::string& json) {
    return httpCall(port(), "POST", "/api/v1/poll/" + session, json, "Content-Type: application/json\r\n");
  }
  static std::optional<Json> last(const std::vector<Json>& frames, const std::string& type) {
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      if (it->type() == type) return *it;
    }
    return std::nullopt;
  }

  const Account ann_ = signUp("ann");
  const Account bob_ = signUp("bob");
};

TEST_F(LongPollingTest, APollSessionSpeaksTheWholeProtocolWithWebSocketClients) {
  const std::string session = open(ann_);
  ASSERT_EQ(session.size(), 32u);
  const std::optional<Json> welcome = last(pollUntil(session, "welcome"), "welcome");
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->string("user.username"), "ann");

  ChatClient bob(port(), "bob");
  ASSERT_EQ(bob.connect(bob_.token).type(), "welcome");
  ASSERT_EQ(bob.join(int64_t{1}).type(), "joined");
  bob.drain();

  EXPECT_EQ(send(session, R"({"type":"join_room","room_id":1,"ref":"j"})").status, 204);
  EXPECT_TRUE(last(pollUntil(session, "joined"), "joined"));
  EXPECT_EQ(send(session, R"({"type":"message","room_id":1,"content":"over http","client_id":"p1","ref":"m"})").status,
            204);
  const std::vector<Json> acked = pollUntil(session, "ack");
  ASSERT_TRUE(last(acked, "ack"));
  EXPECT_EQ(last(acked, "ack")->string("ref"), "m");
  EXPECT_EQ(bob.expect("message").string("data.content"), "over http");

  ASSERT_TRUE(bob.send(R"({"type":"typing","room_id":1})"));
  EXPECT_TRUE(last(pollUntil(session, "typing"), "typing")) << "ephemeral events too";
  EXPECT_EQ(bob.sendMessage(int64_t{1}, "back over the websocket").type(), "ack");
  const std::optional<Json> heard = last(pollUntil(session, "message"), "message");
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->string("data.content"), "back over the websocket");

  // A bad message gets the same error a WebSocket client would.
  EXPECT_EQ(send(session, R"({"type":"nonsense","ref":"x"})").status, 204);
  const std::optional<Json> error = last(pollUntil(session, "error"), "error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->string("code"), "bad_request");

  EXPECT_EQ(httpCall(port(), "DELETE", "/api/v1/poll/" + session).status, 204);
  const HttpReply closed = httpCall(port(), "GET", "/api/v1/poll/" + session + "?wait=1");
  if (closed.status == 200) {
    EXPECT_EQ(Json(closed.body).integer("close.code"), 1000) << closed.body;
  }
  EXPECT_EQ(httpCall(port(), "GET", "/api/v1/poll/" + session + "?wait=1").status, 404);
}

TEST_F(LongPollingTest, ABadTokenIsRefusedAndNoneMeansAnAuthMessageFirst) {
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/poll", {}, "Authorization: Bearer nonsense\r\n").status, 401);
  const HttpReply opened = httpCall(port(), "POST", "/api/v1/poll");
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string session = jsonField(opened.body, "session");
  EXPECT_EQ(send(session, R"({"type":"auth","token":")" + ann_.token + R"("})").status, 204);
  const std::optional<Json> welcome = last(pollUntil(session, "welcome"), "welcome");
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->string("user.username"), "ann");
  EXPECT_EQ(httpCall(port(), "GET", "/api/v1/poll/0123456789abcdef0123456789abcdef").status, 404);
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/poll/0123456789abcdef0123456789abcdef", "{}").status, 404);
}

TEST_F(LongPollingTest, AnEmptyPollWaitsThenAnswersNothing) {
  const std::string session = open(ann_);
  pollUntil(session, "welcome");
  const HttpReply empty = httpCall(port(), "GET", "/api/v1/poll/" + session + "?wait=1");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(Json(empty.body).size("frames"), 0u) << empty.body;
}

// Opening a poll session counts as a WebSocket upgrade, and an open one as a
// connection of the address: polling is no way around the per-address limits.
TEST(LongPollingLimits, OpensCountAsUpgrades) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--upgrades-per-ip-per-minute", "3"});
  const Account ann = signUp(chatd.port(), "ann");
  for (int i = 0; i < 3; ++i) {
    const HttpReply opened = httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/poll");
    ASSERT_EQ(opened.status, 201) << opened.body;
  }
  const HttpReply refused = httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/poll");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_TRUE(refused.header("retry-after").has_value());
}

TEST(LongPollingLimits, OpenSessionsCountAsConnectionsOfTheAddress) {
  // Four per address: the request's own connection and three sessions.
  ChatdProcess chatd({"--argon2-memory", "1024", "--max-connections-per-ip", "4"});
  const Account ann = signUp(chatd.port(), "ann");
  std::vector<std::string> sessions;
  for (int i = 0; i < 3; ++i) {
    const HttpReply opened = httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/poll");
    ASSERT_EQ(opened.status, 201) << i << ": " << opened.body;
    sessions.push_back(jsonField(opened.body, "session"));
  }
  EXPECT_EQ(httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/poll").status, 503);
  EXPECT_EQ(httpCall(chatd.port(), "DELETE", "/api/v1/poll/" + sessions[0]).status, 204);
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {  // the closed one lingers until its close is polled
    httpCall(chatd.port(), "GET", "/api/v1/poll/" + sessions[0] + "?wait=0");
    reopened = httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/poll").status == 201;
  }
  EXPECT_TRUE(reopened) << "a closed session frees its place";
}

}  // namespace
}  // namespace chatd::testing
