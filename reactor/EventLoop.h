// The single-threaded epoll reactor. Owns the epoll fd, the timer wheel, the
// shared receive buffer, the self-wakeup eventfd and the list of objects whose
// destruction was deferred. Knows nothing of any protocol.
//
// epoll's data word is the handler itself: the loop keeps no table per fd, so
// a registration costs nothing but the kernel's own. When a handler is removed
// while a batch of events is being dispatched, its events still waiting in the
// batch are blanked, so a stale event never reaches it (or whatever takes its
// place). Readable is dispatched before writable so a reply can leave in the
// same iteration.
//
// One iteration: epoll_wait (timeout from the timer wheel) -> dispatch I/O ->
// run due timers -> run cross-thread tasks -> flush corked output -> destroy
// deferred objects.
#pragma once

#include <sys/epoll.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "reactor/LatencyHistogram.h"
#include "reactor/TimerWheel.h"

namespace chatd::reactor {

class IoHandler {
 public:
  // Readable, hung up or failed; `events` is what epoll reported (EPOLLIN,
  // EPOLLRDHUP, EPOLLHUP, EPOLLERR, EPOLLOUT).
  virtual void handleReadable(uint32_t events) = 0;
  virtual void handleWritable() = 0;

 protected:
  ~IoHandler() = default;
};

// Something the loop flushes once per iteration, after all I/O and timers.
class Flushable {
 public:
  virtual void flush() = 0;

 protected:
  ~Flushable() = default;
};

class EventLoop {
 public:
  static constexpr size_t kReceiveBufferBytes = 512 * 1024;
  static constexpr uint32_t kTimerTickMs = 10;

  // `receiveBufferBytes`: the shared receive buffer's size, the most one read takes.
  explicit EventLoop(size_t receiveBufferBytes = kReceiveBufferBytes);
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  // Registers `fd` for `events` (EPOLLIN/EPOLLOUT); its events go to
  // `handler` (one fd per handler) until remove(). Returns -errno on failure.
  int add(int fd, IoHandler* handler, uint32_t events);
  void modify(int fd, IoHandler* handler, uint32_t events);
  // Unregisters (harmless if `fd` is not registered); the handler's events
  // still pending in this iteration are dropped. Does not close fd.
  void remove(int fd, IoHandler* handler);

  void run();   // until stop()
  void stop();  // from the loop thread
  bool stopping() const { return stopping_; }

  // Monotonic milliseconds, cached once per iteration.
  uint64_t nowMs() const { return nowMs_; }
  TimerWheel& timers() { return timers_; }
  void scheduleTimer(Timer& timer, uint64_t delayMs) { timers_.schedule(timer, delayMs, nowMs_); }

  // The shared receive buffer: valid until the handler returns.
  std::span<uint8_t> receiveBuffer() { return {receiveBuffer_.get(), receiveBufferBytes_}; }

  // Queues `f` to flush at the end of this iteration (once, however often asked).
  void requestFlush(Flushable* f, bool& queuedFlag);
  // Takes ownership of `object` and destroys it at the end of this iteration.
  // A plain function pointer rather than a virtual base, so the many
  // long-lived objects that die this way carry no extra vtable pointer.
  template <typename T>
  void destroyLater(std::unique_ptr<T> object) {
    graveyard_.push_back({object.release(), [](void* doomed) { delete static_cast<T*>(doomed); }});
  }

  // Thread-safe: runs `task` on the loop thread soon (wakes the loop via eventfd).
  void runInLoop(std::function<void()> task);

  static uint64_t monotonicMs();
  static uint64_t monotonicUs();

  // How long each wake-up's work took (I/O, timers, tasks, flushes), from
  // the return of epoll_wait to the next call: the loop's latency.
  const LatencyHistogram& iterationLatency() const { return iterations_; }

 private:
  struct Doomed {
    void* object;
    void (*destroy)(void*);
  };
  class WakeupHandler;

  void dispatch(epoll_event& event);
  void runPendingTasks();
  void finishIteration();
  void destroyDeferred();

  int epollFd_;
  int wakeFd_;
  uint64_t nowMs_;
  TimerWheel timers_;
  std::vector<epoll_event> events_;
  size_t dispatching_ = 0;  // index into events_ of the event being dispatched
  size_t batchSize_ = 0;    // events_[dispatching_..batchSize_) are still to dispatch
  size_t receiveBufferBytes_;
  std::unique_ptr<uint8_t[]> receiveBuffer_;
  std::vector<std::pair<Flushable*, bool*>> flushQueue_;
  std::vector<Doomed> graveyard_;
  std::unique_ptr<WakeupHandler> wakeup_;
  std::mutex tasksMutex_;
  std::vector<std::function<void()>> tasks_;
  LatencyHistogram iterations_;
  bool stopping_ = false;
};

}  // namespace chatd::reactor
