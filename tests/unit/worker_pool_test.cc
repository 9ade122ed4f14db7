#include "reactor/WorkerPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace chatd::reactor {
namespace {

TEST(WorkerPool, JobsRunOffTheLoopAndCompletionsOnIt) {
  EventLoop loop;
  WorkerPool pool(loop, 2);
  const std::thread::id loopThread = std::this_thread::get_id();
  std::atomic<int> offLoop{0};
  int completions = 0;
  constexpr int kJobs = 50;
  for (int i = 0; i < kJobs; ++i) {
    pool.submit([&] { offLoop += std::this_thread::get_id() != loopThread; },
                [&] {
                  EXPECT_EQ(std::this_thread::get_id(), loopThread);
                  if (++completions == kJobs) loop.stop();
                });
  }
  loop.run();
  EXPECT_EQ(offLoop.load(), kJobs);
  EXPECT_EQ(completions, kJobs);
}

TEST(WorkerPool, TheLoopKeepsServingWhileAJobBlocks) {
  EventLoop loop;
  WorkerPool pool(loop, 1);
  std::atomic<bool> release{false};
  bool jobDone = false;
  pool.submit([&] {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }, [&] {
    jobDone = true;
    loop.stop();
  });
  // A timer on the loop fires while the worker is still busy, then lets it go.
  struct Release : TimerHandler {
    std::atomic<bool>* flag;
    bool fired = false;
    void handleTimer(Timer&) override {
      fired = true;
      *flag = true;
    }
  } handler;
  handler.flag = &release;
  Timer timer(&handler);
  loop.scheduleTimer(timer, 20);
  loop.run();
  EXPECT_TRUE(handler.fired);
  EXPECT_TRUE(jobDone);
}

TEST(WorkerPool, DestructorFinishesQueuedJobs) {
  EventLoop loop;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(loop, 2);
    for (int i = 0; i < 20; ++i) pool.submit([&] { ++ran; }, nullptr);
  }
  EXPECT_EQ(ran.load(), 20);
}

}  // namespace
}  // namespace chatd::reactor
