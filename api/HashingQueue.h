// Admits password hashing to the worker pool. Each hash holds a worker for
// tens to hundreds of milliseconds, so hashes wait here, on the loop thread,
// in a bounded line, and the pool gets at most one per thread: what reaches
// the pool starts at once. That way
//   - a flood of logins gets 503 (the line is full) instead of growing a
//     queue everyone's login waits behind;
//   - a hash whose client hung up while it waited is dropped, not computed;
//   - shutdown drops the line and waits for at most one hash per thread.
// Owns the waiting work; borrows the pool, which must be used for nothing
// else (it would take threads this counts as free).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>

#include "server/HttpResponder.h"
#include "reactor/WorkerPool.h"

namespace chatd::api {

class HashingQueue {
 public:
  // `ran` is false when the job was dropped: its client hung up, or the
  // server is shutting down. Runs on the loop thread either way.
  using Done = std::function<void(bool ran)>;

  HashingQueue(reactor::WorkerPool& workers, size_t maxWaiting) : workers_(workers), maxWaiting_(maxWaiting) {}
  HashingQueue(const HashingQueue&) = delete;
  HashingQueue& operator=(const HashingQueue&) = delete;

  // On the loop thread: runs `job` on a worker once one is free and the
  // client behind `responder` is still there, then `done`. False (and
  // nothing queued, `done` never called) when the line is full or closed.
  bool submit(server::HttpResponder responder, std::function<void()> job, Done done);
  // Drops every waiting job (their `done` gets false) and refuses new ones;
  // jobs already on a worker finish. For shutdown.
  void close();

  size_t waiting() const { return waiting_.size(); }

 private:
  struct Work {
    server::HttpResponder responder;
    std::function<void()> job;
    Done done;
  };
  // Hands waiting work to free workers, dropping work whose client is gone.
  void startWaiting();

  reactor::WorkerPool& workers_;
  size_t maxWaiting_;
  std::deque<Work> waiting_;
  size_t running_ = 0;  // on a worker, not yet done
  bool closed_ = false;
};

}  // namespace chatd::api
