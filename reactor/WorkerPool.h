// A small pool of threads for work that would stall the loop (password
// hashing, SQLite checkpoints). A job runs on a worker; its completion runs
// back on the loop thread (through EventLoop::runInLoop's eventfd), so loop
// state is only ever touched by the loop thread.
//
// Owns its threads; the destructor finishes queued jobs, then joins. Jobs must
// not touch loop state: they compute, and hand results to the completion.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "reactor/EventLoop.h"

namespace chatd::reactor {

class WorkerPool {
 public:
  WorkerPool(EventLoop& loop, size_t threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  // From the loop thread: runs `job` on a worker, then `done` on the loop.
  void submit(std::function<void()> job, std::function<void()> done);

  size_t threads() const { return threads_.size(); }
  size_t pending() const;  // queued, not yet started

 private:
  struct Task {
    std::function<void()> job;
    std::function<void()> done;
  };
  void workerMain();

  EventLoop& loop_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace chatd::reactor
