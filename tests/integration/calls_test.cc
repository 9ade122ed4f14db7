// Call signalling against a real chatd: an invite rings every session of the
// callee, the first to accept has the call and the others stop ringing;
// offers, answers and candidates reach only the two sessions in the call;
// reject, busy, hang-up, the ring timeout and a closed session each end it,
// telling whom it should; one call relays at most 500 signals;
// bad signals get errors. Of a call only its log is stored: one message of
// kind "call" in the room, with how it ended and how long it lasted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

constexpr std::string_view kIceServers = R"([{"urls":"stun:stun.example.org:3478"}])";
constexpr std::string_view kSdp = "v=0\\r\\no=- 46117 2 IN IP4 127.0.0.1\\r\\n";

class CallsTest : public ::testing::Test {
 protected:
  // A session of `account`, its welcome read.
  std::unique_ptr<ChatClient> tab(const Account& account, const std::string& name) {
    auto client = std::make_unique<ChatClient>(chatd_.port(), name);
    EXPECT_EQ(client->connect(account.token).type(), "welcome");
    return client;
  }
  std::string directRoom(const Account& a, const Account& b) {
    const HttpReply opened = httpCallAs(a.token, chatd_.port(), "POST", "/api/v1/direct/" + b.id);
    EXPECT_LT(opened.status, 300) << opened.body;
    return std::to_string(Json(opened.body).integer("room.id").value_or(0));
  }
  // `caller` invites to `room`; the call's id from the answer.
  static std::string invite(ChatClient& caller, const std::string& room, std::string_view media = "audio") {
    const Json invited = caller.call("call_invite", R"("room_id":)" + room + R"(,"media":")" + std::string(media) + "\"");
    EXPECT_EQ(invited.type(), "call_invite") << invited;
    return invited.string("data.call_id").value_or("");
  }
  static std::string id(const std::string& callId) { return R"("call_id":")" + callId + "\""; }
  // The outcomes of the room's call logs, oldest first, once `count` are stored.
  std::vector<std::string> outcomes(const Account& as, const std::string& room, size_t count) {
    std::vector<std::string> found;
    for (int tries = 0; tries < 50; ++tries) {
      const HttpReply page = httpCallAs(as.token, chatd_.port(), "GET", "/api/v1/rooms/" + room + "/messages");
      found.clear();
      for (const Json& m : Json(page.body).items("messages")) {
        EXPECT_EQ(m.string("kind"), "call") << m;
        found.push_back(m.string("call.outcome").value_or("?"));
      }
      if (found.size() >= count) break;
      usleep(50'000);
    }
    return found;
  }
  // A signal with no answer of its own: sent, and nothing comes back to the sender.
  static void signal(ChatClient& from, std::string_view type, const std::string& fields) {
    ASSERT_TRUE(from.send(R"({"type":")" + std::string(type) + R"(",)" + fields + "}"));
  }

  ChatdProcess chatd_{{"--argon2-memory", "1024", "--registrations-per-hour", "1000", "--call-ring-timeout", "1",
                       "--ice-servers", std::string(kIceServers)}};
  const Account ann_ = signUp(chatd_.port(), "ann");
  const Account bob_ = signUp(chatd_.port(), "bob");
  const std::string room_ = directRoom(ann_, bob_);
};

TEST_F(CallsTest, TheWelcomeCarriesTheIceServers) {
  const auto ann = tab(ann_, "ann");
  ChatClient again(chatd_.port(), "ann again");
  const Json welcome = again.connect(ann_.token);
  EXPECT_EQ(welcome.at("ice_servers").text(), kIceServers) << welcome;
}

TEST_F(CallsTest, TheFirstTabToAcceptHasTheCallAndOnlyItHearsTheSignals) {
  const auto ann = tab(ann_, "ann");
  const auto bobPhone = tab(bob_, "bob's phone");
  const auto bobLaptop = tab(bob_, "bob's laptop");
  const std::string call = invite(*ann, room_, "video");
  for (ChatClient* bob : {bobPhone.get(), bobLaptop.get()}) {
    const Json ring = bob->expect("call_invite");
    EXPECT_EQ(ring.string("data.call_id"), call) << ring;
    EXPECT_EQ(ring.string("data.media"), "video");
    EXPECT_EQ(ring.string("data.from.username"), "ann");
    EXPECT_EQ(ring.integer("room_id"), std::stoll(room_));
  }

  signal(*bobLaptop, "call_accept", id(call));
  EXPECT_EQ(ann->expect("call_accept").string("data.call_id"), call);
  const Json cancelled = bobPhone->expect("call_cancelled");
  EXPECT_EQ(cancelled.string("data.reason"), "answered_elsewhere") << cancelled;
  EXPECT_EQ(bobPhone->call("call_accept", id(call)).string("code"), "not_found") << "the phone rings no more";

  signal(*ann, "call_offer", id(call) + R"(,"sdp":")" + std::string(kSdp) + "\"");
  const Json offer = bobLaptop->expect("call_offer");
  EXPECT_EQ(offer.string("data.sdp"), "v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\n") << offer;
  signal(*bobLaptop, "call_answer", id(call) + R"(,"sdp":"v=0")");
  EXPECT_EQ(ann->expect("call_answer").string("data.sdp"), "v=0");
  signal(*bobLaptop, "call_ice", id(call) + R"(,"candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.1 9 typ host","sdpMid":"0"})");
  EXPECT_EQ(ann->expect("call_ice").string("data.candidate.sdpMid"), "0");

  signal(*ann, "call_hangup", id(call));
  EXPECT_EQ(bobLaptop->expect("call_hangup").string("data.reason"), "hung_up");
  // Every session of both hears the call's log, and nothing more.
  for (ChatClient* client : {ann.get(), bobPhone.get(), bobLaptop.get()}) {
    const Json log = client->expect("message");
    EXPECT_EQ(log.string("data.kind"), "call") << client->name() << ": " << log;
    EXPECT_EQ(log.string("data.call.call_id"), call);
    EXPECT_EQ(log.string("data.call.outcome"), "completed");
    EXPECT_GE(log.integer("data.call.duration_ms").value_or(-1), 0);
    EXPECT_EQ(log.boolean("data.call.video"), true);
    EXPECT_EQ(log.string("data.user.username"), "ann") << "the caller's";
    EXPECT_FALSE(client->tryNext(200).has_value()) << client->name() << " hears nothing more";
  }
  const HttpReply history = httpCallAs(ann_.token, chatd_.port(), "GET", "/api/v1/rooms/" + room_ + "/messages");
  const std::vector<Json> stored = Json(history.body).items("messages");
  ASSERT_EQ(stored.size(), 1u) << "signals are never stored, only the log: " << history.body;
  EXPECT_EQ(stored[0].string("content"), "");
  EXPECT_EQ(history.body.find("46117"), std::string::npos) << "no SDP stored";
  const Json edit = ann->call("edit", R"("room_id":)" + room_ + R"(,"id":)" +
                                          std::to_string(stored[0].integer("id").value_or(0)) + R"(,"content":"no")");
  EXPECT_EQ(edit.string("code"), "forbidden") << "nobody rewrites a call's log: " << edit;
}

TEST_F(CallsTest, ARejectEndsTheCallForTheCallerAndStopsEveryRing) {
  const auto ann = tab(ann_, "ann");
  const auto bobPhone = tab(bob_, "bob's phone");
  const auto bobLaptop = tab(bob_, "bob's laptop");
  const std::string call = invite(*ann, room_);
  bobPhone->expect("call_invite");
  bobLaptop->expect("call_invite");
  signal(*bobPhone, "call_reject", id(call));
  EXPECT_EQ(ann->expect("call_reject").string("data.call_id"), call);
  EXPECT_EQ(bobLaptop->expect("call_cancelled").string("data.reason"), "rejected");
  EXPECT_EQ(outcomes(ann_, room_, 1), std::vector<std::string>{"rejected"});
  // The caller may call again at once.
  EXPECT_EQ(ann->call("call_invite", R"("room_id":)" + room_).type(), "call_invite");
}

TEST_F(CallsTest, ACalleeInAnotherCallIsBusy) {
  const Account carl = signUp(chatd_.port(), "carl");
  const std::string carlAndBob = directRoom(carl, bob_);
  const auto ann = tab(ann_, "ann");
  const auto bob = tab(bob_, "bob");
  const auto carlTab = tab(carl, "carl");
  const std::string call = invite(*ann, room_);
  bob->expect("call_invite");
  signal(*bob, "call_accept", id(call));
  ann->expect("call_accept");

  const std::string second = invite(*carlTab, carlAndBob);
  EXPECT_EQ(carlTab->expect("call_busy").string("data.call_id"), second);
  for (const Json& frame : bob->drain()) {
    EXPECT_NE(frame.type(), "call_invite") << "a busy callee does not ring: " << frame;
  }
  EXPECT_EQ(bob->call("call_invite", R"("room_id":)" + carlAndBob).string("code"), "in_call");
  EXPECT_EQ(outcomes(carl, carlAndBob, 1), std::vector<std::string>{"busy"});
}

TEST_F(CallsTest, AnUnansweredCallRingsOutAndACancelledOneStopsRinging) {
  const auto ann = tab(ann_, "ann");
  const auto bob = tab(bob_, "bob");
  const std::string call = invite(*ann, room_);
  bob->expect("call_invite");
  EXPECT_EQ(ann->expect("call_hangup", 3000).string("data.reason"), "no_answer");  // --call-ring-timeout 1
  EXPECT_EQ(bob->expect("call_cancelled").string("data.reason"), "no_answer");
  EXPECT_EQ(bob->call("call_accept", id(call)).string("code"), "not_found");

  const std::string again = invite(*ann, room_);
  bob->expect("call_invite");
  signal(*ann, "call_hangup", id(again));
  EXPECT_EQ(bob->expect("call_cancelled").string("data.reason"), "cancelled");
  EXPECT_EQ(outcomes(ann_, room_, 2), (std::vector<std::string>{"missed", "missed"}));
}

TEST_F(CallsTest, ASessionThatClosesHangsUpItsCall) {
  const auto ann = tab(ann_, "ann");
  auto bob = tab(bob_, "bob");
  const std::string call = invite(*ann, room_);
  bob->expect("call_invite");
  signal(*bob, "call_accept", id(call));
  ann->expect("call_accept");
  ASSERT_TRUE(bob->hangUp());
  EXPECT_EQ(ann->expect("call_hangup").string("data.reason"), "disconnected");
  EXPECT_EQ(ann->call("call_invite", R"("room_id":)" + room_).type(), "call_invite") << "ann is free again";
}

TEST_F(CallsTest, BadSignalsAreAnsweredWithErrors) {
  const Account carl = signUp(chatd_.port(), "carl");
  const auto ann = tab(ann_, "ann");
  const auto carlTab = tab(carl, "carl");
  const HttpReply group = httpCallAs(ann_.token, chatd_.port(), "POST", "/api/v1/rooms", R"({"name":"g","kind":"public"})");
  const std::string groupRoom = std::to_string(Json(group.body).integer("room.id").value_or(0));
  EXPECT_EQ(ann->call("call_invite", R"("room_id":)" + groupRoom).string("code"), "bad_request");
  EXPECT_EQ(carlTab->call("call_invite", R"("room_id":)" + room_).string("code"), "not_found") << "not carl's room";
  EXPECT_EQ(ann->call("call_invite", R"("room_id":)" + room_ + R"(,"media":"smell")").string("code"), "bad_request");
  EXPECT_EQ(ann->call("call_accept", R"("call_id":"nope")").string("code"), "bad_request");
  EXPECT_EQ(ann->call("call_hangup", id(std::string(32, 'a'))).string("code"), "not_found");

  const std::string call = invite(*ann, room_);
  EXPECT_EQ(ann->call("call_offer", id(call) + R"(,"sdp":"v=0")").string("code"), "bad_request") << "not answered yet";
  EXPECT_EQ(ann->call("call_invite", R"("room_id":)" + room_).string("code"), "in_call");
  EXPECT_EQ(carlTab->call("call_hangup", id(call)).string("code"), "not_found") << "another user's call";
  EXPECT_EQ(ann->call("call_ice", id(call) + R"(,"candidate":"text")").string("code"), "bad_request");
}

// What one call can make chatd relay is bounded (Calls::kMaxRelayed), the
// message budget aside (--rate 0 here).
TEST(CallsBound, OneCallRelaysAtMost500Signals) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--rate", "0"});
  const Account ann = signUp(chatd.port(), "ann");
  const Account bob = signUp(chatd.port(), "bob");
  const HttpReply opened = httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/direct/" + bob.id);
  const std::string room = std::to_string(Json(opened.body).integer("room.id").value_or(0));
  ChatClient annTab(chatd.port(), "ann"), bobTab(chatd.port(), "bob");
  annTab.connect(ann.token);
  bobTab.connect(bob.token);
  const std::string call = annTab.call("call_invite", R"("room_id":)" + room).string("data.call_id").value_or("");
  bobTab.expect("call_invite");
  ASSERT_TRUE(bobTab.send(R"({"type":"call_accept","call_id":")" + call + "\"}"));
  annTab.expect("call_accept");
  const std::string ice = R"({"type":"call_ice","call_id":")" + call + R"(","candidate":{"candidate":"c"}})";
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(annTab.send(ice));
  EXPECT_EQ(annTab.call("call_ice", R"("call_id":")" + call + R"(","candidate":{"candidate":"c"})").string("code"),
            "rate_limited");
  size_t relayed = 0;
  while (auto frame = bobTab.tryNext(500)) relayed += frame->type() == "call_ice";
  EXPECT_EQ(relayed, 500u);
}

}  // namespace
}  // namespace chatd::testing
