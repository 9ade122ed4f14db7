// HTTP clients that cannot use a WebSocket wait for a room's next message:
// GET /api/v1/rooms/{id}/messages?after=SEQ&wait=SECONDS. Each waiter is
// woken once, by the first message committed past its seq or by its timeout,
// whichever comes first; it then reads the store and answers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "reactor/EventLoop.h"

namespace chatd::chat {

class LongPolls {
 public:
  explicit LongPolls(reactor::EventLoop& loop) : loop_(loop) {}

  void wait(int64_t roomId, int64_t afterSeq, uint64_t timeoutMs, std::function<void()> wake);
  // A message with `seq` was committed in `roomId`.
  void notify(int64_t roomId, int64_t seq);
  size_t waiting() const;

 private:
  struct Waiter final : reactor::TimerHandler {
    Waiter(LongPolls& owner, int64_t roomId, int64_t afterSeq, std::function<void()> wake)
        : owner(owner), roomId(roomId), afterSeq(afterSeq), wake(std::move(wake)) {}
    void handleTimer(reactor::Timer&) override { owner.expire(this); }
    LongPolls& owner;
    int64_t roomId;
    int64_t afterSeq;
    std::function<void()> wake;
    reactor::Timer timer{this};
  };
  void expire(Waiter* waiter);

  reactor::EventLoop& loop_;
  std::unordered_map<int64_t, std::vector<std::unique_ptr<Waiter>>> rooms_;
};

}  // namespace chatd::chat
