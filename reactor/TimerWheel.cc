#include "reactor/TimerWheel.h"

#include <algorithm>

namespace chatd::reactor {

void TimerLink::unlink() {
  if (!next) return;
  prev->next = next;
  next->prev = prev;
  prev = next = nullptr;
}

void TimerLink::insertAfter(TimerLink& position) {
  prev = &position;
  next = position.next;
  position.next->prev = this;
  position.next = this;
}

TimerWheel::TimerWheel(uint32_t tickMs, size_t slots, uint64_t nowMs)
    : buckets_(std::make_unique<List[]>(slots)), slotCount_(slots), tickMs_(tickMs), currentTick_(nowMs / tickMs) {}

TimerWheel::~TimerWheel() {
  // Detach whatever is still linked so the owners' Timer destructors do not
  // touch a dead sentinel.
  auto detachAll = [](List& list) {
    while (!list.empty()) list.next->unlink();
  };
  for (size_t i = 0; i < slotCount_; ++i) detachAll(buckets_[i]);
  detachAll(ready_);
}

void TimerWheel::schedule(Timer& timer, uint64_t delayMs, uint64_t nowMs) {
  timer.unlink();
  // Round the deadline up, not just the delay: counting from the start of the
  // current tick would fire up to a tick early. Never at or behind the
  // processed position, or the timer would wait a whole revolution.
  const uint64_t dueTick = (nowMs + delayMs + tickMs_ - 1) / tickMs_;
  timer.deadlineTick_ = std::max(dueTick, currentTick_ + 1);
  timer.insertAfter(bucketFor(timer.deadlineTick_));
}

void TimerWheel::advance(uint64_t nowMs) {
  const uint64_t target = nowMs / tickMs_;
  if (target <= currentTick_ && ready_.empty()) return;
  // Past one revolution every bucket is visited once; each keeps its far-future timers.
  const uint64_t steps = std::min<uint64_t>(target - std::min(target, currentTick_), slotCount_);
  // Buckets hold their timers newest first, and each due timer is put at the
  // front of the ready list: walking from the latest tick back to the
  // earliest leaves the ready list in deadline order, each tick's timers in
  // the order they were scheduled.
  for (uint64_t i = steps; i >= 1; --i) {
    List& bucket = bucketFor(currentTick_ + i);
    for (TimerLink* link = bucket.next; link != &bucket;) {
      TimerLink* following = link->next;
      Timer& timer = timerAt(link);
      if (timer.deadlineTick_ <= target) {
        timer.unlink();
        timer.insertAfter(ready_);
      }
      link = following;
    }
  }
  currentTick_ = std::max(currentTick_, target);
  while (!ready_.empty()) {
    Timer& timer = timerAt(ready_.next);
    timer.unlink();
    timer.handler_->handleTimer(timer);
  }
}

int TimerWheel::msUntilNext(uint64_t nowMs) const {
  if (!ready_.empty()) return 0;
  const uint64_t nowTick = nowMs / tickMs_;
  for (uint64_t i = 1; i <= slotCount_; ++i) {
    const uint64_t tick = currentTick_ + i;
    if (buckets_[tick % slotCount_].empty()) continue;
    if (tick <= nowTick) return 0;
    return static_cast<int>((tick - nowTick) * tickMs_ - nowMs % tickMs_);
  }
  return -1;  // nothing scheduled
}

size_t TimerWheel::size() const {
  auto count = [](const List& list) {
    size_t n = 0;
    for (const TimerLink* link = list.next; link != &list; link = link->next) ++n;
    return n;
  };
  size_t total = count(ready_);
  for (size_t i = 0; i < slotCount_; ++i) total += count(buckets_[i]);
  return total;
}

}  // namespace chatd::reactor
