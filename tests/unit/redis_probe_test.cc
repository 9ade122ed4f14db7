// chat-bench's INFO probe against a real redis-server: the process it names
// is that server, and its command counter moves with the commands sent.
#include "bench/RedisProbe.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/unit/redis_server.h"

namespace chatd::bench {
namespace {

TEST(RedisProbe, NamesTheServersProcessCountsItsCommandsAndReadsItsMemory) {
  store::test::RedisServer server;
  ASSERT_TRUE(server.ready());
  const auto address = reactor::SocketAddress::parse("127.0.0.1:" + std::to_string(server.port()));
  const auto before = queryRedisInfo(*address);
  ASSERT_TRUE(before);
  std::ifstream comm("/proc/" + std::to_string(before->pid) + "/comm");
  std::string name;
  comm >> name;
  EXPECT_EQ(name, "redis-server");

  for (int i = 0; i < 5; ++i) server.stat("total_commands_processed");  // five INFO stats of its own
  const auto after = queryRedisInfo(*address);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->pid, before->pid);
  EXPECT_EQ(after->commandsProcessed - before->commandsProcessed, 6u);  // those five and the first probe
  // used_memory: the server's own footprint at least (a few hundred KiB when empty).
  EXPECT_GT(after->usedMemory, 100'000u);
}

TEST(RedisProbe, NothingFromAClosedPort) {
  const auto address = reactor::SocketAddress::parse("127.0.0.1:" + std::to_string(store::test::freePort()));
  EXPECT_FALSE(queryRedisInfo(*address));
}

}  // namespace
}  // namespace chatd::bench
