#include "api/HashingQueue.h"

namespace chatd::api {

bool HashingQueue::submit(server::HttpResponder responder, std::function<void()> job, Done done) {
  if (closed_ || waiting_.size() >= maxWaiting_) return false;
  waiting_.push_back({std::move(responder), std::move(job), std::move(done)});
  startWaiting();
  return true;
}

void HashingQueue::close() {
  closed_ = true;
  std::deque<Work> dropped;
  dropped.swap(waiting_);  // a done() may submit again: it finds the line closed
  for (Work& work : dropped) work.done(false);
}

void HashingQueue::startWaiting() {
  while (!waiting_.empty() && running_ < workers_.threads()) {
    Work work = std::move(waiting_.front());
    waiting_.pop_front();
    // The check that matters is here, as the hash is about to start: the
    // client may have hung up while its login waited in line.
    if (!work.responder.connectionOpen()) {
      work.done(false);
      continue;
    }
    ++running_;
    workers_.submit(std::move(work.job), [this, done = std::move(work.done)] {
      --running_;
      done(true);
      startWaiting();
    });
  }
}

}  // namespace chatd::api
