// A hashed timing wheel for the many coarse timeouts of a chat server
// (handshake, idle ping, pong deadline): O(1) schedule and cancel, one wheel
// per loop instead of a timer fd per connection.
//
// Timers are intrusive: the owner embeds a Timer (32 bytes) and the wheel only
// links it, so a connection's timer costs no allocation. The lists are
// circular around a sentinel, so a timer unlinks itself without knowing its
// wheel: ~Timer cancels, and a Timer may outlive its wheel (it is detached).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace chatd::reactor {

class Timer;
class TimerWheel;

class TimerHandler {
 public:
  virtual void handleTimer(Timer& timer) = 0;

 protected:
  ~TimerHandler() = default;
};

// A place in one of the wheel's circular lists: a timer, or a list's sentinel.
struct TimerLink {
  TimerLink* prev = nullptr;  // both null: not linked
  TimerLink* next = nullptr;
  bool linked() const { return next != nullptr; }
  void unlink();
  void insertAfter(TimerLink& position);
};

class Timer : private TimerLink {
 public:
  explicit Timer(TimerHandler* handler) : handler_(handler) {}
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer() { unlink(); }

  bool scheduled() const { return linked(); }

 private:
  friend class TimerWheel;
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
  // Harmless for a timer that is not scheduled.
  static void cancel(Timer& timer) { timer.unlink(); }

  // Fires every timer due at `nowMs`, in deadline order (after a jump of more
  // than one revolution, overdue timers fire in bucket order instead). Due
  // timers are first moved to a ready list, so a handler that re-arms its
  // timer runs again on a later call, never in a loop; a handler may cancel
  // or schedule any timer.
  void advance(uint64_t nowMs);

  // Milliseconds until the earliest possible expiry (0 if one is due), or -1
  // when no timer is scheduled. May be early, never late: fit for epoll_wait.
  int msUntilNext(uint64_t nowMs) const;

  // How many timers are scheduled: walks every list (tests, diagnostics).
  size_t size() const;

 private:
  struct List : TimerLink {
    List() { prev = next = this; }
    List(const List&) = delete;
    List& operator=(const List&) = delete;
    bool empty() const { return next == this; }
  };
  List& bucketFor(uint64_t tick) { return buckets_[tick % slotCount_]; }
  static Timer& timerAt(TimerLink* link) { return static_cast<Timer&>(*link); }

  std::unique_ptr<List[]> buckets_;  // sentinels: never move once the lists point at them
  size_t slotCount_;
  List ready_;
  uint32_t tickMs_;
  uint64_t currentTick_;  // every bucket up to this tick has been processed
};

}  // namespace chatd::reactor
