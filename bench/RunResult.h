// What one generator process measured in one run; merged across forked
// workers, then printed as a table and as one JSON line.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "bench/Failure.h"
#include "bench/Histogram.h"

namespace chatd::bench {

struct RunResult {
  std::string scenario;
  std::string url;
  size_t connections = 0;     // asked for
  size_t opened = 0;          // reached the open state
  double offeredRate = 0;     // messages or connections per second asked for (0: closed loop / unpaced)
  double seconds = 0;         // the measured window
  double openSeconds = 0;     // from the first connect to the last open
  uint64_t sent = 0;          // messages sent in the window
  uint64_t received = 0;      // messages (deliveries) received in the window
  uint64_t expected = 0;      // fanout: deliveries the sends should cause
  Histogram latency;          // us: per message (echo, fanout, chat-fanout: send -> delivery), per
                              // connection (connect; chat-connect: connect -> joined), per request (chat-history)
  Histogram ackLatency;       // chat-fanout, chat-mixed: send -> ack at the sender
  Histogram historyLatency;   // chat-mixed: history request -> reply
  std::array<uint64_t, kFailureKinds> failures{};
  long serverRssBeforeKb = -1;   // VmRSS: everything resident, shared library pages included
  long serverRssAfterKb = -1;
  long serverAnonBeforeKb = -1;  // RssAnon: what the server allocated (heap, stacks)
  long serverAnonAfterKb = -1;
  double generatorCpuSeconds = 0;  // user + system time of the generator in the window
  double serverCpuSeconds = -1;    // the same for --server-pid, -1 when not measured
  double redisCpuSeconds = -1;     // the same for --redis, -1 when not measured
  int64_t redisCommands = -1;      // commands --redis processed in the window, -1 when not measured
  int64_t redisMemoryBefore = -1;  // --redis used_memory in bytes before the connections and at the window's end
  int64_t redisMemoryAfter = -1;
  // Received in the window: WebSocket bytes on the wire, and the message
  // payloads they carried (inflated); connections that negotiated
  // permessage-deflate (--deflate).
  uint64_t wireBytes = 0;
  uint64_t messageBytes = 0;
  size_t deflateSessions = 0;
  size_t workers = 1;
  size_t generatorCores = 1;  // CPUs the generator may run on (its affinity)

  void merge(const RunResult& other);
  std::string serialize() const;  // one line, for the worker -> parent pipe
  static bool deserialize(const std::string& line, RunResult& out);

  double throughput() const { return seconds > 0 ? static_cast<double>(received) / seconds : 0; }
  uint64_t failureCount() const;
  // Server memory per open connection from a before/after pair, in bytes.
  double perConnectionBytes(long beforeKb, long afterKb) const {
    return opened ? static_cast<double>(afterKb - beforeKb) * 1024.0 / static_cast<double>(opened) : 0;
  }
  double redisBytesPerConnection() const {
    return opened ? static_cast<double>(redisMemoryAfter - redisMemoryBefore) / static_cast<double>(opened) : 0;
  }
  double generatorCpu() const { return seconds > 0 ? generatorCpuSeconds / seconds : 0; }  // in cores
  double serverCpu() const { return seconds > 0 && serverCpuSeconds >= 0 ? serverCpuSeconds / seconds : -1; }
  double redisCpu() const { return seconds > 0 && redisCpuSeconds >= 0 ? redisCpuSeconds / seconds : -1; }
  // The generator used (nearly) all the CPU it had: the figures are a floor of the server's.
  bool generatorSaturated() const;
  std::string toJson() const;
  std::string toTable() const;
};

}  // namespace chatd::bench
