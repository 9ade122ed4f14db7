#include "reactor/EventLoop.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace chatd::reactor {

namespace {

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::abort();
}

uint64_t pack(const Registration& reg) { return (uint64_t{reg.generation} << 32) | reg.slot; }

}  // namespace

class EventLoop::WakeupHandler final : public IoHandler {
 public:
  explicit WakeupHandler(EventLoop& loop) : loop_(loop) {}
  void handleReadable() override {
    uint64_t count;
    while (::read(loop_.wakeFd_, &count, sizeof count) == sizeof count) {
    }
    loop_.runPendingTasks();
  }
  void handleWritable() override {}

 private:
  EventLoop& loop_;
};

uint64_t EventLoop::monotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

EventLoop::EventLoop()
    : epollFd_(epoll_create1(EPOLL_CLOEXEC)),
      wakeFd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      nowMs_(monotonicMs()),
      timers_(kTimerTickMs, 1024, nowMs_),
      events_(256),
      receiveBuffer_(new uint8_t[kReceiveBufferBytes]),
      wakeup_(std::make_unique<WakeupHandler>(*this)) {
  if (epollFd_ < 0) die("epoll_create1");
  if (wakeFd_ < 0) die("eventfd");
  if (add(wakeFd_, wakeup_.get(), EPOLLIN, wakeReg_) < 0) die("epoll_ctl(eventfd)");
}

EventLoop::~EventLoop() {
  destroyDeferred();
  ::close(wakeFd_);
  ::close(epollFd_);
}

int EventLoop::add(int fd, IoHandler* handler, uint32_t events, Registration& out) {
  uint32_t slot;
  if (!freeSlots_.empty()) {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot].handler = handler;
  out = Registration{slot, slots_[slot].generation};
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = pack(out);
  if (epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    const int err = errno;
    remove(out, -1);
    return -err;
  }
  return 0;
}

void EventLoop::modify(const Registration& reg, int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = pack(reg);
  if (epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &ev) < 0) die("epoll_ctl(MOD)");
}

void EventLoop::remove(Registration& reg, int fd) {
  if (!reg.valid()) return;
  if (fd >= 0) epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
  Slot& slot = slots_[reg.slot];
  slot.handler = nullptr;
  // Generation 0 means "unregistered", so skip it on wrap-around.
  if (++slot.generation == 0) slot.generation = 1;
  freeSlots_.push_back(reg.slot);
  reg = Registration{};
}

void EventLoop::dispatch(const epoll_event& event) {
  const auto slotIndex = static_cast<uint32_t>(event.data.u64);
  const auto generation = static_cast<uint32_t>(event.data.u64 >> 32);
  auto live = [&] {
    return slotIndex < slots_.size() && slots_[slotIndex].generation == generation && slots_[slotIndex].handler;
  };
  if (!live()) return;  // stale: removed earlier in this iteration
  // Errors and hang-ups surface through read()/write() returning them.
  if (event.events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) slots_[slotIndex].handler->handleReadable();
  if ((event.events & EPOLLOUT) && live()) slots_[slotIndex].handler->handleWritable();
}

void EventLoop::run() {
  stopping_ = false;
  while (!stopping_) {
    nowMs_ = monotonicMs();
    const int timeout = flushQueue_.empty() && graveyard_.empty() ? timers_.msUntilNext(nowMs_) : 0;
    const int n = epoll_wait(epollFd_, events_.data(), static_cast<int>(events_.size()), timeout);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    nowMs_ = monotonicMs();
    for (int i = 0; i < n; ++i) dispatch(events_[static_cast<size_t>(i)]);
    if (n == static_cast<int>(events_.size()) && events_.size() < 4096) events_.resize(events_.size() * 2);
    timers_.advance(nowMs_);
    finishIteration();
  }
  finishIteration();
}

void EventLoop::stop() { stopping_ = true; }

void EventLoop::requestFlush(Flushable* f, bool& queuedFlag) {
  if (queuedFlag) return;
  queuedFlag = true;
  flushQueue_.emplace_back(f, &queuedFlag);
}

void EventLoop::destroyLater(std::unique_ptr<Deferred> object) { graveyard_.push_back(std::move(object)); }

void EventLoop::finishIteration() {
  // A flush may queue more flushes (or closes); take batches until none are left.
  while (!flushQueue_.empty()) {
    std::vector<std::pair<Flushable*, bool*>> batch;
    batch.swap(flushQueue_);
    for (auto& [flushable, flag] : batch) {
      *flag = false;
      flushable->flush();
    }
  }
  destroyDeferred();
}

void EventLoop::destroyDeferred() {
  // A destructor may defer more objects: never let it append to the vector
  // being cleared, take batches instead.
  while (!graveyard_.empty()) {
    std::vector<std::unique_ptr<Deferred>> batch;
    batch.swap(graveyard_);
  }
}

void EventLoop::runInLoop(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(tasksMutex_);
    tasks_.push_back(std::move(task));
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
}

void EventLoop::runPendingTasks() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(tasksMutex_);
    tasks.swap(tasks_);
  }
  for (auto& task : tasks) task();
}

}  // namespace chatd::reactor
