// chatd out of file descriptors: connections beyond what the process can
// hold are turned away (the spare-descriptor trick) instead of making the
// level-triggered listener spin, and service resumes once clients leave.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "tests/support/ChatdProcess.h"
#include "tests/support/TestUtil.h"
#include "tests/support/WsTestClient.h"

namespace chatd::testing {

namespace {

// User + system CPU time of `pid`, in clock ticks (/proc/PID/stat fields 14, 15).
long cpuTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string skip;
  for (int i = 3; i <= 13; ++i) fields >> skip;
  long utime = 0, stime = 0;
  fields >> utime >> stime;
  return utime + stime;
}

bool healthy(int port) {
  WsTestClient http;
  if (!http.connect(port)) return false;
  http.sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  return http.readHttpReply(2000).status == 200;
}

}  // namespace

TEST(DescriptorLimit, ExhaustionTurnsClientsAwayWithoutSpinningAndRecovers) {
  if (std::getenv("CHATD_SANITIZED")) {
    // UBSan checks a vtable it has not cached by writing it to a pipe: with
    // no descriptors left that fails and is misreported as a bad vptr.
    GTEST_SKIP() << "sanitizer runtimes need descriptors of their own";
  }
  // 48 descriptors: stdio, epoll, eventfd, signalfd, listener, the spare and
  // the database files leave room for about 35 clients.
  ChatdProcess chatd({"--echo", "/echo"}, 48);
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < 60; ++i) {
    auto client = std::make_unique<WsTestClient>();
    ASSERT_TRUE(client->connect(chatd.port()));  // the kernel completes the TCP handshake either way
    clients.push_back(std::move(client));
  }
  // Those beyond the limit are accepted and closed at once: they see EOF.
  size_t turnedAway = 0;
  for (auto& client : clients) {
    if (client->waitForEof(50)) ++turnedAway;
  }
  EXPECT_GE(turnedAway, 20u);
  EXPECT_LT(turnedAway, 60u);

  // No busy loop while the table is full.
  const long before = cpuTicks(chatd.pid());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_LE(cpuTicks(chatd.pid()) - before, 10) << "chatd burned CPU while out of descriptors";

  clients.clear();  // the held connections close: descriptors come back
  EXPECT_TRUE(eventually([&] { return healthy(chatd.port()); }, 3000)) << chatd.log();
  WsTestClient ws;
  ASSERT_TRUE(ws.open(chatd.port()));
  ASSERT_TRUE(ws.sendText("back"));
  auto frame = ws.readFrame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->payload, "back");
}

}  // namespace chatd::testing
