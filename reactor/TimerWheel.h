// A hashed timing wheel for the many coarse timeouts of a chat server
// (handshake, idle ping, pong deadline): O(1) schedule and cancel, one wheel
// per loop instead of a timer fd per connection.
//
// Timers are intrusive: the owner embeds a Timer (40 bytes) and the wheel only
// links it, so a connection's timer costs no allocation. A Timer must be
// cancelled (or have fired) before its owner is destroyed; ~Timer cancels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace chatd::reactor {

class Timer;
class TimerWheel;

class TimerHandler {
 public:
  virtual void handleTimer(Timer& timer) = 0;

 protected:
  ~TimerHandler() = default;
};

class Timer {
 public:
  explicit Timer(TimerHandler* handler) : handler_(handler) {}
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  bool scheduled() const { return wheel_ != nullptr; }

 private:
  friend class TimerWheel;
  Timer* prev_ = nullptr;
  Timer* next_ = nullptr;
  TimerWheel* wheel_ = nullptr;  // set while linked into a bucket or the ready list
  TimerHandler* handler_;
  uint64_t deadlineTick_ = 0;
};

class TimerWheel {
 public:
  // `tickMs` is the resolution; `slots` buckets make one revolution. Longer
  // delays simply stay in their bucket for more revolutions.
  TimerWheel(uint32_t tickMs, size_t slots, uint64_t nowMs);
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;
  ~TimerWheel();

  // (Re)arms `timer` to fire `delayMs` after `nowMs` (rounded up to a tick).
  void schedule(Timer& timer, uint64_t delayMs, uint64_t nowMs);
  void cancel(Timer& timer);

  // Fires every timer due at `nowMs`, in deadline order (after a jump of more
  // than one revolution, overdue timers fire in bucket order instead). Due
  // timers are first moved to a ready list, so a handler that re-arms its
  // timer runs again on a later call, never in a loop; a handler may cancel
  // or schedule any timer.
  void advance(uint64_t nowMs);

  // Milliseconds until the earliest possible expiry (0 if one is due), or -1
  // when no timer is scheduled. May be early, never late: fit for epoll_wait.
  int msUntilNext(uint64_t nowMs) const;

  size_t size() const { return count_; }

 private:
  struct List {
    Timer* head = nullptr;
  };
  static void link(List& list, Timer& timer);
  void unlink(Timer& timer);
  List& bucketFor(uint64_t tick) { return buckets_[tick % buckets_.size()]; }

  std::vector<List> buckets_;
  List ready_;
  uint32_t tickMs_;
  uint64_t currentTick_;  // every bucket up to this tick has been processed
  size_t count_ = 0;
};

}  // namespace chatd::reactor
