// The chat scenarios: chatd's own protocol on /ws (docs/protocol.md), on top
// of LoadRun. Each session connects with its token in the URL (?token=),
// waits for welcome, sends join_room for room (global index % --rooms) and
// counts as ready (opened, timed) when `joined` arrives; an error instead is
// a join_failed. Then, by scenario:
//
//   chat-connect  nothing: the run ends once every session joined or failed.
//   chat-idle     the sessions are held for --duration (--server-pid: memory).
//   chat-fanout   the first --senders sessions send `message` at --rate in
//                 total, content stamped "@ts=MICROSECONDS@" and client_id
//                 "t<MICROSECONDS>.<n>": the ack times send->ack at the sender,
//                 every `message` frame send->delivery at a receiver.
//   chat-history  every session keeps one history request in flight.
//   chat-mixed    chat-fanout's senders, plus history requests at
//                 --history-rate and typing events at --typing-rate, each from
//                 sessions taken round robin.
//
// Error frames after joining count as rate_limited or chat_error.
#pragma once

#include <string>
#include <vector>

#include "bench/ChatPlan.h"
#include "bench/LoadRun.h"

namespace chatd::bench {

class ChatRun final : public LoadRun {
 public:
  ChatRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate);

 private:
  enum class State : uint8_t { kConnecting, kJoining, kJoined, kFailed };

  bool holdsLoad() const override { return options_.scenario != "chat-connect"; }
  bool readyOnOpen() const override { return false; }
  std::string targetFor(size_t globalIndex) const override;
  void startLoad() override;
  void tick(uint64_t nowUs) override;
  void onClientMessage(WsClient& client, proto::WsOpcode opcode, std::span<const uint8_t> payload) override;

  void onWelcome(WsClient& client);
  void onJoined(WsClient& client);
  void onError(WsClient& client, std::string_view frame);
  void sendMessage(size_t local, uint64_t nowUs);
  void sendHistory(size_t local, uint64_t nowUs);
  void sendTyping(size_t local);
  size_t roomSize(size_t room) const;
  int64_t roomIdOf(size_t local) const { return plan_.roomIds[roomOf(firstIndex_ + local)]; }
  bool joined(size_t local) const { return states_[local] == State::kJoined; }
  // The next joined session at or after `cursor` (round robin), or SIZE_MAX.
  size_t nextJoined(size_t& cursor) const;

  const ChatPlan& plan_;
  size_t firstIndex_;
  std::vector<State> states_;
  std::vector<uint64_t> historySentUs_;  // 0: none in flight
  std::vector<size_t> senders_;          // local indices
  double messageRate_ = 0;               // this process's share
  double historyRate_ = 0;
  double typingRate_ = 0;
  uint64_t loadStartUs_ = 0;
  uint64_t messagesOwed_ = 0, historyOwed_ = 0, typingOwed_ = 0;
  uint64_t sequence_ = 0;
  size_t nextSender_ = 0, nextReader_ = 0, nextTypist_ = 0;
};

}  // namespace chatd::bench
