#include "chat/LongPolls.h"

#include <algorithm>

namespace chatd::chat {

uint64_t LongPolls::wait(int64_t roomId, int64_t afterSeq, uint64_t timeoutMs, std::function<void()> wake) {
  const uint64_t ticket = nextTicket_++;
  auto waiter = std::make_unique<Waiter>(*this, roomId, afterSeq, ticket, std::move(wake));
  loop_.scheduleTimer(waiter->timer, timeoutMs);
  rooms_[roomId].push_back(std::move(waiter));
  return ticket;
}

void LongPolls::cancel(int64_t roomId, uint64_t ticket) {
  take(roomId, [ticket](const Waiter& w) { return w.ticket == ticket; });  // its timer is cancelled with it
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
  take(waiter->roomId, [waiter](const Waiter& w) { return &w == waiter; })->wake();
}

template <typename Match>
std::unique_ptr<LongPolls::Waiter> LongPolls::take(int64_t roomId, Match match) {
  const auto it = rooms_.find(roomId);
  if (it == rooms_.end()) return nullptr;
  auto& waiters = it->second;
  const auto at = std::find_if(waiters.begin(), waiters.end(), [&](const auto& w) { return match(*w); });
  if (at == waiters.end()) return nullptr;
  std::unique_ptr<Waiter> taken = std::move(*at);
  waiters.erase(at);
  if (waiters.empty()) rooms_.erase(it);
  return taken;
}

size_t LongPolls::waiting() const {
  size_t n = 0;
  for (const auto& [roomId, waiters] : rooms_) n += waiters.size();
  return n;
}

}  // namespace chatd::chat
