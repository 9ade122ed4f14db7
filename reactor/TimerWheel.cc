#include "reactor/TimerWheel.h"

#include <algorithm>

namespace chatd::reactor {

Timer::~Timer() {
  if (wheel_) wheel_->cancel(*this);
}

TimerWheel::TimerWheel(uint32_t tickMs, size_t slots, uint64_t nowMs)
    : buckets_(slots), tickMs_(tickMs), currentTick_(nowMs / tickMs) {}

TimerWheel::~TimerWheel() {
  // Detach whatever is still linked so the owners' Timer destructors do not
  // touch a dead wheel.
  auto detachAll = [](List& list) {
    for (Timer* t = list.head; t;) {
      Timer* next = t->next_;
      t->prev_ = t->next_ = nullptr;
      t->wheel_ = nullptr;
      t = next;
    }
    list.head = nullptr;
  };
  for (List& bucket : buckets_) detachAll(bucket);
  detachAll(ready_);
}

void TimerWheel::link(List& list, Timer& timer) {
  timer.prev_ = nullptr;
  timer.next_ = list.head;
  if (list.head) list.head->prev_ = &timer;
  list.head = &timer;
}

void TimerWheel::unlink(Timer& timer) {
  if (timer.prev_) {
    timer.prev_->next_ = timer.next_;
  } else if (ready_.head == &timer) {
    ready_.head = timer.next_;
  } else {
    bucketFor(timer.deadlineTick_).head = timer.next_;
  }
  if (timer.next_) timer.next_->prev_ = timer.prev_;
  timer.prev_ = timer.next_ = nullptr;
  timer.wheel_ = nullptr;
  --count_;
}

void TimerWheel::schedule(Timer& timer, uint64_t delayMs, uint64_t nowMs) {
  if (timer.wheel_) unlink(timer);
  // Round the deadline up, not just the delay: counting from the start of the
  // current tick would fire up to a tick early. Never at or behind the
  // processed position, or the timer would wait a whole revolution.
  const uint64_t dueTick = (nowMs + delayMs + tickMs_ - 1) / tickMs_;
  timer.deadlineTick_ = std::max(dueTick, currentTick_ + 1);
  timer.wheel_ = this;
  link(bucketFor(timer.deadlineTick_), timer);
  ++count_;
}

void TimerWheel::cancel(Timer& timer) {
  if (timer.wheel_ == this) unlink(timer);
}

void TimerWheel::advance(uint64_t nowMs) {
  const uint64_t target = nowMs / tickMs_;
  if (target <= currentTick_ && !ready_.head) return;
  // Past one revolution every bucket is visited once; each keeps its far-future timers.
  const uint64_t steps = std::min<uint64_t>(target - std::min(target, currentTick_), buckets_.size());
  // link() prepends, so walking from the latest tick back to the earliest
  // leaves the ready list in deadline order, each tick's timers in the order
  // they were scheduled (buckets hold them newest first).
  for (uint64_t i = steps; i >= 1; --i) {
    List& bucket = bucketFor(currentTick_ + i);
    for (Timer* t = bucket.head; t;) {
      Timer* next = t->next_;
      if (t->deadlineTick_ <= target) {
        unlink(*t);
        t->wheel_ = this;
        link(ready_, *t);
        ++count_;
      }
      t = next;
    }
  }
  currentTick_ = std::max(currentTick_, target);
  while (Timer* t = ready_.head) {
    unlink(*t);
    t->handler_->handleTimer(*t);
  }
}

int TimerWheel::msUntilNext(uint64_t nowMs) const {
  if (count_ == 0) return -1;
  if (ready_.head) return 0;
  const uint64_t nowTick = nowMs / tickMs_;
  for (uint64_t i = 1; i <= buckets_.size(); ++i) {
    const uint64_t tick = currentTick_ + i;
    if (!buckets_[tick % buckets_.size()].head) continue;
    if (tick <= nowTick) return 0;
    return static_cast<int>((tick - nowTick) * tickMs_ - nowMs % tickMs_);
  }
  return static_cast<int>(buckets_.size() * tickMs_);
}

}  // namespace chatd::reactor
