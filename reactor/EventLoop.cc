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

}  // namespace

class EventLoop::WakeupHandler final : public IoHandler {
 public:
  explicit WakeupHandler(EventLoop& loop) : loop_(loop) {}
  void handleReadable(uint32_t) override {
    uint64_t count;
    while (::read(loop_.wakeFd_, &count, sizeof count) == sizeof count) {
    }
    loop_.runPendingTasks();
  }
  void handleWritable() override {}

 private:
  EventLoop& loop_;
};

uint64_t EventLoop::monotonicMs() { return monotonicUs() / 1000; }

uint64_t EventLoop::monotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

EventLoop::EventLoop(size_t receiveBufferBytes)
    : epollFd_(epoll_create1(EPOLL_CLOEXEC)),
      wakeFd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      nowMs_(monotonicMs()),
      timers_(kTimerTickMs, 1024, nowMs_),
      events_(256),
      receiveBufferBytes_(receiveBufferBytes),
      receiveBuffer_(new uint8_t[receiveBufferBytes]),
      wakeup_(std::make_unique<WakeupHandler>(*this)) {
  if (epollFd_ < 0) die("epoll_create1");
  if (wakeFd_ < 0) die("eventfd");
  if (add(wakeFd_, wakeup_.get(), EPOLLIN) < 0) die("epoll_ctl(eventfd)");
}

EventLoop::~EventLoop() {
  destroyDeferred();
  ::close(wakeFd_);
  ::close(epollFd_);
}

int EventLoop::add(int fd, IoHandler* handler, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

void EventLoop::modify(int fd, IoHandler* handler, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &ev) < 0) die("epoll_ctl(MOD)");
}

void EventLoop::remove(int fd, IoHandler* handler) {
  if (fd >= 0) epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
  if (dispatching_ >= batchSize_) return;  // not inside a batch: nothing pending
  // epoll reports a registration at most once per wait, so a handler removing
  // itself has no later event in this batch: blank only its current one (no
  // writable after readable). Removed by another, its event may still be ahead.
  if (events_[dispatching_].data.ptr == handler) {
    events_[dispatching_].data.ptr = nullptr;
    return;
  }
  for (size_t i = dispatching_ + 1; i < batchSize_; ++i) {
    if (events_[i].data.ptr == handler) events_[i].data.ptr = nullptr;
  }
}

void EventLoop::dispatch(epoll_event& event) {
  auto* handler = static_cast<IoHandler*>(event.data.ptr);
  if (!handler) return;  // removed earlier in this iteration
  // Errors and hang-ups surface through read()/write() returning them.
  if (event.events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) handler->handleReadable(event.events);
  if ((event.events & EPOLLOUT) && event.data.ptr) handler->handleWritable();
}

void EventLoop::run() {
  stopping_ = false;
  uint64_t wokeUs = 0;
  while (!stopping_) {
    // The clock read that sets this iteration's time also ends the last one's work.
    const uint64_t idleFromUs = monotonicUs();
    if (wokeUs != 0) iterations_.record(idleFromUs - wokeUs);
    nowMs_ = idleFromUs / 1000;
    const int timeout = flushQueue_.empty() && graveyard_.empty() ? timers_.msUntilNext(nowMs_) : 0;
    const int n = epoll_wait(epollFd_, events_.data(), static_cast<int>(events_.size()), timeout);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    wokeUs = monotonicUs();
    nowMs_ = wokeUs / 1000;
    batchSize_ = n > 0 ? static_cast<size_t>(n) : 0;
    for (dispatching_ = 0; dispatching_ < batchSize_; ++dispatching_) dispatch(events_[dispatching_]);
    batchSize_ = 0;
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
    std::vector<Doomed> batch;
    batch.swap(graveyard_);
    for (const Doomed& doomed : batch) doomed.destroy(doomed.object);
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
