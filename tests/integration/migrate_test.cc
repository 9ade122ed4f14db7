// chatd --migrate-to: an embedded server's database, filled through the HTTP
// API and the WebSocket, copied into a throwaway redis-server; the exit
// status and summary, the refusal of a second run, the failures an operator
// may meet, and the keys themselves read with a blocking hiredis client.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/DataDir.h"
#include "tests/support/JwtSigning.h"
#include "tests/support/Subprocess.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {
namespace {

using store::test::RedisServer;

constexpr const char* kPrefix = "old:";

ProcessResult migrate(const std::string& dataDir, const std::string& url) {
  return runProcess({ChatdProcess::binary(), "--data", dataDir, "--migrate-to", url, "--redis-prefix", kPrefix},
                    30'000);
}

int exitCode(const ProcessResult& result) { return WIFEXITED(result.status) ? WEXITSTATUS(result.status) : -1; }

// The secret chatd generated into `dataDir`, without its newline.
std::string secretIn(const std::string& dataDir) {
  std::ifstream file(dataDir + "/jwt.secret");
  std::string secret;
  std::getline(file, secret);
  return secret;
}

// What the embedded server held when it stopped.
struct Populated {
  Account ann, bob, carol;
  int64_t team = 0;     // private: ann owns it, bob is an admin, carol a member
  int64_t direct = 0;   // ann and bob
  int64_t firstId = 0;  // ann's first message in team (seq 1), with reactions
  int64_t editedId = 0, deletedId = 0;  // seqs 2 and 3
  std::string revokedToken;  // carol's second login, logged out
  // What the embedded server answered to reads (token, path) before it
  // stopped, to be answered the same by a node on the copy.
  std::vector<std::pair<std::string, std::string>> reads;
  std::vector<std::string> answers;
};

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(data_.path().empty());
    ASSERT_TRUE(redis_.ready());
    ChatdProcess chatd({"--data", data_.path(), "--argon2-memory", "1024"});
    populate(chatd.port());
    ASSERT_EQ(chatd.stop(SIGTERM), 0);
    // Read back once everything is stored, the sessions' ends (last seen) included.
    ChatdProcess restarted({"--data", data_.path(), "--argon2-memory", "1024"});
    recordAnswers(restarted.port());
    ASSERT_EQ(restarted.stop(SIGTERM), 0);
  }

  void populate(int port) {
    Populated& p = populated_;
    p.ann = signUp(port, "Ann");
    p.bob = signUp(port, "bob");
    p.carol = signUp(port, "carol");
    HttpReply reply = httpCallAs(p.ann.token, port, "POST", "/api/v1/rooms",
                                 R"({"name":"team","kind":"private","topic":"plans"})");
    ASSERT_EQ(reply.status, 201) << reply.body;
    p.team = std::stoll(jsonField(reply.body, "id"));
    const std::string members = "/api/v1/rooms/" + std::to_string(p.team) + "/members";
    ASSERT_EQ(httpCallAs(p.ann.token, port, "POST", members, R"({"user_id":)" + p.bob.id + R"(,"role":"admin"})")
                  .status, 201);
    ASSERT_EQ(httpCallAs(p.ann.token, port, "POST", members, R"({"user_id":)" + p.carol.id + "}").status, 201);
    reply = httpCallAs(p.ann.token, port, "POST", "/api/v1/direct/" + p.bob.id);
    ASSERT_EQ(reply.status, 201) << reply.body;
    p.direct = std::stoll(jsonField(reply.body, "id"));

    ChatClient ann(port, "ann"), bob(port, "bob"), carol(port, "carol");
    ann.connect(p.ann.token);
    bob.connect(p.bob.token);
    carol.connect(p.carol.token);
    for (ChatClient* client : {&ann, &bob, &carol}) ASSERT_EQ(client->join(p.team).type(), "joined");
    const std::vector<std::string> contents = {"first", "to edit", "to delete", "fourth", "fifth"};
    std::vector<int64_t> ids;
    for (size_t i = 0; i < contents.size(); ++i) {
      const Json ack = ann.sendMessage(p.team, contents[i], "c" + std::to_string(i));
      ASSERT_EQ(ack.type(), "ack") << ack;
      ASSERT_EQ(ack.integer("seq"), static_cast<int64_t>(i + 1)) << ack;
      ids.push_back(*ack.integer("id"));
    }
    p.firstId = ids[0];
    p.editedId = ids[1];
    p.deletedId = ids[2];
    const std::string inTeam = R"("room_id":)" + std::to_string(p.team);
    auto on = [&](int64_t id) { return inTeam + R"(,"id":)" + std::to_string(id); };
    ASSERT_EQ(bob.call("react", on(p.firstId) + R"(,"emoji":"+1")").type(), "reaction_added");
    ASSERT_EQ(carol.call("react", on(p.firstId) + R"(,"emoji":"+1")").type(), "reaction_added");
    ASSERT_EQ(ann.call("react", on(p.firstId) + R"(,"emoji":"tada")").type(), "reaction_added");
    ASSERT_EQ(ann.call("edit", on(p.editedId) + R"(,"content":"edited")").type(), "message_edited");
    ASSERT_EQ(ann.call("delete", on(p.deletedId)).type(), "message_deleted");
    const Json read = bob.call("read", inTeam + R"(,"seq":4)");
    ASSERT_NE(read.type(), "error") << read;
    ASSERT_EQ(ann.sendMessage(p.direct, "psst", "d1").type(), "ack");
    ASSERT_EQ(bob.join(1).type(), "joined");
    ASSERT_EQ(bob.sendMessage(1, "hello lobby").type(), "ack");

    reply = httpCall(port, "POST", "/api/v1/login", R"({"username":"carol","password":"correct-horse"})");
    ASSERT_EQ(reply.status, 200) << reply.body;
    p.revokedToken = jsonField(reply.body, "token");
    ASSERT_EQ(httpCallAs(p.revokedToken, port, "POST", "/api/v1/logout").status, 204);

    // An app backend's user, known by its token's subject (user 4).
    const int64_t exp = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count() + 3600;
    const std::string appToken =
        hsToken(kHs256Header, R"({"sub":"app-7","name":"Zed","exp":)" + std::to_string(exp) + "}",
                secretIn(data_.path()));
    reply = httpCallAs(appToken, port, "GET", "/api/v1/me");
    ASSERT_EQ(reply.status, 200) << reply.body;

    const std::string history = "/messages?after=0&limit=100";
    p.reads = {{p.ann.token, "/api/v1/rooms/" + std::to_string(p.team) + history},
               {p.ann.token, "/api/v1/rooms/" + std::to_string(p.direct) + history},
               {p.bob.token, "/api/v1/rooms/1" + history},
               {p.bob.token, "/api/v1/rooms"},
               {p.ann.token, "/api/v1/rooms/" + std::to_string(p.team) + "/members"}};
  }

  // What the embedded server answers to populate()'s reads.
  void recordAnswers(int port) {
    Populated& p = populated_;
    for (const auto& [token, path] : p.reads) {
      const HttpReply reply = httpCallAs(token, port, "GET", path);
      ASSERT_EQ(reply.status, 200) << path << ": " << reply.body;
      p.answers.push_back(reply.body);
    }
  }

  // A blocking client of the target Redis; each reply freed by its owner.
  struct Reply {
    std::unique_ptr<redisReply, void (*)(void*)> reply{nullptr, freeReplyObject};
    redisReply* operator->() const { return reply.get(); }
    std::string text() const { return reply && reply->type == REDIS_REPLY_STRING ? reply->str : ""; }
  };
  Reply command(const std::vector<std::string>& args) {
    if (!redis_context_) redis_context_.reset(redisConnect("127.0.0.1", redis_.port()));
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    Reply reply;
    reply.reply.reset(static_cast<redisReply*>(
        redisCommandArgv(redis_context_.get(), static_cast<int>(args.size()), argv.data(), lengths.data())));
    EXPECT_TRUE(reply.reply) << "no answer to " << args[0];
    return reply;
  }
  std::string key(const std::string& rest) { return kPrefix + rest; }
  std::string roomKey(int64_t room, const std::string& part) {
    return key("room:" + std::to_string(room) + ":" + part);
  }
  // The message record at `seq` of `room`, unpacked by Redis's own cmsgpack.
  Reply record(int64_t room, int64_t seq) {
    return command({"EVAL", "return cmsgpack.unpack(redis.call('HGET', KEYS[1], ARGV[1]))", "1",
                    roomKey(room, "log"), std::to_string(seq)});
  }

  DataDir data_;
  RedisServer redis_;
  std::unique_ptr<redisContext, void (*)(redisContext*)> redis_context_{nullptr, redisFree};
  Populated populated_;
};

TEST_F(MigrateTest, CopiesEverythingVerifiesTheCountsAndRefusesASecondRun) {
  const ProcessResult first = migrate(data_.path(), redis_.url());
  ASSERT_EQ(exitCode(first), 0) << first.output;
  // 4 users (one from an app token); the lobby, team and the direct room; 1 + 3 + 2 memberships in
  // them; 1 + 5 + 1 messages; 3 reactions; one logout.
  for (const char* count : {"users 4 (external 1)", "rooms 3 (public 1, direct 1)", "memberships 6 ", "messages 7",
                            "reactions 3", "revoked tokens 1", "jwt secret copied"}) {
    EXPECT_NE(first.output.find(count), std::string::npos) << count << " in:\n" << first.output;
  }

  const ProcessResult second = migrate(data_.path(), redis_.url());
  EXPECT_EQ(exitCode(second), 1) << second.output;
  EXPECT_NE(second.output.find("not empty"), std::string::npos) << second.output;
}

TEST_F(MigrateTest, WritesTheKeyLayoutAndRecordsOfRedisKeys) {
  ASSERT_EQ(exitCode(migrate(data_.path(), redis_.url())), 0);
  const Populated& p = populated_;

  EXPECT_EQ(command({"GET", key("user:next")}).text(), "4");
  EXPECT_EQ(command({"GET", key("room:next")}).text(), std::to_string(p.direct));
  EXPECT_EQ(command({"GET", key("msg:next")}).text(), "7");
  EXPECT_EQ(command({"HGET", key("usernames"), "ann"}).text(), p.ann.id);
  EXPECT_EQ(command({"HLEN", key("usernames")})->integer, 3);  // not the app's user
  EXPECT_EQ(command({"HGET", key("external"), "app-7"}).text(), "4");
  EXPECT_EQ(command({"HGET", key("user:4"), "username"}).text(), "Zed#4");
  EXPECT_EQ(command({"HGET", key("user:" + p.ann.id), "username"}).text(), "Ann");
  EXPECT_EQ(command({"HGET", key("user:" + p.ann.id), "password_hash"}).text().rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(command({"ZCARD", key("revoked")})->integer, 1);
  EXPECT_EQ(command({"GET", key("jwt-secret")}).text(), secretIn(data_.path()));

  const std::string team = key("room:" + std::to_string(p.team));
  EXPECT_EQ(command({"HGET", team, "kind"}).text(), "private");
  EXPECT_EQ(command({"HGET", team, "topic"}).text(), "plans");
  EXPECT_EQ(command({"HGET", team, "last_seq"}).text(), "5");
  EXPECT_EQ(command({"ZSCORE", key("rooms:public"), "1"}).text(), "1");
  EXPECT_EQ(command({"ZSCORE", key("rooms:public"), std::to_string(p.team)})->type, REDIS_REPLY_NIL);
  EXPECT_EQ(command({"HGET", roomKey(p.team, "roles"), p.ann.id}).text(), "3");    // owner
  EXPECT_EQ(command({"HGET", roomKey(p.team, "roles"), p.bob.id}).text(), "2");    // admin
  EXPECT_EQ(command({"HGET", roomKey(p.team, "roles"), p.carol.id}).text(), "1");  // member
  EXPECT_EQ(command({"ZCARD", roomKey(p.team, "joined")})->integer, 3);
  const std::string paddedBob = std::string(20 - p.bob.id.size(), '0') + p.bob.id;
  EXPECT_EQ(command({"ZSCORE", roomKey(p.team, "joined"), paddedBob})->type, REDIS_REPLY_STRING);
  EXPECT_EQ(command({"HGET", roomKey(p.team, "reads"), p.bob.id}).text(), "4");
  EXPECT_EQ(command({"ZSCORE", key("user:" + p.carol.id + ":rooms"), std::to_string(p.team)}).text(),
            std::to_string(p.team));
  EXPECT_EQ(command({"ZSCORE", key("user:" + p.ann.id + ":created"), std::to_string(p.team)})->type,
            REDIS_REPLY_STRING);
  const std::string pair = p.ann.id + ":" + p.bob.id;
  EXPECT_EQ(command({"HGET", key("direct"), pair}).text(), std::to_string(p.direct));
  EXPECT_EQ(command({"HGET", key("room:" + std::to_string(p.direct)), "direct"}).text(), pair);
  EXPECT_EQ(command({"HGET", roomKey(p.team, "ids"), std::to_string(p.editedId)}).text(), "2");
  EXPECT_EQ(command({"HGET", roomKey(p.team, "clients"), p.ann.id + ":c4"}).text(), "5");

  // [id, sender_id, kind, content, client_id, created_at, edited_at, deleted, details]
  const Reply first = record(p.team, 1);
  ASSERT_EQ(first->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(first->elements, 9u);
  EXPECT_EQ(first->element[0]->integer, p.firstId);
  EXPECT_EQ(std::to_string(first->element[1]->integer), p.ann.id);
  EXPECT_STREQ(first->element[2]->str, "text");
  EXPECT_STREQ(first->element[3]->str, "first");
  EXPECT_STREQ(first->element[4]->str, "c0");
  EXPECT_GT(first->element[5]->integer, 1'700'000'000'000);
  EXPECT_EQ(first->element[6]->integer, 0);
  EXPECT_EQ(first->element[7]->integer, 0);
  const Reply edited = record(p.team, 2);
  ASSERT_EQ(edited->elements, 9u);
  EXPECT_STREQ(edited->element[3]->str, "edited");
  EXPECT_GE(edited->element[6]->integer, edited->element[5]->integer);
  const Reply deleted = record(p.team, 3);
  ASSERT_EQ(deleted->elements, 9u);
  EXPECT_STREQ(deleted->element[3]->str, "");
  EXPECT_EQ(deleted->element[7]->integer, 1);

  // {emoji: [user id, ...]}, the users in the order they reacted.
  const Reply plusOne = command({"EVAL", "return cmsgpack.unpack(redis.call('HGET', KEYS[1], ARGV[1]))[ARGV[2]]", "1",
                                 roomKey(p.team, "reactions"), std::to_string(p.firstId), "+1"});
  ASSERT_EQ(plusOne->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(plusOne->elements, 2u);
  EXPECT_EQ(std::to_string(plusOne->element[0]->integer), p.bob.id);
  EXPECT_EQ(std::to_string(plusOne->element[1]->integer), p.carol.id);
}

TEST_F(MigrateTest, FailsClearlyWithoutADatabaseOrARedis) {
  DataDir empty;
  const ProcessResult noDatabase = migrate(empty.path(), redis_.url());
  EXPECT_EQ(exitCode(noDatabase), 1) << noDatabase.output;
  EXPECT_NE(noDatabase.output.find("chatd.db"), std::string::npos) << noDatabase.output;
  EXPECT_FALSE(std::filesystem::exists(empty.path() + "/chatd.db"));  // not created by the attempt
  EXPECT_EQ(command({"DBSIZE"})->integer, 0);

  const ProcessResult noRedis = migrate(data_.path(), "redis://127.0.0.1:" + std::to_string(store::test::freePort()));
  EXPECT_EQ(exitCode(noRedis), 1) << noRedis.output;
  EXPECT_NE(noRedis.output.find("redis"), std::string::npos) << noRedis.output;
}

// The end-to-end check: a cluster node on the copy serves what the embedded
// server did, to the same tokens.
TEST_F(MigrateTest, ARedisNodeServesTheCopyAsTheEmbeddedServerDid) {
  ASSERT_EQ(exitCode(migrate(data_.path(), redis_.url())), 0);
  const Populated& p = populated_;
  DataDir nodeData;  // nothing of the embedded server's: only the secret the cluster holds in Redis
  ChatdProcess node({"--redis", redis_.url(), "--redis-prefix", kPrefix, "--data", nodeData.path(), "--jwt-secret",
                     command({"GET", key("jwt-secret")}).text(), "--argon2-memory", "1024"});
  const int port = node.port();

  for (size_t i = 0; i < p.reads.size(); ++i) {
    const HttpReply reply = httpCallAs(p.reads[i].first, port, "GET", p.reads[i].second);
    EXPECT_EQ(reply.status, 200) << p.reads[i].second << ": " << reply.body;
    EXPECT_EQ(reply.body, p.answers[i]) << p.reads[i].second;
  }
  const HttpReply login = httpCall(port, "POST", "/api/v1/login", R"({"username":"ann","password":"correct-horse"})");
  EXPECT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(httpCallAs(p.carol.token, port, "GET", "/api/v1/me").status, 200);  // an old token
  EXPECT_EQ(httpCallAs(p.revokedToken, port, "GET", "/api/v1/me").status, 401);

  // New writes continue the counters: the team's next seq, the next ids.
  ChatClient ann(port, "ann");
  ann.connect(p.ann.token);
  ASSERT_EQ(ann.join(p.team).type(), "joined");
  const Json ack = ann.sendMessage(p.team, "after the move", "c0");  // a resend of seq 1's client id
  EXPECT_EQ(ack.integer("seq"), 1) << ack;
  const Json fresh = ann.sendMessage(p.team, "after the move", "c9");
  EXPECT_EQ(fresh.integer("seq"), 6) << fresh;
  EXPECT_EQ(fresh.integer("id"), 8) << fresh;
  EXPECT_EQ(signUp(port, "dave").id, "5");
}

TEST_F(MigrateTest, AttachmentsMoveWithTheirMessagesAndStayReadableByTheRoom) {
  DataDir mine;
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(100, 'p');
  Account ann, bob;
  std::string room, file;
  {
    ChatdProcess embedded({"--data", mine.path(), "--argon2-memory", "1024"});
    ann = signUp(embedded.port(), "ann");
    bob = signUp(embedded.port(), "bob");
    room = jsonField(httpCallAs(ann.token, embedded.port(), "POST", "/api/v1/rooms",
                                R"({"name":"den","kind":"private"})").body, "id");
    ASSERT_EQ(httpCallAs(ann.token, embedded.port(), "POST", "/api/v1/rooms/" + room + "/members",
                         R"({"user_id":)" + bob.id + "}").status, 201);
    file = jsonField(httpCall(embedded.port(), "POST", "/api/v1/files?name=cat.png", png,
                              "Authorization: Bearer " + ann.token + "\r\nContent-Type: image/png\r\n").body, "id");
    const HttpReply posted = httpCallAs(ann.token, embedded.port(), "POST", "/api/v1/rooms/" + room + "/messages",
                                        R"({"kind":"image","attachments":[{"file_id":")" + file + R"("}]})");
    ASSERT_EQ(posted.status, 201) << posted.body;
    ASSERT_EQ(embedded.stop(SIGTERM), 0);
  }
  ASSERT_EQ(exitCode(migrate(mine.path(), redis_.url())), 0);
  EXPECT_EQ(command({"HGET", key("file:" + file), "refs"}).text(), "1");
  // The node shares the embedded server's files directory, as a cluster shares its storage.
  ChatdProcess node({"--redis", redis_.url(), "--redis-prefix", kPrefix, "--data", mine.path(), "--jwt-secret",
                     command({"GET", key("jwt-secret")}).text(), "--argon2-memory", "1024"});
  const HttpReply history = httpCallAs(bob.token, node.port(), "GET", "/api/v1/rooms/" + room + "/messages");
  EXPECT_EQ(Json(history.body).string("messages.0.attachments.0.file_id"), file) << history.body;
  const HttpReply download = httpCallAs(bob.token, node.port(), "GET", "/files/" + file);
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, png);
  const Account carl = signUp(node.port(), "carl");
  EXPECT_EQ(httpCallAs(carl.token, node.port(), "GET", "/files/" + file).status, 404);
}

}  // namespace
}  // namespace chatd::testing
