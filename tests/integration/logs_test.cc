// chatd's log as an operator reads it, from a real chatd's stderr: an access
// line per HTTP request and per chat session end, the auth events with the
// client's address, no credential in any line, floods folded into a line a
// second, and --log-format json lines that parse.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/DataDir.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"

namespace chatd::testing {

namespace {

std::vector<std::string> linesOf(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool hasAll(const std::string& line, const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    if (line.find(part) == std::string::npos) return false;
  }
  return true;
}

// The first line holding every one of `parts`, waiting for it a while: a
// line is written once the answer is out, so it may follow the answer.
std::string awaitLine(const ChatdProcess& chatd, const std::vector<std::string>& parts) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    for (const std::string& line : linesOf(chatd.log())) {
      if (hasAll(line, parts)) return line;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  std::string wanted;
  for (const std::string& part : parts) wanted += " [" + part + "]";
  ADD_FAILURE() << "no log line with" << wanted << "; the log:\n" << chatd.log();
  return {};
}

std::string credentials(const std::string& user, const std::string& password) {
  return R"({"username":")" + user + R"(","password":")" + password + R"("})";
}

// A token with a character of its signature changed: not the last, whose
// padding bits must be zero (changed, the token would be malformed, not forged).
std::string forged(std::string token) {
  char& c = token[token.size() - 2];
  c = c == 'A' ? 'B' : 'A';
  return token;
}

class Logs : public RoomFixture {};

TEST_F(Logs, EveryHttpRequestHasAnAccessLine) {
  ASSERT_EQ(httpCall(port(), "GET", "/healthz?x=1").status, 200);
  const Account ann = signUp("ann");
  ASSERT_EQ(call(ann, "GET", "/api/v1/me").status, 200);
  ASSERT_EQ(httpCall(port(), "GET", "/no/such/path").status, 404);

  const std::string health = awaitLine(chatd_, {"info", "request", "method=GET", "path=\"/healthz?x=1\"", "status=200"});
  EXPECT_TRUE(hasAll(health, {"client=127.0.0.1", "ms=", "bytes="})) << health;
  awaitLine(chatd_, {"request", "method=POST", "path=/api/v1/register", "status=201", "client=127.0.0.1"});
  awaitLine(chatd_, {"request", "method=GET", "path=/api/v1/me", "status=200", "client=127.0.0.1"});
  awaitLine(chatd_, {"request", "method=GET", "path=/no/such/path", "status=404", "client=127.0.0.1"});
}

TEST_F(Logs, TheResponseSizeIsLogged) {
  const HttpReply reply = httpCall(port(), "GET", "/healthz");
  ASSERT_EQ(reply.status, 200);
  const std::string line = awaitLine(chatd_, {"request", "path=/healthz"});
  const size_t at = line.find("bytes=");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stoul(line.substr(at + 6)), reply.body.size()) << "the head counts too: " << line;
}

TEST_F(Logs, AClosedSessionHasAnEndLine) {
  const Account ann = signUp("ann");
  const std::string room = createRoom(ann, "lobby", "public");
  ChatClient client(port(), "ann");
  client.connect(ann.token);
  client.join(std::stoll(room));
  client.sendMessage(std::stoll(room), "hello");
  ASSERT_TRUE(client.hangUp());

  const std::string line = awaitLine(chatd_, {"info", "session end", "user_id=" + ann.id, "user=ann"});
  // In: join_room and the message (a Close is no message).
  EXPECT_TRUE(hasAll(line, {"in=2", "code=1000", "client=127.0.0.1", "ms="})) << line;
  EXPECT_EQ(line.find("out=0"), std::string::npos) << "welcome, joined, ack... went out: " << line;
}

TEST_F(Logs, ADroppedSessionEndsWith1006) {
  const Account ann = signUp("ann");
  ChatClient client(port(), "ann");
  client.connect(ann.token, TokenIn::kBearer);
  client.close();
  awaitLine(chatd_, {"session end", "user=ann", "code=1006", "reason=\"connection dropped\""});
}

TEST_F(Logs, AuthEventsNameTheUserAndTheClient) {
  const Account ann = signUp("ann");
  awaitLine(chatd_, {"info", "registered", "user=ann", "user_id=" + ann.id, "client=127.0.0.1"});

  const HttpReply login = httpCall(port(), "POST", "/api/v1/login", credentials("ann", "correct-horse"));
  ASSERT_EQ(login.status, 200);
  awaitLine(chatd_, {"info", "login", "user=ann", "user_id=" + ann.id, "client=127.0.0.1"});

  ASSERT_EQ(httpCall(port(), "POST", "/api/v1/login", credentials("ann", "wrong-guess")).status, 401);
  awaitLine(chatd_, {"warn", "login failed", "user=ann", "client=127.0.0.1"});

  const std::string token = jsonField(login.body, "token");
  ASSERT_EQ(httpCallAs(token, port(), "POST", "/api/v1/logout").status, 204);
  awaitLine(chatd_, {"info", "logout", "user_id=" + ann.id, "client=127.0.0.1"});
}

TEST_F(Logs, RefusedTokensSayWhereAndWhy) {
  const Account ann = signUp("ann");
  ASSERT_EQ(httpCallAs(forged(ann.token), port(), "GET", "/api/v1/me").status, 401);
  awaitLine(chatd_, {"warn", "token refused", "where=api", "reason=\"bad token signature\"", "client=127.0.0.1"});

  ASSERT_EQ(httpCallAs(ann.token, port(), "POST", "/api/v1/logout").status, 204);
  ChatClient upgrade(port(), "upgrade");
  ASSERT_EQ(upgrade.upgrade(ann.token).status, 401);
  awaitLine(chatd_, {"token refused", "where=\"websocket upgrade\"", "reason=\"token revoked (logged out)\""});

  ChatClient authMessage(port(), "auth");
  ASSERT_EQ(authMessage.upgrade().status, 101);
  authMessage.send(R"({"type":"auth","token":)" + jsonQuote(forged(ann.token)) + "}");
  authMessage.expectClose();
  awaitLine(chatd_, {"token refused", "where=\"websocket auth\"", "reason=\"bad token signature\""});
}

TEST_F(Logs, ThrottledLoginsAreLogged) {
  signUp("ann");
  int status = 0;
  for (int i = 0; i < 10 && status != 429; ++i) {
    status = httpCall(port(), "POST", "/api/v1/login", credentials("ann", "guess-" + std::to_string(i))).status;
  }
  ASSERT_EQ(status, 429);
  awaitLine(chatd_, {"warn", "login throttled", "user=ann", "retry_after=", "client=127.0.0.1"});
}

TEST_F(Logs, NoLineHoldsATokenOrAPassword) {
  const std::string password = "correct-horse";  // room_fixture's
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  ASSERT_EQ(httpCall(port(), "GET", "/api/v1/me?token=" + ann.token).status, 401);  // the API wants the header
  ASSERT_EQ(httpCall(port(), "GET", "/healthz?sig=" + bob.token + "&token=" + ann.token).status, 200);
  const HttpReply login = httpCall(port(), "POST", "/api/v1/login", credentials("ann", password));
  ASSERT_EQ(login.status, 200);
  const std::string loginToken = jsonField(login.body, "token");
  {
    ChatClient query(port(), "query");
    query.connect(ann.token, TokenIn::kQuery);
    ChatClient header(port(), "header");
    header.connect(bob.token, TokenIn::kBearer);
    ChatClient message(port(), "message");
    message.connectWithAuthMessage(loginToken);
    message.send(R"({"type":"auth","token":)" + jsonQuote(forged(loginToken)) + "}");
    message.next();
    ChatClient refused(port(), "refused");
    EXPECT_EQ(refused.upgrade(forged(bob.token), TokenIn::kBearer).status, 401);
    query.hangUp();
    header.hangUp();
    message.hangUp();
  }
  ASSERT_EQ(httpCallAs(loginToken, port(), "POST", "/api/v1/logout").status, 204);
  ASSERT_EQ(httpCall(port(), "POST", "/api/v1/login", credentials("bob", "wrong-" + password)).status, 401);
  awaitLine(chatd_, {"logout"});
  awaitLine(chatd_, {"session end", "user=bob"});

  const std::string log = chatd_.log();
  for (const std::string& secret : {ann.token, bob.token, loginToken, forged(loginToken), forged(bob.token)}) {
    // A token's signature alone would do as much harm as the whole.
    const std::string signature = secret.substr(secret.rfind('.') + 1);
    EXPECT_EQ(log.find(signature), std::string::npos) << "a token in the log:\n" << log;
  }
  EXPECT_EQ(log.find(password), std::string::npos) << log;
  EXPECT_EQ(log.find("Bearer"), std::string::npos) << log;
  EXPECT_NE(log.find("token=REDACTED"), std::string::npos) << log;
}

TEST_F(Logs, AFloodOfBadRequestsIsFoldedIntoALineASecond) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    WsTestClient client;
    ASSERT_TRUE(client.connect(port()));
    client.sendRaw("NOT HTTP\r\n\r\n");
    client.waitForEof(2000);
  }
  ASSERT_EQ(httpCall(port(), "GET", "/healthz").status, 200);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  awaitLine(chatd_, {"request", "path=/healthz"});
  int lines = 0;
  for (const std::string& line : linesOf(chatd_.log())) lines += hasAll(line, {"warn", "bad HTTP request", "status=400"});
  EXPECT_GE(lines, 1);
  EXPECT_LE(lines, seconds + 2) << chatd_.log();
  if (seconds >= 1) awaitLine(chatd_, {"bad HTTP request (and ", " more like it since the previous line)"});
}

TEST(LogsJson, EveryLineIsAJsonObject) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--log-format", "json"});
  const HttpReply reply = httpCall(chatd.port(), "POST", "/api/v1/register", R"({"username":"ann","password":"correct-horse"})");
  ASSERT_EQ(reply.status, 201);
  ASSERT_EQ(httpCall(chatd.port(), "GET", "/healthz?token=\"x\"\\y").status, 200);
  ChatClient client(chatd.port(), "ann");
  client.connect(jsonField(reply.body, "token"));
  client.hangUp();
  awaitLine(chatd, {"\"msg\":\"session end\"", "\"user\":\"ann\"", "\"code\":1000"});

  simdjson::dom::parser parser;
  int requests = 0;
  for (const std::string& line : linesOf(chatd.log())) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    std::string_view level;
    std::string_view msg;
    EXPECT_EQ(doc["ts"].get_string().error(), simdjson::SUCCESS) << line;
    EXPECT_EQ(doc["level"].get(level), simdjson::SUCCESS) << line;
    EXPECT_EQ(doc["msg"].get(msg), simdjson::SUCCESS) << line;
    if (msg != "request") continue;
    ++requests;
    int64_t status = 0;
    EXPECT_EQ(doc["status"].get(status), simdjson::SUCCESS) << line;
    EXPECT_EQ(std::string_view(doc["client"]), "127.0.0.1");
  }
  EXPECT_EQ(requests, 2);
}

TEST(LogsAccessOff, NoAccessLinesButAuthEventsStay) {
  ChatdProcess chatd({"--argon2-memory", "1024", "--access-log", "off"});
  ASSERT_EQ(httpCall(chatd.port(), "POST", "/api/v1/register", R"({"username":"ann","password":"correct-horse"})").status,
            201);
  awaitLine(chatd, {"registered", "user=ann"});
  EXPECT_EQ(chatd.log().find(" request "), std::string::npos) << chatd.log();
}

// Runs chatd with stderr into `logFile`, and $JOURNAL_STREAM naming that
// file (as systemd names the journal's stream) when `journal`; a listen
// address it cannot use makes it log an error and exit. What it wrote.
std::string failedStartLog(const std::string& logFile, bool journal) {
  const std::string script = std::string("exec 2>\"$0\"; ") +
                             (journal ? "export JOURNAL_STREAM=$(stat -c %d:%i \"$0\"); " : "export JOURNAL_STREAM=1:2; ") +
                             "exec \"$1\" --listen 192.0.2.1:1 --data \"$2\"";
  DataDir data;
  const ProcessResult result =
      runProcess({"sh", "-c", script, logFile, ChatdProcess::binary(), data.path()}, 10000);
  EXPECT_TRUE(exitedWith(result.status, 1)) << describeWaitStatus(result.status) << result.output;
  std::ifstream in(logFile);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(LogsJournal, UnderJournaldLinesCarryThePriorityAndNoTimestamp) {
  DataDir dir;
  const std::string journal = failedStartLog(dir.path() + "/journal", true);
  EXPECT_NE(journal.find("<3>cannot listen on 192.0.2.1:1"), std::string::npos) << journal;
  for (const std::string& line : linesOf(journal)) EXPECT_EQ(line[0], '<') << journal;
  const std::string file = failedStartLog(dir.path() + "/file", false);
  EXPECT_NE(file.find(" error cannot listen on 192.0.2.1:1"), std::string::npos) << file;
  EXPECT_EQ(file.find("<3>"), std::string::npos) << file;
}

}  // namespace

}  // namespace chatd::testing
