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

  // Returns a ticket for cancel().
  uint64_t wait(int64_t roomId, int64_t afterSeq, uint64_t timeoutMs, std::function<void()> wake);
  // Drops the wait without waking it (its client has gone); nothing if it has already woken.
  void cancel(int64_t roomId, uint64_t ticket);
  // A message with `seq` was committed in `roomId`.
  void notify(int64_t roomId, int64_t seq);
  size_t waiting() const;

 private:
  struct Waiter final : reactor::TimerHandler {
    Waiter(LongPolls& owner, int64_t roomId, int64_t afterSeq, uint64_t ticket, std::function<void()> wake)
        : owner(owner), roomId(roomId), afterSeq(afterSeq), ticket(ticket), wake(std::move(wake)) {}
    void handleTimer(reactor::Timer&) override { owner.expire(this); }
    LongPolls& owner;
    int64_t roomId;
    int64_t afterSeq;
    uint64_t ticket;
    std::function<void()> wake;
    reactor::Timer timer{this};
  };
  void expire(Waiter* waiter);
  // Takes the first waiter in `roomId` that `match`es out of the list; null when none does.
  template <typename Match>
  std::unique_ptr<Waiter> take(int64_t roomId, Match match);

  reactor::EventLoop& loop_;
  std::unordered_map<int64_t, std::vector<std::unique_ptr<Waiter>>> rooms_;
  uint64_t nextTicket_ = 1;
};

}  // namespace chatd::chat
