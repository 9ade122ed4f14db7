#include "chat/LongPolls.h"

#include <algorithm>

namespace chatd::chat {

void LongPolls::wait(int64_t roomId, int64_t afterSeq, uint64_t timeoutMs, std::function<void()> wake) {
  auto waiter = std::make_unique<Waiter>(*this, roomId, afterSeq, std::move(wake));
  loop_.scheduleTimer(waiter->timer, timeoutMs);
  rooms_[roomId].push_back(std::move(waiter));
}

void LongPolls::notify(int64_t roomId, int64_t seq) {
  const auto it = rooms_.find(roomId);
  if (it == rooms_.end()) return;
  std::vector<std::unique_ptr<Waiter>> woken;
  auto& waiters = it->second;
  for (auto& waiter : waiters) {
    if (waiter->afterSeq < seq) woken.push_back(std::move(waiter));
  }
  std::erase(waiters, nullptr);
  if (waiters.empty()) rooms_.erase(it);
  // Woken after the bookkeeping: a wake may start another wait. Each
  // waiter's timer is cancelled when it is destroyed.
  for (auto& waiter : woken) waiter->wake();
}

void LongPolls::expire(Waiter* waiter) {
  auto it = rooms_.find(waiter->roomId);
  auto& waiters = it->second;
  const auto at = std::find_if(waiters.begin(), waiters.end(), [&](const auto& w) { return w.get() == waiter; });
  std::unique_ptr<Waiter> expired = std::move(*at);
  waiters.erase(at);
  if (waiters.empty()) rooms_.erase(it);
  expired->wake();
}

size_t LongPolls::waiting() const {
  size_t n = 0;
  for (const auto& [roomId, waiters] : rooms_) n += waiters.size();
  return n;
}

}  // namespace chatd::chat
