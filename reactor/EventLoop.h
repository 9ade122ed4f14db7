// The single-threaded epoll reactor. Owns the epoll fd, the timer wheel, the
// shared receive buffer, the self-wakeup eventfd and the list of objects whose
// destruction was deferred. Knows nothing of any protocol.
//
// Handlers are registered per fd and get a Registration (slot + generation) so
// an event that is still pending for an fd removed earlier in the same
// iteration is recognised as stale and dropped. Readable is dispatched before
// writable so a reply can leave in the same iteration.
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

#include "reactor/TimerWheel.h"

namespace chatd::reactor {

class IoHandler {
 public:
  virtual void handleReadable() = 0;
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

// Something whose destruction the loop defers to the end of the iteration.
class Deferred {
 public:
  virtual ~Deferred() = default;
};

struct Registration {
  uint32_t slot = 0;
  uint32_t generation = 0;  // 0: not registered
  bool valid() const { return generation != 0; }
};

class EventLoop {
 public:
  static constexpr size_t kReceiveBufferBytes = 512 * 1024;
  static constexpr uint32_t kTimerTickMs = 10;

  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  // Registers `fd` for `events` (EPOLLIN/EPOLLOUT); returns -errno on failure.
  int add(int fd, IoHandler* handler, uint32_t events, Registration& out);
  void modify(const Registration& reg, int fd, uint32_t events);
  // Unregisters; pending events for it in this iteration are dropped. Does not close fd.
  void remove(Registration& reg, int fd);

  void run();   // until stop()
  void stop();  // from the loop thread
  bool stopping() const { return stopping_; }

  // Monotonic milliseconds, cached once per iteration.
  uint64_t nowMs() const { return nowMs_; }
  TimerWheel& timers() { return timers_; }
  void scheduleTimer(Timer& timer, uint64_t delayMs) { timers_.schedule(timer, delayMs, nowMs_); }

  // The shared receive buffer: valid until the handler returns.
  std::span<uint8_t> receiveBuffer() { return {receiveBuffer_.get(), kReceiveBufferBytes}; }

  // Queues `f` to flush at the end of this iteration (once, however often asked).
  void requestFlush(Flushable* f, bool& queuedFlag);
  // Takes ownership of `object` and destroys it at the end of this iteration.
  void destroyLater(std::unique_ptr<Deferred> object);

  // Thread-safe: runs `task` on the loop thread soon (wakes the loop via eventfd).
  void runInLoop(std::function<void()> task);

  static uint64_t monotonicMs();

 private:
  struct Slot {
    IoHandler* handler = nullptr;
    uint32_t generation = 1;
  };
  class WakeupHandler;

  void dispatch(const epoll_event& event);
  void runPendingTasks();
  void finishIteration();
  void destroyDeferred();

  int epollFd_;
  int wakeFd_;
  uint64_t nowMs_;
  TimerWheel timers_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> freeSlots_;
  std::vector<epoll_event> events_;
  std::unique_ptr<uint8_t[]> receiveBuffer_;
  std::vector<std::pair<Flushable*, bool*>> flushQueue_;
  std::vector<std::unique_ptr<Deferred>> graveyard_;
  std::unique_ptr<WakeupHandler> wakeup_;
  Registration wakeReg_;
  std::mutex tasksMutex_;
  std::vector<std::function<void()>> tasks_;
  bool stopping_ = false;
};

}  // namespace chatd::reactor
