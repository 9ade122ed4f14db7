#include "reactor/WorkerPool.h"

namespace chatd::reactor {

WorkerPool::WorkerPool(EventLoop& loop, size_t threads) : loop_(loop) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { workerMain(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::submit(std::function<void()> job, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({std::move(job), std::move(done)});
  }
  wake_.notify_one();
}

size_t WorkerPool::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void WorkerPool::workerMain() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task.job();
    if (task.done) loop_.runInLoop(std::move(task.done));
  }
}

}  // namespace chatd::reactor
