// chat-bench's command line: the nodes of a cluster (--url repeated or
// comma-separated) and how sessions spread over them; ws:// or wss://;
// --deflate and the wire counts it adds to a result.
#include "bench/Options.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "bench/RunResult.h"

namespace chatd::bench {
namespace {

ParsedOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "chat-bench");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  return parseOptions(static_cast<int>(argv.size()), argv.data());
}

TEST(BenchOptions, OneUrlIsOneNode) {
  const auto parsed = parse({"chat-fanout", "--url", "ws://127.0.0.1:9001/ws", "--rate", "10"});
  ASSERT_TRUE(parsed.options) << parsed.output;
  ASSERT_EQ(parsed.options->targets.size(), 1u);
  EXPECT_EQ(parsed.options->targets[0].host, "127.0.0.1:9001");
  EXPECT_EQ(parsed.options->targets[0].pathTemplate, "/ws");
  EXPECT_EQ(parsed.options->url, "ws://127.0.0.1:9001/ws");
}

TEST(BenchOptions, RepeatedAndCommaSeparatedUrlsAreTheSameNodes) {
  const auto repeated = parse({"echo", "--url", "ws://127.0.0.1:9001/echo", "--url", "ws://127.0.0.1:9002/echo",
                               "--url", "ws://127.0.0.1:9003/echo"});
  const auto listed = parse({"echo", "--url", "ws://127.0.0.1:9001/echo,ws://127.0.0.1:9002/echo,ws://127.0.0.1:9003/echo"});
  ASSERT_TRUE(repeated.options) << repeated.output;
  ASSERT_TRUE(listed.options) << listed.output;
  ASSERT_EQ(repeated.options->targets.size(), 3u);
  ASSERT_EQ(listed.options->targets.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(repeated.options->targets[i].host, "127.0.0.1:900" + std::to_string(i + 1));
    EXPECT_EQ(listed.options->targets[i].host, repeated.options->targets[i].host);
  }
  EXPECT_EQ(repeated.options->url, listed.options->url);
}

TEST(BenchOptions, EveryRoomSpansEveryNode) {
  // 100 rooms over 2 nodes: room r holds sessions r, r + 100, ...; they must alternate nodes
  // (a plain i % 2 would put each room on one node).
  const auto parsed = parse({"chat-fanout", "--url", "ws://127.0.0.1:9001/ws,ws://127.0.0.1:9002/ws", "--rooms",
                             "100", "--connections", "10000", "--rate", "10"});
  ASSERT_TRUE(parsed.options) << parsed.output;
  const Options& options = *parsed.options;
  for (size_t room = 0; room < 100; ++room) {
    size_t onFirst = 0;
    for (size_t i = room; i < 10000; i += 100) onFirst += &options.targetOf(i) == &options.targets[0];
    EXPECT_EQ(onFirst, 50u) << "room " << room;
  }
}

TEST(BenchOptions, OneRoomAlternatesNodes) {
  const auto parsed = parse({"fanout", "--url", "ws://127.0.0.1:9001/b,ws://127.0.0.1:9002/b,ws://127.0.0.1:9003/b",
                             "--connections", "9"});
  ASSERT_TRUE(parsed.options) << parsed.output;
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(&parsed.options->targetOf(i), &parsed.options->targets[i % 3]) << i;
}

TEST(BenchOptions, RejectsAnyNodeOffLoopbackOrOfAnotherFamily) {
  const auto off = parse({"echo", "--url", "ws://127.0.0.1:9001/echo,ws://10.1.2.3:9002/echo"});
  EXPECT_FALSE(off.options);
  EXPECT_NE(off.output.find("loopback"), std::string::npos) << off.output;
  const auto mixed = parse({"echo", "--url", "ws://127.0.0.1:9001/echo", "--url", "ws://[::1]:9002/echo"});
  EXPECT_FALSE(mixed.options);
  EXPECT_NE(mixed.output.find("IPv4"), std::string::npos) << mixed.output;
  const auto empty = parse({"echo", "--url", "ws://127.0.0.1:9001/echo,"});
  EXPECT_TRUE(empty.options) << empty.output;  // a trailing comma adds no node
  EXPECT_FALSE(parse({"echo", "--url", ","}).options);
}

TEST(BenchOptions, WssUrlsSpeakTlsAndNameTheAddressTheCertificateIsCheckedFor) {
  const auto parsed = parse({"echo", "--url", "wss://127.0.0.1:9443/echo,wss://127.0.0.2:9443/echo"});
  ASSERT_TRUE(parsed.options) << parsed.output;
  EXPECT_TRUE(parsed.options->secure);
  EXPECT_TRUE(parsed.options->caFile.empty());  // no verification unless asked
  ASSERT_EQ(parsed.options->targets.size(), 2u);
  EXPECT_EQ(parsed.options->targets[0].host, "127.0.0.1:9443");
  EXPECT_EQ(parsed.options->targets[0].address, "127.0.0.1");
  EXPECT_EQ(parsed.options->targets[1].pathTemplate, "/echo");
  const auto v6 = parse({"echo", "--url", "wss://[::1]:9443/echo"});
  ASSERT_TRUE(v6.options) << v6.output;
  EXPECT_EQ(v6.options->targets[0].host, "[::1]:9443");
  EXPECT_EQ(v6.options->targets[0].address, "::1");
  const auto plain = parse({"echo", "--url", "ws://127.0.0.1:9001/echo"});
  ASSERT_TRUE(plain.options) << plain.output;
  EXPECT_FALSE(plain.options->secure);
  EXPECT_FALSE(parse({"echo", "--url", "https://127.0.0.1:9443/echo"}).options);
}

TEST(BenchOptions, EveryNodeSpeaksTheSameScheme) {
  const auto mixed = parse({"echo", "--url", "ws://127.0.0.1:9001/echo", "--url", "wss://127.0.0.1:9002/echo"});
  EXPECT_FALSE(mixed.options);
  EXPECT_NE(mixed.output.find("all be ws:// or all wss://"), std::string::npos) << mixed.output;
}

TEST(BenchOptions, CaVerifiesOnlyAWssServer) {
  const auto verified = parse({"chat-connect", "--url", "wss://127.0.0.1:9443/ws", "--ca", "/etc/chatd/ca.pem"});
  ASSERT_TRUE(verified.options) << verified.output;
  EXPECT_EQ(verified.options->caFile, "/etc/chatd/ca.pem");
  const auto plain = parse({"echo", "--url", "ws://127.0.0.1:9001/echo", "--ca", "/etc/chatd/ca.pem"});
  EXPECT_FALSE(plain.options);
  EXPECT_NE(plain.output.find("--ca"), std::string::npos) << plain.output;
  // The order of the flags does not matter.
  EXPECT_TRUE(parse({"echo", "--ca=/etc/chatd/ca.pem", "--url=wss://127.0.0.1:9443/echo"}).options);
  EXPECT_FALSE(parse({"echo", "--url", "wss://127.0.0.1:9443/echo", "--ca", ""}).options);
}

TEST(BenchOptions, RedisIsALoopbackAddressRepeatedForEveryShard) {
  const auto url = parse({"echo", "--redis", "redis://127.0.0.1:6390"});
  ASSERT_TRUE(url.options) << url.output;
  ASSERT_EQ(url.options->redis.size(), 1u);
  EXPECT_EQ(url.options->redis[0].toString(), "127.0.0.1:6390");
  const auto bare = parse({"echo", "--redis", "127.0.0.1:6390"});
  ASSERT_TRUE(bare.options && bare.options->redis.size() == 1) << bare.output;
  const auto shards = parse({"echo", "--redis", "127.0.0.1:6390", "--redis", "redis://127.0.0.1:6391"});
  ASSERT_TRUE(shards.options) << shards.output;
  ASSERT_EQ(shards.options->redis.size(), 2u);
  EXPECT_EQ(shards.options->redis[1].toString(), "127.0.0.1:6391");
  EXPECT_FALSE(parse({"echo", "--redis", "redis://10.1.2.3:6379"}).options);
  EXPECT_FALSE(parse({"echo", "--redis", "localhost"}).options);
  EXPECT_TRUE(parse({"echo"}).options->redis.empty());
}

TEST(BenchOptions, ServerPidRepeatsForEveryNode) {
  const auto parsed = parse({"idle", "--server-pid", "101", "--server-pid", "202"});
  ASSERT_TRUE(parsed.options) << parsed.output;
  EXPECT_EQ(parsed.options->serverPids, (std::vector<long>{101, 202}));
}

TEST(BenchOptions, DeflateIsASwitch) {
  EXPECT_FALSE(parse({"echo"}).options->deflate);
  const auto parsed = parse({"chat-fanout", "--deflate", "--rate", "10"});
  ASSERT_TRUE(parsed.options) << parsed.output;
  EXPECT_TRUE(parsed.options->deflate);
  EXPECT_EQ(parsed.options->rate, 10);
}

// The wire counts travel from a worker to the parent and add up there.
TEST(BenchResult, WireBytesCrossTheWorkerPipeAndMerge) {
  RunResult worker;
  worker.wireBytes = 700;
  worker.messageBytes = 1000;
  worker.deflateSessions = 3;
  RunResult back;
  ASSERT_TRUE(RunResult::deserialize(worker.serialize(), back));
  EXPECT_EQ(back.wireBytes, 700u);
  EXPECT_EQ(back.messageBytes, 1000u);
  EXPECT_EQ(back.deflateSessions, 3u);
  back.merge(worker);
  EXPECT_EQ(back.wireBytes, 1400u);
  EXPECT_EQ(back.deflateSessions, 6u);
  EXPECT_NE(back.toJson().find("\"wire_bytes\":1400,\"message_bytes\":2000,\"deflate_sessions\":6"),
            std::string::npos);
}

}  // namespace
}  // namespace chatd::bench
