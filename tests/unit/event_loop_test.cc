// EventLoop over real descriptors: dispatch order, the stale-event guard,
// deferred destruction, corked flushes, cross-thread tasks, timers.
#include "reactor/EventLoop.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/reactor_test_util.h"

namespace chatd::reactor {
namespace {

using test::FnFlushable;
using test::FnIoHandler;
using test::runWithin;

constexpr uint64_t kLimitMs = 2000;

// A socket pair whose end [0] the loop watches and whose end [1] the test writes.
struct Pair {
  Pair() { test::connectedPair(false, fds); }
  ~Pair() {
    close(fds[0]);
    close(fds[1]);
  }
  void poke() { ASSERT_EQ(write(fds[1], "x", 1), 1); }
  void drain() {
    char buf[64];
    while (read(fds[0], buf, sizeof buf) > 0) {
    }
  }
  int fds[2] = {-1, -1};
  FnIoHandler handler;
};

// Logs its own destruction; optionally defers another object when it dies.
struct Tracked final {
  Tracked(std::string n, std::vector<std::string>& l) : name(std::move(n)), log(l) {}
  ~Tracked() {
    log.push_back("~" + name);
    if (onDestroy) onDestroy();
  }
  std::string name;
  std::vector<std::string>& log;
  std::function<void()> onDestroy;
};

class EventLoopTest : public ::testing::Test {
 protected:
  void watch(Pair& p, uint32_t events) { ASSERT_EQ(loop.add(p.fds[0], &p.handler, events), 0); }

  // Makes `a` and `b` readable at once and runs one iteration in which the
  // first handler called does `toOther` to the other pair; returns how many
  // of the two handlers ran.
  int raceReadyPairs(Pair& a, Pair& b, const std::function<void(Pair& other)>& toOther) {
    int calls = 0;
    auto handlerFor = [&](Pair& self, Pair& other) {
      return [&, s = &self, o = &other] {
        ++calls;
        toOther(*o);
        loop.remove(s->fds[0], &s->handler);
        loop.stop();
      };
    };
    a.handler.readable = handlerFor(a, b);
    b.handler.readable = handlerFor(b, a);
    a.poke();
    b.poke();
    watch(a, EPOLLIN);
    watch(b, EPOLLIN);
    runWithin(loop, kLimitMs);
    return calls;
  }
  EventLoop loop;
};

TEST_F(EventLoopTest, ReadableIsDispatchedBeforeWritable) {
  Pair p;
  std::vector<std::string> log;
  p.handler.readable = [&] {
    log.push_back("readable");
    p.drain();
  };
  p.handler.writable = [&] {
    log.push_back("writable");
    loop.remove(p.fds[0], &p.handler);
    loop.stop();
  };
  p.poke();
  watch(p, EPOLLIN | EPOLLOUT);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(log, (std::vector<std::string>{"readable", "writable"}));
}

TEST_F(EventLoopTest, RemovingItselfInReadableSkipsWritable) {
  Pair p;
  int writable = 0;
  p.handler.readable = [&] {
    loop.remove(p.fds[0], &p.handler);
    loop.stop();
  };
  p.handler.writable = [&] { ++writable; };
  p.poke();
  watch(p, EPOLLIN | EPOLLOUT);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(writable, 0);
}

// Both fds are ready in the same epoll_wait; whichever handler runs first
// removes the other's registration, whose event is still in the batch.
TEST_F(EventLoopTest, EventOfARegistrationRemovedEarlierInTheIterationIsDropped) {
  Pair a, b;
  EXPECT_EQ(raceReadyPairs(a, b, [&](Pair& other) { loop.remove(other.fds[0], &other.handler); }), 1);
}

// The removed handler's descriptor is closed and its number taken at once by
// a new registration with a new handler: the stale event must reach neither.
TEST_F(EventLoopTest, StaleEventDoesNotReachANewRegistrationOnTheSameDescriptor) {
  Pair a, b;
  FnIoHandler newcomer;
  int newcomerCalls = 0;
  newcomer.readable = [&] { ++newcomerCalls; };
  int reused = -1;
  const int calls = raceReadyPairs(a, b, [&](Pair& other) {
    const int number = other.fds[0];
    loop.remove(number, &other.handler);
    close(number);
    reused = dup(other.fds[1]);
    ASSERT_EQ(reused, number) << "the test needs the descriptor number to be reused";
    other.fds[0] = -1;
    ASSERT_EQ(loop.add(reused, &newcomer, EPOLLIN), 0);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(newcomerCalls, 0);
  loop.remove(reused, &newcomer);
  close(reused);
}

// A handler removed by another may be destroyed and its memory reused by the
// next handler registered: the stale event still carries the old address.
TEST_F(EventLoopTest, StaleEventDoesNotReachAHandlerAllocatedInThePlaceOfTheRemovedOne) {
  Pair a, b, c;
  auto first = std::make_unique<FnIoHandler>();
  auto second = std::make_unique<FnIoHandler>();
  int calls = 0, newcomerCalls = 0;
  FnIoHandler* slot[2] = {first.get(), second.get()};
  int* fd[2] = {&a.fds[0], &b.fds[0]};
  for (int i = 0; i < 2; ++i) {
    slot[i]->readable = [&, i] {
      ++calls;
      const int other = 1 - i;
      loop.remove(*fd[other], slot[other]);
      // Reuse the other handler's storage for a new handler on another descriptor.
      slot[other]->~FnIoHandler();
      auto* reborn = new (slot[other]) FnIoHandler();
      reborn->readable = [&] { ++newcomerCalls; };
      ASSERT_EQ(loop.add(c.fds[0], reborn, EPOLLIN), 0);
      loop.remove(*fd[i], slot[i]);
      loop.stop();
    };
  }
  a.poke();
  b.poke();
  ASSERT_EQ(loop.add(a.fds[0], first.get(), EPOLLIN), 0);
  ASSERT_EQ(loop.add(b.fds[0], second.get(), EPOLLIN), 0);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(newcomerCalls, 0) << "the stale event of the removed handler reached its successor";
  loop.remove(c.fds[0], nullptr);
}

TEST_F(EventLoopTest, HangUpIsDeliveredAsReadable) {
  Pair p;
  int readable = 0;
  p.handler.readable = [&] {
    ++readable;
    char byte;
    EXPECT_EQ(read(p.fds[0], &byte, 1), 0);
    loop.remove(p.fds[0], &p.handler);
    loop.stop();
  };
  watch(p, EPOLLIN);
  close(p.fds[1]);
  p.fds[1] = -1;
  runWithin(loop, kLimitMs);
  EXPECT_EQ(readable, 1);
}

TEST_F(EventLoopTest, AddReportsErrors) {
  Pair p;
  FnIoHandler h;
  EXPECT_EQ(loop.add(-1, &h, EPOLLIN), -EBADF);
  watch(p, EPOLLIN);
  EXPECT_EQ(loop.add(p.fds[0], &h, EPOLLIN), -EEXIST);  // already registered
  loop.remove(p.fds[0], &p.handler);
}

// Iteration 1 defers the object; iteration 2 (woken by a byte written in
// iteration 1) must find it gone. Flushes of iteration 1 still see it alive.
TEST_F(EventLoopTest, DestroyLaterDestroysAfterTheIterationsFlushes) {
  Pair first, second;
  std::vector<std::string> log;
  FnFlushable flush;
  flush.onFlush = [&] { log.push_back("flush"); };
  first.handler.readable = [&] {
    first.drain();
    loop.destroyLater(std::make_unique<Tracked>("obj", log));
    log.push_back("deferred");
    loop.requestFlush(&flush, flush.queued);
    second.poke();
  };
  second.handler.readable = [&] {
    second.drain();
    log.push_back("next iteration");
    loop.stop();
  };
  first.poke();
  watch(first, EPOLLIN);
  watch(second, EPOLLIN);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(log, (std::vector<std::string>{"deferred", "flush", "~obj", "next iteration"}));
  loop.remove(first.fds[0], &first.handler);
  loop.remove(second.fds[0], &second.handler);
}

// A deferred object whose destructor defers another (an owner releasing a
// child the same way) must not corrupt the list being emptied.
TEST_F(EventLoopTest, DestroyLaterFromADeferredDestructor) {
  std::vector<std::string> log;
  loop.runInLoop([&] {
    auto parent = std::make_unique<Tracked>("parent", log);
    parent->onDestroy = [&] {
      auto child = std::make_unique<Tracked>("child", log);
      child->onDestroy = [&] { loop.destroyLater(std::make_unique<Tracked>("grandchild", log)); };
      loop.destroyLater(std::move(child));
    };
    loop.destroyLater(std::move(parent));
    loop.stop();
  });
  runWithin(loop, kLimitMs);
  EXPECT_EQ(log, (std::vector<std::string>{"~parent", "~child", "~grandchild"}));
}

TEST_F(EventLoopTest, RequestFlushFlushesOncePerIteration) {
  Pair p;
  FnFlushable f, g, late;
  int fFlushes = 0, gFlushes = 0, lateFlushes = 0, iteration = 0;
  f.onFlush = [&] {
    ++fFlushes;
    loop.requestFlush(&g, g.queued);        // already queued in this batch: no second flush
    loop.requestFlush(&late, late.queued);  // new: flushed in a later batch of the same iteration
  };
  g.onFlush = [&] { ++gFlushes; };
  late.onFlush = [&] { ++lateFlushes; };
  p.handler.readable = [&] {
    p.drain();
    ++iteration;
    if (iteration == 2) {
      EXPECT_EQ(fFlushes, 1);
      EXPECT_EQ(gFlushes, 1);
      EXPECT_EQ(lateFlushes, 1);
      loop.remove(p.fds[0], &p.handler);
      loop.stop();
    }
    for (int i = 0; i < 5; ++i) loop.requestFlush(&f, f.queued);
    loop.requestFlush(&g, g.queued);
    loop.requestFlush(&g, g.queued);
    p.poke();  // wakes the next iteration
  };
  p.poke();
  watch(p, EPOLLIN);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(fFlushes, 2);  // the stopping iteration still flushes
  EXPECT_EQ(gFlushes, 2);
  EXPECT_EQ(lateFlushes, 2);
}

TEST_F(EventLoopTest, RunInLoopFromAnotherThreadWakesABlockedLoop) {
  const auto loopThread = std::this_thread::get_id();
  std::vector<int> ran;
  bool onLoopThread = true;
  const uint64_t start = EventLoop::monotonicMs();
  std::thread poster([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // let the loop block in epoll_wait
    for (int i = 0; i < 100; ++i) {
      loop.runInLoop([&, i] {
        onLoopThread = onLoopThread && std::this_thread::get_id() == loopThread;
        ran.push_back(i);
        if (i == 99) loop.stop();
      });
    }
  });
  runWithin(loop, kLimitMs);
  poster.join();
  EXPECT_TRUE(onLoopThread);
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[static_cast<size_t>(i)], i);
  EXPECT_LT(EventLoop::monotonicMs() - start, 1000u) << "woken by the watchdog, not the eventfd";
}

TEST_F(EventLoopTest, TimersFireFromRun) {
  struct StopAt final : TimerHandler {
    explicit StopAt(EventLoop& l) : loop(l) {}
    void handleTimer(Timer&) override {
      firedAtMs = loop.nowMs();
      loop.stop();
    }
    EventLoop& loop;
    uint64_t firedAtMs = 0;
    Timer timer{this};
  } stopAt(loop);
  const uint64_t scheduledAt = loop.nowMs();
  const uint64_t realStart = EventLoop::monotonicMs();
  loop.scheduleTimer(stopAt.timer, 30);
  runWithin(loop, kLimitMs);
  EXPECT_GE(stopAt.firedAtMs, scheduledAt + 30);
  EXPECT_LT(EventLoop::monotonicMs() - realStart, 1000u);
  EXPECT_EQ(loop.timers().size(), 0u);
}

TEST_F(EventLoopTest, StopReturnsFromRunAndRunCanResume) {
  int runs = 0;
  for (int i = 0; i < 3; ++i) {
    loop.runInLoop([&] {
      ++runs;
      loop.stop();
      EXPECT_TRUE(loop.stopping());
    });
    runWithin(loop, kLimitMs);
  }
  EXPECT_EQ(runs, 3);
}

}  // namespace
}  // namespace chatd::reactor
