// The load each scenario puts on the server, on top of LoadRun.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "bench/LoadRun.h"

namespace chatd::bench {

// connect: open every connection (at --rate), time each open, then close.
// idle: open them and hold them for --duration; with --server-pid the
// server's memory is read before the first connect and at the end of the hold.
class HoldRun final : public LoadRun {
 public:
  using LoadRun::LoadRun;

 private:
  bool holdsLoad() const override { return options_.scenario != "connect"; }
};

// echo: each connection sends --size-byte text messages and times each echo
// (the server answers in order, so a FIFO of send times per connection
// matches them). Closed loop (one in flight per connection) or paced at --rate.
class EchoRun final : public LoadRun {
 public:
  EchoRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate);

 private:
  void startLoad() override;
  void tick(uint64_t nowUs) override;
  void onClientMessage(WsClient& client, proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  void sendOne(WsClient& client, uint64_t nowUs);

  std::string payload_;
  std::vector<std::deque<uint64_t>> sendTimes_;
  uint64_t loadStartUs_ = 0;
  uint64_t sentTotal_ = 0;
  size_t nextClient_ = 0;
};

// fanout: connections join rooms (global index % --rooms, through {room} in
// the URL); the first --senders connections send --message at --rate in total,
// with their send time written in as "@ts=MICROSECONDS@". Every delivery, to
// every member (senders included), is timed from that stamp.
class FanoutRun final : public LoadRun {
 public:
  FanoutRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate);

 private:
  void startLoad() override;
  void tick(uint64_t nowUs) override;
  void onClientMessage(WsClient& client, proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  size_t roomSize(size_t room) const;
  std::string render(size_t room, uint64_t nowUs);

  std::vector<size_t> senders_;  // local indices
  uint64_t loadStartUs_ = 0;
  uint64_t sentTotal_ = 0;
  uint64_t sequence_ = 0;
  size_t nextSender_ = 0;
  size_t firstIndex_;
};

std::unique_ptr<LoadRun> makeRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count,
                                 double rate);

}  // namespace chatd::bench
