// The skeleton every scenario shares, for the connections of one generator
// process: open them (paced by --rate, a bounded number in flight), warm up,
// measure for --duration, close them all, and hand back a RunResult.
//
// Forked workers wait for each other once their connections settled (see
// syncWithOtherWorkers), so that what is read at the end of the opening --
// server memory, Redis -- sees every worker's sessions, and the windows of
// the held scenarios coincide.
//
// Subclasses add the load: startLoad() once every connection was attempted,
// tick() every kTickMs until the window ends, and the ClientObserver
// callbacks. Counters they bump count only while measuring().
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "bench/Options.h"
#include "bench/RedisProbe.h"
#include "bench/RunResult.h"
#include "bench/WsClient.h"
#include "reactor/EventLoop.h"

namespace chatd::bench {

class LoadRun : public ClientObserver, public reactor::TimerHandler, private reactor::IoHandler {
 public:
  static constexpr uint64_t kTickMs = 10;
  static constexpr size_t kMaxConnecting = 1000;  // in flight at once, below the server's SYN backlog
  static constexpr size_t kConnectionsPerSource = 5000;

  // Drives clients [firstIndex, firstIndex + count) of the whole run; this
  // process's share of the message rate is `rate`.
  LoadRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate);
  virtual ~LoadRun();

  // Once every connection settled, write one byte to `arrivedFd` and go on
  // only when `releaseFd` turns readable (the parent closed its end).
  void syncWithOtherWorkers(int arrivedFd, int releaseFd);
  RunResult run();

  static uint64_t nowUs();

 protected:
  virtual void startLoad() {}
  virtual void tick(uint64_t nowUs) { (void)nowUs; }
  // false: end as soon as every connection was attempted (the connect scenario).
  virtual bool holdsLoad() const { return true; }
  // Called when the window closes, before the connections are closed.
  virtual void endOfWindow() {}
  // false: a connection counts as ready (opened, timed, no longer in flight)
  // only when the subclass calls markReady() (the chat scenarios: once joined).
  virtual bool readyOnOpen() const { return true; }
  // The request target of client `globalIndex`: the URL's path with {room} filled in.
  virtual std::string targetFor(size_t globalIndex) const;
  void markReady(WsClient& client);

  void onClientOpen(WsClient& client) override;
  void onClientClosed(WsClient& client, Failure failure) override;
  void onClientMessage(WsClient&, proto::WsOpcode, std::span<const uint8_t>) override {}

  bool measuring() const { return phase_ == Phase::kMeasuring; }
  size_t clientCount() const { return clients_.size(); }
  WsClient& client(size_t i) { return *clients_[i]; }
  // The room of the client with global index `index` (fanout, {room}).
  size_t roomOf(size_t globalIndex) const { return globalIndex % options_.rooms; }

  reactor::EventLoop& loop_;
  const Options& options_;
  RunResult result_;
  double rate_;
  uint64_t openStartedUs_ = 0;
  std::vector<uint64_t> connectStartUs_;  // per client, for the connect latency

 private:
  enum class Phase { kOpening, kWaitingForWorkers, kWarmup, kMeasuring, kClosing, kDone };

  void handleTimer(reactor::Timer& timer) override;
  void handleReadable(uint32_t events) override;  // releaseFd_: the other workers are done opening too
  void handleWritable() override {}
  void openMore(uint64_t now);
  void allAttempted(uint64_t now);
  void afterOpening(uint64_t now);
  void beginMeasuring(uint64_t now);
  void endMeasuring(uint64_t now);
  const reactor::SocketAddress* sourceFor(size_t globalIndex) const;
  void settle(size_t index);
  void sampleRedisAtStart();
  void sampleRedisAtEnd();

  std::vector<std::unique_ptr<WsClient>> clients_;
  std::vector<reactor::SocketAddress> sources_;
  std::vector<uint8_t> settledFlags_;  // per client: ready or failed
  reactor::Timer ticker_{this};
  size_t firstIndex_;
  size_t attempted_ = 0;
  size_t settled_ = 0;   // opened or failed
  size_t closed_ = 0;
  uint64_t phaseEndsUs_ = 0;
  uint64_t measureStartUs_ = 0;
  double cpuAtStart_ = 0;
  double serverCpuAtStart_ = 0;
  uint64_t wireBytesAtStart_ = 0;     // the clients' totals when the window opened
  uint64_t messageBytesAtStart_ = 0;
  std::vector<RedisInfo> redisAtStart_;  // each --redis's, first worker only; empty when one did not answer
  double redisCpuAtStart_ = 0;           // summed over them
  Phase phase_ = Phase::kOpening;
  int arrivedFd_ = -1;  // syncWithOtherWorkers
  int releaseFd_ = -1;
};

}  // namespace chatd::bench
