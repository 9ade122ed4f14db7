// Webhooks against a real receiver (tests/support/WebhookReceiver): each
// event POSTed with its body and headers, signed so that the receiver's own
// HMAC agrees; message.created naming the members without a live session;
// a 500 retried with the same event id; a receiver that hangs costs chat
// nothing and the queue stays bounded.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/TestCertificates.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WebhookReceiver.h"

namespace chatd::testing {
namespace {

constexpr const char* kSecret = WebhookReceiver::kSecret;

// The receiver's check, written from the documentation, not from chatd's code.
std::string hmacHex(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

class WebhooksTest : public ::testing::Test {
 protected:
  // chatd with the receiver as its webhook URL, and `extra` flags.
  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--argon2-memory", "1024", "--registrations-per-hour", "1000"};
    const std::vector<std::string> hooks = receiver_.chatdArgs();
    args.insert(args.end(), hooks.begin(), hooks.end());
    args.insert(args.end(), extra.begin(), extra.end());
    chatd_ = std::make_unique<ChatdProcess>(args);
  }
  int port() const { return chatd_->port(); }
  Account signUp(const std::string& name) { return testing::signUp(port(), name); }
  std::string createPublicRoom(const Account& owner) {
    const HttpReply reply = httpCallAs(owner.token, port(), "POST", "/api/v1/rooms", R"({"name":"hooks","kind":"public"})");
    EXPECT_EQ(reply.status, 201) << reply.body;
    return jsonField(reply.body, "id");
  }
  // The next `type` event after the first `skip`, as JSON; fails the test when none comes.
  Json event(const std::string& type, size_t skip = 0, int timeoutMs = 5000) {
    const auto request = receiver_.waitForEvent(type, timeoutMs, skip);
    EXPECT_TRUE(request) << "no " << type << " event";
    return request ? Json(request->body) : Json();
  }

  WebhookReceiver receiver_;
  std::unique_ptr<ChatdProcess> chatd_;
};

TEST_F(WebhooksTest, MessageCreatedIsSignedAndNamesTheMembersWithoutALiveSession) {
  start();
  const Account alice = signUp("alice"), bob = signUp("bob"), carol = signUp("carol");
  const int64_t room = std::stoll(createPublicRoom(alice));
  ChatClient aliceChat(port(), "alice"), carolChat(port(), "carol");
  aliceChat.connect(alice.token);
  ASSERT_EQ(aliceChat.join(room).type(), "joined");
  carolChat.connect(carol.token);
  ASSERT_EQ(carolChat.join(room).type(), "joined");  // carol becomes a member, online
  ASSERT_EQ(httpCallAs(bob.token, port(), "POST", "/api/v1/rooms/" + std::to_string(room) + "/join").status, 200);

  const Json ack = aliceChat.sendMessage(room, "hello hooks");
  ASSERT_EQ(ack.type(), "ack") << ack;
  const auto request = receiver_.waitForEvent("message.created");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->target, "/hooks");
  EXPECT_EQ(request->header("content-type"), "application/json");

  // X-Chatd-Signature: t=UNIX_SECONDS,v1=HMAC-SHA256(secret, "t." + body), lowercase hex.
  const std::string signature(request->header("x-chatd-signature").value_or(""));
  const size_t comma = signature.find(",v1=");
  ASSERT_TRUE(signature.starts_with("t=") && comma != std::string::npos) << signature;
  const std::string t = signature.substr(2, comma - 2);
  EXPECT_NEAR(std::stoll(t), static_cast<long long>(std::time(nullptr)), 30);
  EXPECT_EQ(signature.substr(comma + 4), hmacHex(kSecret, t + "." + request->body));
  EXPECT_NE(signature.substr(comma + 4), hmacHex("another secret", t + "." + request->body));

  const Json body(request->body);
  ASSERT_TRUE(body.ok()) << request->body;
  EXPECT_TRUE(body.string("id").value_or("").starts_with("evt_")) << body;
  EXPECT_EQ(body.type(), "message.created");
  EXPECT_GT(body.integer("created_at").value_or(0), 0);
  EXPECT_EQ(body.integer("data.room_id"), room);
  // The message as clients receive it.
  EXPECT_EQ(body.string("data.message.type"), "message");
  EXPECT_EQ(body.string("data.message.data.content"), "hello hooks");
  EXPECT_EQ(body.integer("data.message.data.id"), ack.integer("id"));
  EXPECT_EQ(body.integer("data.message.data.seq"), ack.integer("seq"));
  // alice and carol have a session in the room; bob is a member with none.
  const std::vector<Json> offline = body.items("data.offline_user_ids");
  ASSERT_EQ(offline.size(), 1u) << body;
  EXPECT_EQ(offline[0].text(), bob.id);
  EXPECT_EQ(body.boolean("data.offline_truncated"), false);

  // carol hangs up: the next message names her too.
  ASSERT_TRUE(carolChat.hangUp());
  ASSERT_TRUE(receiver_.waitForEvent("user.offline"));
  ASSERT_EQ(aliceChat.sendMessage(room, "again").type(), "ack");
  const Json second = event("message.created", 1);
  std::vector<std::string> ids;
  for (const Json& id : second.items("data.offline_user_ids")) ids.push_back(id.text());
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected{bob.id, carol.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected) << second;
  EXPECT_EQ(metricValue(port(), "chatd_webhook_events_total{result=\"delivered\"}") >= 2, true);
}

TEST_F(WebhooksTest, MembersJoiningAndLeavingAndUsersComingOnlineAndGoingOffline) {
  start();
  const Account alice = signUp("alice"), bob = signUp("bob");
  const std::string room = createPublicRoom(alice);
  ChatClient bobChat(port(), "bob");
  bobChat.connect(bob.token);
  ASSERT_EQ(bobChat.join(std::stoll(room)).type(), "joined");

  // alice is the owner (created with the room); bob joined: one member.joined, his.
  const Json joined = event("member.joined");
  EXPECT_EQ(joined.integer("data.room_id"), std::stoll(room));
  EXPECT_EQ(joined.integer("data.user_id"), std::stoll(bob.id));
  // Online on the server, not in a room: his first session's news only.
  const Json online = event("user.online");
  EXPECT_EQ(online.integer("data.user_id"), std::stoll(bob.id));
  EXPECT_FALSE(online.has("data.room_id")) << online;
  ChatClient bobTab(port(), "bob's second tab");
  bobTab.connect(bob.token);
  ASSERT_TRUE(bobTab.hangUp());
  ASSERT_TRUE(bobChat.hangUp());
  const Json offline = event("user.offline");
  EXPECT_EQ(offline.integer("data.user_id"), std::stoll(bob.id));
  EXPECT_EQ(receiver_.eventsOfType("user.online"), 1u) << "a second tab is no news";
  EXPECT_EQ(receiver_.eventsOfType("user.offline"), 1u) << "nor is closing the first of two";

  ASSERT_EQ(httpCallAs(bob.token, port(), "POST", "/api/v1/rooms/" + room + "/leave").status, 200);
  const Json left = event("member.left");
  EXPECT_EQ(left.integer("data.user_id"), std::stoll(bob.id));
  EXPECT_EQ(left.integer("data.room_id"), std::stoll(room));

  // Every event has an id of its own, and the header names its type.
  std::set<std::string> ids;
  for (const proto::HttpRequest& request : receiver_.requests()) {
    const Json body(request.body);
    EXPECT_EQ(request.header("x-chatd-event"), body.type());
    ids.insert(body.string("id").value_or(""));
  }
  EXPECT_EQ(ids.size(), receiver_.requests().size());
}

TEST_F(WebhooksTest, AnEventAnswered500IsRetriedWithTheSameId) {
  receiver_.answer(WebhookReceiver::Answer::kServerError);
  start();
  const Account alice = signUp("alice");
  const std::string room = createPublicRoom(alice);
  ChatClient chat(port(), "alice");
  chat.connect(alice.token);
  ASSERT_EQ(chat.join(std::stoll(room)).type(), "joined");
  ASSERT_EQ(chat.sendMessage(std::stoll(room), "retry me").type(), "ack");

  // Events go out in order, one at a time: the first (alice online in the
  // room) is tried again after the backoff (1 s + jitter), the same event.
  ASSERT_TRUE(eventually([&] { return receiver_.requests().size() >= 2; }, 5000));
  const std::vector<proto::HttpRequest> attempts = receiver_.requests();
  EXPECT_EQ(attempts[1].header("x-chatd-event"), attempts[0].header("x-chatd-event"));
  EXPECT_EQ(Json(attempts[1].body).string("id"), Json(attempts[0].body).string("id"));
  EXPECT_EQ(attempts[1].body, attempts[0].body) << "the body is the same on every attempt";
  receiver_.answer(WebhookReceiver::Answer::kOk);
  const Json message = event("message.created", 0, 10000);  // after the second backoff (2 s + jitter)
  EXPECT_EQ(message.string("data.message.data.content"), "retry me");
  EXPECT_TRUE(eventually([&] { return metricValue(port(), "chatd_webhook_events_total{result=\"delivered\"}") >= 2; },
                         5000));
  EXPECT_GE(metricValue(port(), "chatd_webhook_retries_total"), 1);
  EXPECT_EQ(metricValue(port(), "chatd_webhook_events_total{result=\"failed\"}"), 0);
}

TEST_F(WebhooksTest, AKeptAliveConnectionTheReceiverClosedIsReplacedWithoutARetry) {
  receiver_.answer(WebhookReceiver::Answer::kCloseKeptAlive);
  start();
  const Account alice = signUp("alice");
  const std::string room = createPublicRoom(alice);
  for (const char* name : {"bob", "carol", "dave"}) {
    const Account member = signUp(name);
    ASSERT_EQ(httpCallAs(member.token, port(), "POST", "/api/v1/rooms/" + room + "/join").status, 200);
    ASSERT_TRUE(receiver_.waitForEvent("member.joined", 5000, 0));
  }
  // Each join after the first found its connection closed as it was sent, and went again at once.
  EXPECT_TRUE(eventually([&] { return metricValue(port(), "chatd_webhook_events_total{result=\"delivered\"}") == 3; }));
  EXPECT_EQ(metricValue(port(), "chatd_webhook_retries_total"), 0) << chatd_->log();
  EXPECT_GE(receiver_.connectionsAccepted(), 3u);
}

TEST_F(WebhooksTest, AHangingReceiverTimesOutWhileTheQueueStaysBoundedAndChatGoesOn) {
  receiver_.answer(WebhookReceiver::Answer::kHang);
  start({"--webhook-timeout", "1", "--webhook-queue", "5", "--rate", "0"});
  const Account alice = signUp("alice");
  const int64_t room = std::stoll(createPublicRoom(alice));
  ChatClient chat(port(), "alice");
  chat.connect(alice.token);
  ASSERT_EQ(chat.join(room).type(), "joined");
  int64_t slowestMs = 0;
  for (int i = 0; i < 40; ++i) {
    const Stopwatch watch;
    const Json ack = chat.sendMessage(room, "message " + std::to_string(i));
    ASSERT_EQ(ack.type(), "ack") << ack;
    slowestMs = std::max(slowestMs, watch.elapsedMs());
  }
  EXPECT_LT(slowestMs, 500) << "a message round trip waited for the webhook";
  EXPECT_TRUE(eventually([&] { return metricValue(port(), "chatd_webhook_events_total{result=\"dropped\"}") > 0; }));
  EXPECT_LE(metricValue(port(), "chatd_webhook_queue"), 5);
  // The attempt in flight timed out after 1 s: its connection was closed and a new one made for the retry.
  EXPECT_TRUE(eventually([&] { return receiver_.connectionsAccepted() >= 2; }, 5000));
  EXPECT_GE(metricValue(port(), "chatd_webhook_retries_total"), 1);
  EXPECT_NE(chatd_->log().find("webhook queue full"), std::string::npos) << chatd_->log();

  // Once the receiver answers, the event in flight goes, then the newest
  // ones: a full queue pushed out the oldest waiting.
  receiver_.answer(WebhookReceiver::Answer::kOk);
  ASSERT_TRUE(eventually([&] { return metricValue(port(), "chatd_webhook_queue") == 0; }, 15000));
  std::vector<std::string> delivered;
  for (const proto::HttpRequest& request : receiver_.requests()) {
    if (request.header("x-chatd-event") == "message.created") {
      delivered.push_back(Json(request.body).string("data.message.data.content").value_or("?"));
    }
  }
  const std::vector<std::string> newest{"message 36", "message 37", "message 38", "message 39"};
  ASSERT_GE(delivered.size(), newest.size());
  EXPECT_EQ(std::vector<std::string>(delivered.end() - 4, delivered.end()), newest);
  EXPECT_EQ(std::count(delivered.begin(), delivered.end(), "message 0"), 0) << "the oldest was dropped";
}

TEST_F(WebhooksTest, AGroupReadableSecretFileIsWarnedAbout) {
  start();
  // start() made it 0600: no warning.
  EXPECT_EQ(chatd_->log().find("webhook-secret-file"), std::string::npos) << chatd_->log();
  chatd_.reset();
  ::chmod(receiver_.secretFile().c_str(), 0644);
  chatd_ = std::make_unique<ChatdProcess>(receiver_.chatdArgs());
  EXPECT_NE(chatd_->log().find(receiver_.secretFile() + " holds a secret but its mode 0644 lets every local user read it"),
            std::string::npos)
      << chatd_->log();
}

// Over https://, a receiver whose CA --webhook-ca-file names gets the events;
// with the system's CAs (which do not vouch for it), none reach it.
TEST(WebhooksOverTls, DeliveredToAReceiverTheCaFileVouchesForAndNoOtherwise) {
  TestCertificates certificates;
  ASSERT_TRUE(certificates.ok()) << certificates.error();
  const CertificatePair pair = certificates.issue("receiver", 2);
  WebhookReceiver receiver(&pair);
  std::vector<std::string> args = receiver.chatdArgs();
  args.insert(args.end(), {"--webhook-ca-file", certificates.caFile()});
  {
    ChatdProcess chatd(args);
    const Account ann = signUp(chatd.port(), "ann");
    ASSERT_EQ(httpCallAs(ann.token, chatd.port(), "POST", "/api/v1/rooms/1/join").status, 200);
    const auto request = receiver.waitForEvent("member.joined");
    ASSERT_TRUE(request) << chatd.log();
    const Json body(request->body);
    EXPECT_EQ(body.integer("data.user_id"), std::stoll(ann.id));
    const std::string signature(request->header("x-chatd-signature").value_or(""));
    const size_t comma = signature.find(",v1=");
    ASSERT_NE(comma, std::string::npos) << signature;
    EXPECT_EQ(signature.substr(comma + 4), hmacHex(kSecret, signature.substr(2, comma - 2) + "." + request->body));
  }
  const size_t before = receiver.requests().size();
  ChatdProcess untrusting(receiver.chatdArgs());
  const Account bob = signUp(untrusting.port(), "bob");
  ASSERT_EQ(httpCallAs(bob.token, untrusting.port(), "POST", "/api/v1/rooms/1/join").status, 200);
  EXPECT_TRUE(eventually([&] { return metricValue(untrusting.port(), "chatd_webhook_retries_total") >= 1; }, 5000));
  EXPECT_EQ(receiver.requests().size(), before) << "a receiver no trusted CA vouches for got an event";
}

}  // namespace
}  // namespace chatd::testing
