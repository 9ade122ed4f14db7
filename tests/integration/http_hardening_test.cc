// What one HTTP client may cost chatd (issue 11): answers it does not read are
// bounded by --max-queue, a request it abandons frees its connection at once,
// a slow download is not cut short; and the requests that slipped past a check
// (a trailer's Authorization, a disguised Content-Type, HEAD, Expect).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

namespace fs = std::filesystem;
constexpr size_t kMiB = 1024 * 1024;

// A field of /proc/PID/status ("VmRSS", "VmHWM") in KiB; -1 when absent.
int64_t procStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

// A temporary --web-root, removed with the object.
class WebRoot {
 public:
  WebRoot() {
    char pattern[] = "/tmp/chatd-web-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~WebRoot() { fs::remove_all(path_); }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << bytes;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string get(std::string_view path, std::string_view extraHeaders = {}) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extraHeaders) + "\r\n";
}

// A blocking loopback socket whose receive buffer is small, so that what a
// slow reader has not read waits in chatd rather than in the kernel.
int connectWithSmallReceiveBuffer(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int bytes = 64 * 1024;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until EOF `chunk` bytes at a time, pausing `pauseMs` after each; the byte count.
size_t readToEnd(int fd, size_t chunk, int pauseMs) {
  std::string buffer(chunk, '\0');
  size_t total = 0;
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return total;
    total += static_cast<size_t>(n);
    if (pauseMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
  }
}

}  // namespace

// Issue 11, item 1: 64 pipelined GETs of a 1 MiB file, not read. Answered all
// at once they would pin 64 MiB; held back while the queue is over
// --max-queue, chatd holds about one answer. All arrive, in order, once read.
TEST(HttpHardeningTest, PipelinedAnswersWaitWhileTheClientDoesNotRead) {
  constexpr int kRequests = 64;
  WebRoot root;
  root.write("a.bin", std::string(kMiB, 'a'));
  root.write("b.bin", std::string(kMiB, 'b'));
  ChatdProcess chatd({"--web-root", root.path(), "--max-queue", "65536"});
  const int64_t rssBefore = procStatusKiB(chatd.pid(), "VmRSS");
  ASSERT_GT(rssBefore, 0);

  WsTestClient client;
  ASSERT_TRUE(client.connect(chatd.port()));
  std::string requests;
  for (int i = 0; i < kRequests; ++i) requests += get(i % 2 ? "/b.bin" : "/a.bin");
  ASSERT_TRUE(client.sendRaw(requests));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // chatd answers what it will
  const int64_t growthKiB = procStatusKiB(chatd.pid(), "VmHWM") - rssBefore;
  EXPECT_LT(growthKiB, 16 * 1024) << "chatd grew by " << growthKiB << " KiB for " << kRequests << " unread MiB";
  std::cout << "[ memory   ] chatd grew by " << growthKiB << " KiB for " << kRequests << " unread MiB\n";

  for (int i = 0; i < kRequests; ++i) {
    const HttpReply reply = client.readHttpReply(5000);
    ASSERT_EQ(reply.status, 200) << "answer " << i;
    ASSERT_EQ(reply.body.size(), kMiB) << "answer " << i;
    EXPECT_EQ(reply.body[0], i % 2 ? 'b' : 'a') << "answer " << i << " out of order";
  }
}

// Issue 11, item 5: long-polls opened and dropped at once. Each held its
// connection (and --max-connections slot) until its wait ended, a minute
// later; now chatd sees the hang-up, closes, and drops the wait.
TEST(HttpHardeningTest, AbandonedLongPollsFreeTheirConnectionsAtOnce) {
  ChatdProcess chatd({"--max-connections", "8", "--argon2-memory", "1024"});
  const Account ann = signUp(chatd.port(), "ann");
  for (int i = 0; i < 24; ++i) {
    WsTestClient poll;
    ASSERT_TRUE(poll.connect(chatd.port()));
    ASSERT_TRUE(poll.sendRaw(get("/api/v1/rooms/1/messages?after=0&wait=60", "Authorization: Bearer " + ann.token + "\r\n")));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }  // each closes here

  const Stopwatch watch;
  HttpReply bystander;
  EXPECT_TRUE(eventually([&] { return (bystander = httpCall(chatd.port(), "GET", "/metrics")).status == 200; }, 1000))
      << "a bystander still gets " << bystander.status << " after " << watch.elapsedMs() << " ms";
  EXPECT_NE(bystander.body.find("\nchatd_long_polls 0\n"), std::string::npos) << bystander.body;
  std::cout << "[ slots    ] a bystander was served after " << watch.elapsedMs() << " ms\n";
}

// Issue 11, item 14: the keep-alive deadline counts from the answer's last
// byte, not from when it was queued: a download slower than
// --handshake-timeout arrives whole.
// An 8 MiB file served with a 0.2 s keep-alive deadline, asked for over a
// connection with a small receive buffer (fd; -1 if that failed). Members in
// this order: chatd reads its web root when it starts.
struct BigDownload {
  BigDownload() {
    fd = connectWithSmallReceiveBuffer(chatd.port());
    const std::string request = get("/big.bin");
    if (fd >= 0 && ::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
      ::close(fd);
      fd = -1;
    }
  }
  WebRoot root;
  const bool written = (root.write("big.bin", std::string(8 * kMiB, 'x')), true);
  ChatdProcess chatd{{"--web-root", root.path(), "--handshake-timeout", "0.2"}};
  int fd = -1;
};

TEST(HttpHardeningTest, SlowDownloadOutlastsTheKeepAliveTimeout) {
  BigDownload download;
  const int fd = download.fd;
  ASSERT_GE(fd, 0);
  const Stopwatch watch;
  ::shutdown(fd, SHUT_WR);  // not a hang-up: the answer is already queued
  const size_t received = readToEnd(fd, 128 * 1024, 20);
  ::close(fd);
  EXPECT_GT(watch.elapsedMs(), 400) << "not slower than the timeout: proves nothing";
  EXPECT_GT(received, 8 * kMiB) << "cut short after " << watch.elapsedMs() << " ms";
}

// ... and a client that reads nothing of its answer is closed after the timeout.
TEST(HttpHardeningTest, ClientThatReadsNoneOfItsAnswerIsClosed) {
  BigDownload download;
  const int fd = download.fd;
  ASSERT_GE(fd, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const size_t received = readToEnd(fd, 1024 * 1024, 0);
  ::close(fd);
  EXPECT_LT(received, 8 * kMiB);
}

// Issue 11, item 14: a symlink in the web root that leads outside it is not served.
TEST(HttpHardeningTest, SymlinkOutOfTheWebRootIsNotServed) {
  WebRoot root, outside;
  root.write("index.html", "<!doctype html>");
  root.write("page.html", "inside");
  outside.write("secret.txt", "outside the web root");
  fs::create_symlink(outside.path() + "/secret.txt", root.path() + "/leak.txt");
  fs::create_symlink(outside.path(), root.path() + "/elsewhere");
  fs::create_symlink(root.path() + "/page.html", root.path() + "/alias.html");
  ChatdProcess chatd({"--web-root", root.path()});
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/leak.txt").status, 404);
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/elsewhere/secret.txt").status, 404);
  // Where the link's target lies, relative to the root: no such name either.
  const std::string outsideName = fs::path(outside.path()).filename().string();
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/../" + outsideName + "/secret.txt").status, 404);
  const HttpReply alias = httpCall(chatd.port(), "GET", "/alias.html");
  EXPECT_EQ(alias.status, 200);
  EXPECT_EQ(alias.body, "inside");
}

class HttpChecksTest : public RoomFixture {};

// Issue 11, item 14: HEAD is answered wherever GET is, without a body.
TEST_F(HttpChecksTest, HeadIsAnsweredWhereverGetIs) {
  const Account ann = signUp("ann");
  for (const std::string path : {"/api/v1/me", "/api/v1/rooms", "/api/v1/rooms/1", "/api/v1/rooms/1/messages"}) {
    WsTestClient client;
    ASSERT_TRUE(client.connect(port()));
    ASSERT_TRUE(client.sendRaw("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ann.token +
                               "\r\n\r\n" + get("/healthz")));
    const HttpReply head = client.readHttpHead();
    EXPECT_EQ(head.status, 200) << path << ": " << head.head;
    EXPECT_GT(std::stoul(head.header("Content-Length").value_or("0")), 0u) << path;
    EXPECT_EQ(client.readHttpReply().status, 200) << path << ": HEAD sent a body";
  }
}

// Issue 11, item 14: Expect: 100-continue gets "100 Continue" at once, then the answer.
TEST_F(HttpChecksTest, ExpectContinueIsAnsweredAtOnce) {
  const std::string body = R"({"username":"ann","password":"correct-horse"})";
  WsTestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(client.sendRaw("POST /api/v1/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  const HttpReply interim = client.readHttpHead(500);
  EXPECT_EQ(interim.status, 100) << interim.head;
  ASSERT_TRUE(client.sendRaw(body));
  EXPECT_EQ(client.readHttpReply().status, 201);
}

// ... and a request that cannot be accepted gets its final status instead.
TEST_F(HttpChecksTest, ExpectContinueOverTheBodyLimitIs413AtOnce) {
  WsTestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(client.sendRaw("POST /api/v1/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Expect: 100-continue\r\nContent-Length: 100000000\r\n\r\n"));
  EXPECT_EQ(client.readHttpReply(500).status, 413);
}

// Issue 11, item 14: the Content-Type check compares the media type, not a substring.
TEST_F(HttpChecksTest, ContentTypeIsCheckedByItsMediaType) {
  const std::string body = R"({"username":"ann","password":"correct-horse"})";
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/register", body, "Content-Type: text/plain; x=application/json\r\n").status,
            415);
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/register", body, "Content-Type: application/jsonx\r\n").status, 415);
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/register", body, "Content-Type: Application/JSON; charset=utf-8\r\n").status,
            201);
}

// Issue 11, item 14: a trailer field is not a header: an Authorization there is ignored.
TEST_F(HttpChecksTest, AuthorizationInATrailerIsIgnored) {
  const Account ann = signUp("ann");
  const std::string body = R"({"name":"t","kind":"public"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  WsTestClient client;
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(client.sendRaw("POST /api/v1/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" + body +
                             "\r\n0\r\nAuthorization: Bearer " + ann.token + "\r\n\r\n"));
  EXPECT_EQ(client.readHttpReply().status, 401);
}

// Issue 11, item 17: SIGHUP never ends the process; without a config file a reload changes nothing.
TEST(HttpHardeningTest, SighupIsLoggedAndIgnored) {
  ChatdProcess chatd;
  ASSERT_EQ(::kill(chatd.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return chatd.log().find("SIGHUP") != std::string::npos; }, 2000)) << chatd.log();
  EXPECT_EQ(chatd.waitForExit(200), -1) << "chatd exited on SIGHUP";
  EXPECT_EQ(httpCall(chatd.port(), "GET", "/healthz").status, 200);
}

// Issue 11, item 18: two chat processes on one port would split the chat:
// --reuse-port is refused with chat, allowed for echo and broadcast only.
TEST(HttpHardeningTest, ReusePortIsRefusedWithChat) {
  WebRoot data;  // only used if the refusal fails
  const ProcessResult refused =
      runProcess({ChatdProcess::binary(), "--reuse-port", "--listen", "127.0.0.1:0", "--data", data.path()}, 2000);
  EXPECT_TRUE(WIFEXITED(refused.status) && WEXITSTATUS(refused.status) == 2) << refused.output;
  EXPECT_NE(refused.output.find("--reuse-port"), std::string::npos) << refused.output;

  ChatdProcess echoOnly({"--reuse-port", "--echo", "/echo"});
  WsTestClient client;
  EXPECT_TRUE(client.open(echoOnly.port(), "/echo"));
  EXPECT_EQ(httpCall(echoOnly.port(), "POST", "/api/v1/register", R"({"username":"ann","password":"correct-horse"})").status,
            404);
}

}  // namespace chatd::testing
