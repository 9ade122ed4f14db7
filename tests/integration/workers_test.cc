// `chatd --workers N`: a supervisor and N worker processes on one port,
// against a real redis-server. Workers are found as the supervisor's live
// children in /proc.
#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {

namespace {

constexpr int kWorkers = 2;

struct ProcessState {
  char state = 0;  // 'Z': exited, not yet reaped
  pid_t parent = 0;
};

// From /proc/<pid>/stat; nullopt when there is no such process.
std::optional<ProcessState> processState(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t commEnd = text.rfind(')');  // the command may hold spaces and parentheses
  if (commEnd == std::string::npos) return std::nullopt;
  ProcessState result;
  std::istringstream(text.substr(commEnd + 1)) >> result.state >> result.parent;
  return result;
}

bool alive(pid_t pid) {
  const auto state = processState(pid);
  return state && state->state != 'Z';
}

// The live processes whose parent is `parent`.
std::set<pid_t> liveChildrenOf(pid_t parent) {
  std::set<pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (const dirent* entry = readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    const auto state = pid > 0 ? processState(pid) : std::nullopt;
    if (state && state->parent == parent && state->state != 'Z') children.insert(pid);
  }
  closedir(proc);
  return children;
}

// The kernel's inode of the server's end of the loopback TCP connection from
// `clientFd` to `serverPort` (from /proc/net/tcp); 0 if not found.
unsigned long serverSocketInode(int clientFd, int serverPort) {
  sockaddr_in local{};
  socklen_t length = sizeof local;
  if (getsockname(clientFd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return 0;
  char wanted[64];  // the server's local and remote address columns, as /proc/net/tcp writes them
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X 0100007F:%04X", serverPort, ntohs(local.sin_port));
  std::ifstream table("/proc/net/tcp");
  for (std::string line; std::getline(table, line);) {
    if (line.find(wanted) == std::string::npos) continue;
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 9; ++i) fields >> field;  // sl, addresses, state, queues, timer, retransmits, uid, timeout
    unsigned long inode = 0;
    fields >> inode;
    return inode;
  }
  return 0;
}

// Which of `workers` holds the server's end of the connection `clientFd`; 0 if none.
pid_t workerServing(int clientFd, int serverPort, const std::set<pid_t>& workers) {
  const unsigned long inode = serverSocketInode(clientFd, serverPort);
  if (inode == 0) return 0;
  const std::string link = "socket:[" + std::to_string(inode) + "]";
  for (pid_t worker : workers) {
    std::error_code error;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(worker) + "/fd", error)) {
      std::error_code readError;
      if (std::filesystem::read_symlink(fd.path(), readError).string() == link) return worker;
    }
  }
  return 0;
}

class WorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.ready()) << "redis-server did not start";
    port_ = store::test::freePort();
    ASSERT_GT(port_, 0);
    supervisor_ = std::make_unique<ChatdProcess>(std::vector<std::string>{
        "--workers", std::to_string(kWorkers), "--redis", redis_.url(), "--listen",
        "127.0.0.1:" + std::to_string(port_), "--echo", "/echo", "--drain-timeout", "2", "--argon2-memory", "1024"});
    ASSERT_EQ(supervisor_->port(), port_);
    ASSERT_TRUE(eventually([&] { return occurrences(supervisor_->log(), "listening on") == kWorkers; }))
        << supervisor_->log();
    workers_ = liveChildrenOf(supervisor_->pid());
    ASSERT_EQ(workers_.size(), size_t{kWorkers}) << supervisor_->log();
  }

  bool answersHealthz() { return httpCall(port_, "GET", "/healthz").status == 200; }

  store::test::RedisServer redis_;
  int port_ = 0;
  std::unique_ptr<ChatdProcess> supervisor_;
  std::set<pid_t> workers_;
};

}  // namespace

TEST_F(WorkersTest, WorkersAreChildrenOfTheSupervisorServingOnePort) {
  EXPECT_NE(supervisor_->log().find("worker 1 started (pid"), std::string::npos) << supervisor_->log();
  EXPECT_NE(supervisor_->log().find("worker 2 started (pid"), std::string::npos) << supervisor_->log();
  // Connections are spread over the workers by the kernel; every one is served.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(answersHealthz()) << "request " << i;
  WsTestClient echo;
  ASSERT_TRUE(echo.open(port_));
  ASSERT_TRUE(echo.sendText("hello"));
  const auto frame = echo.readFrame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->payload, "hello");
}

TEST_F(WorkersTest, AKilledWorkerIsReplacedWithinASecond) {
  // Clients spread over the workers; the victim is the one serving the first.
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<WsTestClient>());
    ASSERT_TRUE(clients.back()->open(port_));
  }
  const pid_t victim = workerServing(clients.front()->fd(), port_, workers_);
  ASSERT_NE(victim, 0) << "no worker holds the first client's connection";
  const pid_t survivor = *std::find_if(workers_.begin(), workers_.end(), [&](pid_t w) { return w != victim; });
  ASSERT_EQ(kill(victim, SIGKILL), 0);

  std::set<pid_t> now;
  ASSERT_TRUE(eventually(
      [&] {
        now = liveChildrenOf(supervisor_->pid());
        return now.size() == size_t{kWorkers} && !now.contains(victim);
      },
      1500))
      << supervisor_->log();
  EXPECT_TRUE(now.contains(survivor));
  EXPECT_NE(supervisor_->log().find("exited: killed by SIGKILL"), std::string::npos) << supervisor_->log();
  EXPECT_NE(supervisor_->log().find("restarted (pid"), std::string::npos) << supervisor_->log();
  // The victim's clients lost their connection; the survivor's are still served.
  EXPECT_TRUE(clients.front()->waitForEof(1000));
  for (auto& client : clients) {
    if (workerServing(client->fd(), port_, {survivor}) != survivor) continue;
    ASSERT_TRUE(client->sendText("still here"));
    const auto echoed = client->readFrame();
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->payload, "still here");
  }
  // Clients that connect again are served, whichever worker takes them.
  ASSERT_TRUE(eventually([&] { return occurrences(supervisor_->log(), "listening on") == kWorkers + 1; }));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(answersHealthz()) << "request " << i;
}

// Chat through the workers: live from one worker to the other (the bus), and
// a resume from the store after a client's worker was killed.
TEST_F(WorkersTest, ClientsChatAcrossWorkersAndResumeAfterTheirWorkerIsKilled) {
  constexpr int64_t kLobby = 1;
  const Account ann = signUp(port_, "ann");
  const Account bob = signUp(port_, "bob");
  ChatClient a(port_, "ann");
  ASSERT_TRUE(a.connect(ann.token).ok());
  const pid_t annWorker = workerServing(a.raw().fd(), port_, workers_);
  ASSERT_NE(annWorker, 0);
  // Bob on the other worker: the kernel picks one by the connection's hash, so connect until it is.
  std::unique_ptr<ChatClient> b;
  for (int attempt = 0; attempt < 50; ++attempt) {
    b = std::make_unique<ChatClient>(port_, "bob");
    ASSERT_TRUE(b->connect(bob.token).ok());
    if (workerServing(b->raw().fd(), port_, workers_) != annWorker) break;
    b->close();
  }
  ASSERT_NE(workerServing(b->raw().fd(), port_, workers_), annWorker) << "every connection went to one worker";
  ASSERT_EQ(a.join(kLobby).type(), "joined");
  ASSERT_EQ(b->join(kLobby).type(), "joined");
  a.drain();
  b->drain();

  const Json first = a.sendMessage(kLobby, "before", "ann-1");
  ASSERT_EQ(first.type(), "ack") << first;
  EXPECT_EQ(b->expect("message").string("data.content"), "before");

  ASSERT_EQ(kill(annWorker, SIGKILL), 0);
  EXPECT_TRUE(a.waitForEof(2000));
  const int64_t seen = first.integer("seq").value_or(0);
  ASSERT_EQ(b->sendMessage(kLobby, "while you were away").type(), "ack");
  ASSERT_EQ(b->sendMessage(kLobby, "and again").type(), "ack");

  // Ann comes back on whichever worker takes her, and misses nothing. She
  // retries, as a client does: while the dead worker is being replaced, a new
  // connection may be closed unanswered (seen once in six runs on a machine
  // loaded with other builds; the cause is not pinned down yet).
  std::unique_ptr<ChatClient> retried;
  int refused = 0;
  for (int attempt = 0; attempt < 20 && !retried; ++attempt) {
    auto client = std::make_unique<ChatClient>(port_, "ann again");
    if (client->upgrade(ann.token).status == 101) {
      retried = std::move(client);
    } else {
      ++refused;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_TRUE(retried) << "no worker took ann back\n" << supervisor_->log();
  // Not a failure, but not understood yet: the log says what the workers did meanwhile.
  if (refused > 0) std::cout << "note: " << refused << " reconnect(s) closed unanswered\n" << supervisor_->log();
  ChatClient& again = *retried;
  again.expectNext("welcome");
  again.send(R"({"type":"join_room","room_id":1,"since":)" + std::to_string(seen) + "}");
  again.expectNext("joined");
  const Json missed1 = again.expectNext("message");
  const Json missed2 = again.expectNext("message");
  EXPECT_EQ(missed1.integer("data.seq"), seen + 1);
  EXPECT_EQ(missed1.string("data.content"), "while you were away");
  EXPECT_EQ(missed2.integer("data.seq"), seen + 2);
  EXPECT_EQ(missed2.string("data.content"), "and again");
}

TEST_F(WorkersTest, SigtermDrainsEveryWorkerAndTheSupervisorExitsZero) {
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<WsTestClient>());
    ASSERT_TRUE(clients.back()->open(port_));
  }
  const Stopwatch watch;
  ASSERT_EQ(kill(supervisor_->pid(), SIGTERM), 0);
  for (auto& client : clients) {
    EXPECT_EQ(client->readCloseCode(3000), proto::close_code::kGoingAway);
    client->sendClose(proto::close_code::kGoingAway);
  }
  for (auto& client : clients) {
    EXPECT_TRUE(client->waitForEof(3000)) << "a worker did not close its side";
    client->close();
  }
  const int status = supervisor_->waitForExit(5000);
  EXPECT_TRUE(exitedWith(status, 0)) << describeWaitStatus(status);
  EXPECT_LT(watch.elapsedMs(), 2000) << "a clean drain should not wait for the drain timeout";
  for (pid_t worker : workers_) EXPECT_FALSE(alive(worker)) << "worker " << worker << " outlived the supervisor";
  EXPECT_EQ(occurrences(supervisor_->log(), "exited: exit status 0"), size_t{kWorkers}) << supervisor_->log();
}

TEST_F(WorkersTest, SighupIsForwardedToEveryWorker) {
  ASSERT_EQ(kill(supervisor_->pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] {
    const std::string log = supervisor_->log();
    return log.find("worker 1: received SIGHUP") != std::string::npos &&
           log.find("worker 2: received SIGHUP") != std::string::npos;
  })) << supervisor_->log();
  // Each worker reads the configuration again on its own.
  EXPECT_TRUE(eventually([&] { return occurrences(supervisor_->log(), "reload: no setting changed") == kWorkers; }))
      << supervisor_->log();
  EXPECT_EQ(liveChildrenOf(supervisor_->pid()), workers_) << "a SIGHUP stops no one";
  EXPECT_TRUE(answersHealthz());
}

// PR_SET_PDEATHSIG: a supervisor killed outright leaves no orphan serving the port.
TEST_F(WorkersTest, WorkersDrainAndExitWhenTheSupervisorIsKilled) {
  ASSERT_NE(supervisor_->stop(SIGKILL, 2000), -1);
  EXPECT_TRUE(eventually([&] { return std::none_of(workers_.begin(), workers_.end(), alive); }, 4000))
      << "orphaned workers";
}

// Every worker fails at startup (the port is held without SO_REUSEPORT): the
// supervisor backs off, calls it a crash loop, and exits 1.
TEST(WorkersStartup, ACrashLoopIsLoggedAndTheSupervisorExitsOne) {
  store::test::RedisServer redis;
  ASSERT_TRUE(redis.ready());
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  ASSERT_EQ(getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length), 0);
  char dataTemplate[] = "/tmp/chatd-data-XXXXXX";
  ASSERT_NE(mkdtemp(dataTemplate), nullptr);

  const Stopwatch watch;
  const ProcessResult result =
      runProcess({ChatdProcess::binary(), "--workers", "2", "--redis", redis.url(), "--data", dataTemplate,
                  "--listen", "127.0.0.1:" + std::to_string(ntohs(address.sin_port))},
                 20'000);
  close(holder);
  std::filesystem::remove_all(dataTemplate);
  ASSERT_FALSE(result.timedOut) << result.output;
  EXPECT_TRUE(exitedWith(result.status, 1)) << describeWaitStatus(result.status);
  EXPECT_NE(result.output.find("crash loop: worker"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("restarting worker 1 in 1600 ms"), std::string::npos) << "backoff doubles";
  EXPECT_NE(result.output.find("every worker has exited"), std::string::npos) << result.output;
  EXPECT_GT(watch.elapsedMs(), 3000) << "restarts came without the backoff";
}

TEST(WorkersStartup, WorkersWithoutRedisAreRefused) {
  const ProcessResult result = runProcess({ChatdProcess::binary(), "--workers", "2", "--listen", "127.0.0.1:1"}, 5000);
  EXPECT_TRUE(exitedWith(result.status, 2)) << describeWaitStatus(result.status);
  EXPECT_NE(result.output.find("--workers needs --redis"), std::string::npos) << result.output;
}

TEST(WorkersStartup, WorkersOnPortZeroAreRefused) {
  const ProcessResult result = runProcess(
      {ChatdProcess::binary(), "--workers", "2", "--redis", "redis://127.0.0.1:1", "--listen", "127.0.0.1:0"}, 5000);
  EXPECT_TRUE(exitedWith(result.status, 2)) << describeWaitStatus(result.status);
  EXPECT_NE(result.output.find("--workers needs an explicit --listen port"), std::string::npos) << result.output;
}

}  // namespace chatd::testing
