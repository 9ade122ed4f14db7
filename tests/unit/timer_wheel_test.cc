// TimerWheel driven by synthetic time: every test passes its own nowMs, so
// nothing here sleeps and every deadline is exact.
#include "reactor/TimerWheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chatd::reactor {
namespace {

constexpr uint32_t kTick = 10;

// A timer that logs its name when it fires and then runs an optional action.
struct Probe final : TimerHandler {
  Probe(std::string n, std::vector<std::string>* l) : name(std::move(n)), log(l) {}
  void handleTimer(Timer& t) override {
    EXPECT_EQ(&t, &timer);
    EXPECT_FALSE(timer.scheduled()) << name << " is still linked while its handler runs";
    ++fires;
    if (log) log->push_back(name);
    if (action) action();
  }
  std::string name;
  std::vector<std::string>* log;
  std::function<void()> action;
  int fires = 0;
  Timer timer{this};
};

// Advances one millisecond at a time until `probe` fires; returns the time it
// fired at, or UINT64_MAX when it did not fire by `untilMs`.
uint64_t stepUntilFired(TimerWheel& wheel, Probe& probe, uint64_t fromMs, uint64_t untilMs) {
  const int before = probe.fires;
  for (uint64_t t = fromMs; t <= untilMs; ++t) {
    wheel.advance(t);
    if (probe.fires != before) return t;
  }
  return UINT64_MAX;
}

TEST(TimerWheel, FiresAtOrAfterItsDeadlineNeverBefore) {
  // Every start phase within a tick and every delay up to a few ticks.
  for (uint64_t start = 1000; start < 1000 + kTick; ++start) {
    for (uint64_t delay = 0; delay <= 4 * kTick; ++delay) {
      TimerWheel wheel(kTick, 16, start);
      wheel.advance(start);
      Probe p("p", nullptr);
      wheel.schedule(p.timer, delay, start);
      const uint64_t firedAt = stepUntilFired(wheel, p, start, start + delay + 2 * kTick);
      ASSERT_NE(firedAt, UINT64_MAX) << "start " << start << " delay " << delay;
      EXPECT_GE(firedAt, start + delay) << "fired early: start " << start << " delay " << delay;
      EXPECT_LE(firedAt, start + delay + kTick) << "fired late: start " << start << " delay " << delay;
      EXPECT_EQ(p.fires, 1);
    }
  }
}

TEST(TimerWheel, SchedulingBeforeTheWheelCaughtUpStillHonoursTheDelay) {
  TimerWheel wheel(kTick, 16, 0);
  Probe p("p", nullptr);
  wheel.schedule(p.timer, 25, 57);  // the loop's clock moved on; advance() has not run yet
  EXPECT_GE(stepUntilFired(wheel, p, 0, 200), 82u);
}

TEST(TimerWheel, TimersDueInOneAdvanceFireInDeadlineOrder) {
  std::vector<std::string> log;
  TimerWheel wheel(kTick, 64, 0);
  Probe a("a50", &log), b("b20", &log), c("c30", &log), d("d30", &log), e("e10", &log);
  wheel.schedule(a.timer, 50, 0);
  wheel.schedule(b.timer, 20, 0);
  wheel.schedule(c.timer, 30, 0);
  wheel.schedule(d.timer, 30, 0);
  wheel.schedule(e.timer, 10, 0);
  wheel.advance(100);
  EXPECT_EQ(log, (std::vector<std::string>{"e10", "b20", "c30", "d30", "a50"}));
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, TimersFireInDeadlineOrderAcrossSeparateAdvances) {
  std::vector<std::string> log;
  TimerWheel wheel(kTick, 8, 0);
  Probe a("a", &log), b("b", &log), c("c", &log);
  wheel.schedule(c.timer, 95, 0);  // past one revolution (80 ms)
  wheel.schedule(a.timer, 15, 0);
  wheel.schedule(b.timer, 40, 0);
  for (uint64_t t = 0; t <= 200; t += 7) wheel.advance(t);
  EXPECT_EQ(log, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(TimerWheel, CancelledTimerNeverFires) {
  TimerWheel wheel(kTick, 16, 0);
  Probe p("p", nullptr), other("o", nullptr);
  wheel.schedule(p.timer, 30, 0);
  wheel.schedule(other.timer, 30, 0);
  EXPECT_TRUE(p.timer.scheduled());
  wheel.cancel(p.timer);
  EXPECT_FALSE(p.timer.scheduled());
  EXPECT_EQ(wheel.size(), 1u);
  wheel.cancel(p.timer);  // twice is harmless
  EXPECT_EQ(wheel.size(), 1u);
  wheel.advance(1000);
  EXPECT_EQ(p.fires, 0);
  EXPECT_EQ(other.fires, 1);
}

TEST(TimerWheel, HandlerCancelsALaterTimerDueInTheSameAdvance) {
  std::vector<std::string> log;
  TimerWheel wheel(kTick, 16, 0);
  Probe first("first", &log), second("second", &log), third("third", &log);
  first.action = [&] { wheel.cancel(second.timer); };
  wheel.schedule(first.timer, 10, 0);
  wheel.schedule(second.timer, 20, 0);
  wheel.schedule(third.timer, 30, 0);
  wheel.advance(50);  // all three are on the ready list when `first` runs
  EXPECT_EQ(log, (std::vector<std::string>{"first", "third"}));
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, HandlerCancelsAnotherTimerOfTheSameTick) {
  TimerWheel wheel(kTick, 16, 0);
  Probe a("a", nullptr), b("b", nullptr);
  a.action = [&] { wheel.cancel(b.timer); };
  b.action = [&] { wheel.cancel(a.timer); };
  wheel.schedule(a.timer, 20, 0);
  wheel.schedule(b.timer, 20, 0);
  wheel.advance(20);
  EXPECT_EQ(a.fires + b.fires, 1);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, HandlerDestroysATimerOnTheReadyList) {
  TimerWheel wheel(kTick, 16, 0);
  Probe first("first", nullptr);
  auto doomed = std::make_unique<Probe>("doomed", nullptr);
  first.action = [&] { doomed.reset(); };  // ~Timer unlinks it from the ready list
  wheel.schedule(first.timer, 10, 0);
  wheel.schedule(doomed->timer, 20, 0);
  wheel.advance(100);
  EXPECT_EQ(first.fires, 1);
  EXPECT_EQ(doomed, nullptr);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, RearmingFromItsOwnHandlerRunsOncePerAdvance) {
  TimerWheel wheel(kTick, 16, 0);
  Probe p("p", nullptr);
  uint64_t now = 0;
  p.action = [&] { wheel.schedule(p.timer, 0, now); };
  wheel.schedule(p.timer, 10, 0);
  now = 10;
  wheel.advance(now);
  EXPECT_EQ(p.fires, 1);
  EXPECT_TRUE(p.timer.scheduled());
  wheel.advance(now);  // same time again: not due yet
  EXPECT_EQ(p.fires, 1);
  now = 20;
  wheel.advance(now);
  EXPECT_EQ(p.fires, 2);
  now = 500;  // a long jump still runs it only once
  wheel.advance(now);
  EXPECT_EQ(p.fires, 3);
  wheel.cancel(p.timer);
}

TEST(TimerWheel, HandlerMayScheduleAnotherTimerDueLater) {
  TimerWheel wheel(kTick, 16, 0);
  Probe a("a", nullptr), b("b", nullptr);
  a.action = [&] { wheel.schedule(b.timer, 30, 40); };
  wheel.schedule(a.timer, 40, 0);
  wheel.advance(40);
  EXPECT_EQ(a.fires, 1);
  EXPECT_EQ(b.fires, 0);
  EXPECT_EQ(stepUntilFired(wheel, b, 41, 200), 70u);
}

TEST(TimerWheel, DelaysLongerThanARevolutionFireOnTime) {
  // 8 slots of 10 ms: one revolution is 80 ms.
  for (uint64_t delay : {79u, 80u, 81u, 159u, 160u, 250u, 1000u, 8005u}) {
    TimerWheel wheel(kTick, 8, 3);
    Probe p("p", nullptr);
    wheel.schedule(p.timer, delay, 3);
    const uint64_t firedAt = stepUntilFired(wheel, p, 3, 3 + delay + 2 * kTick);
    EXPECT_GE(firedAt, 3 + delay) << "delay " << delay;
    EXPECT_LE(firedAt, 3 + delay + kTick) << "delay " << delay;
  }
}

TEST(TimerWheel, BigJumpFiresEverythingDueAndKeepsTheRest) {
  std::vector<std::string> log;
  TimerWheel wheel(kTick, 8, 0);
  std::vector<std::unique_ptr<Probe>> probes;
  for (uint64_t delay : {10u, 70u, 85u, 165u, 500u, 650u, 5000u}) {
    probes.push_back(std::make_unique<Probe>(std::to_string(delay), &log));
    wheel.schedule(probes.back()->timer, delay, 0);
  }
  wheel.advance(600);  // more than a revolution at once: every bucket is due, in no particular order
  std::sort(log.begin(), log.end(), [](const std::string& x, const std::string& y) { return std::stoi(x) < std::stoi(y); });
  EXPECT_EQ(log, (std::vector<std::string>{"10", "70", "85", "165", "500"}));
  EXPECT_EQ(wheel.size(), 2u);
  wheel.advance(649);
  EXPECT_EQ(log.size(), 5u);
  wheel.advance(650);
  EXPECT_EQ(log.back(), "650");
  wheel.advance(4999);
  EXPECT_EQ(log.size(), 6u);
  wheel.advance(1'000'000);
  EXPECT_EQ(log.back(), "5000");
  EXPECT_EQ(wheel.size(), 0u);

  // The wheel keeps working after the jump.
  Probe late("late", nullptr);
  wheel.schedule(late.timer, 25, 1'000'000);
  EXPECT_EQ(stepUntilFired(wheel, late, 1'000'000, 1'000'100), 1'000'030u);
}

TEST(TimerWheel, MsUntilNextIsMinusOneWhenEmpty) {
  TimerWheel wheel(kTick, 16, 0);
  EXPECT_EQ(wheel.msUntilNext(0), -1);
  Probe p("p", nullptr);
  wheel.schedule(p.timer, 30, 0);
  EXPECT_GE(wheel.msUntilNext(0), 0);
  wheel.cancel(p.timer);
  EXPECT_EQ(wheel.msUntilNext(0), -1);
}

TEST(TimerWheel, MsUntilNextIsZeroOnceSomethingIsDue) {
  TimerWheel wheel(kTick, 16, 0);
  Probe p("p", nullptr);
  wheel.schedule(p.timer, 30, 0);
  EXPECT_EQ(wheel.msUntilNext(30), 0);
  EXPECT_EQ(wheel.msUntilNext(500), 0);
}

// Sleeping exactly msUntilNext() and advancing, as the loop does, reaches each
// timer without passing its deadline and without spinning.
TEST(TimerWheel, MsUntilNextNeverOvershootsTheEarliestDeadline) {
  for (uint64_t delay : {1u, 9u, 10u, 11u, 33u, 79u, 80u, 95u, 170u, 1234u}) {
    for (uint64_t start : {0u, 4u, 9u}) {
      TimerWheel wheel(kTick, 8, start);
      // `far` shares the wheel, so its bucket may wake the loop early, never late.
      Probe p("p", nullptr), far("far", nullptr);
      wheel.schedule(p.timer, delay, start);
      wheel.schedule(far.timer, delay + 3000, start);
      const uint64_t fireAt = (start + delay + kTick - 1) / kTick * kTick;  // the tick boundary it is due at
      uint64_t now = start;
      int wakeups = 0;
      while (p.fires == 0 && wakeups < 100) {
        const int wait = wheel.msUntilNext(now);
        ASSERT_GE(wait, 0);
        ASSERT_LE(now + static_cast<uint64_t>(wait), fireAt) << "delay " << delay << " start " << start;
        now += static_cast<uint64_t>(wait);
        wheel.advance(now);
        ++wakeups;
      }
      EXPECT_EQ(p.fires, 1);
      EXPECT_LE(wakeups, static_cast<int>(2 * (delay / 80) + 3)) << "the loop would spin: delay " << delay;
    }
  }
}

TEST(TimerWheel, SizeCountsScheduledTimers) {
  TimerWheel wheel(kTick, 16, 0);
  Probe a("a", nullptr), b("b", nullptr);
  EXPECT_EQ(wheel.size(), 0u);
  wheel.schedule(a.timer, 10, 0);
  wheel.schedule(b.timer, 50, 0);
  EXPECT_EQ(wheel.size(), 2u);
  wheel.schedule(a.timer, 30, 0);  // re-arming does not count twice
  EXPECT_EQ(wheel.size(), 2u);
  size_t sizeInHandler = 99;
  a.action = [&] { sizeInHandler = wheel.size(); };
  wheel.advance(30);
  EXPECT_EQ(sizeInHandler, 1u);
  EXPECT_EQ(wheel.size(), 1u);
  wheel.cancel(b.timer);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, TimerDestructorCancels) {
  TimerWheel wheel(kTick, 16, 0);
  Probe keep("keep", nullptr);
  wheel.schedule(keep.timer, 20, 0);
  {
    Probe gone("gone", nullptr);
    wheel.schedule(gone.timer, 20, 0);
    EXPECT_EQ(wheel.size(), 2u);
  }
  EXPECT_EQ(wheel.size(), 1u);
  wheel.advance(100);
  EXPECT_EQ(keep.fires, 1);
}

TEST(TimerWheel, DestroyingTheWheelDetachesLinkedTimers) {
  Probe a("a", nullptr), b("b", nullptr), c("c", nullptr);
  {
    TimerWheel wheel(kTick, 8, 0);
    wheel.schedule(a.timer, 10, 0);
    wheel.schedule(b.timer, 10, 0);  // same bucket as a
    wheel.schedule(c.timer, 500, 0);
  }
  EXPECT_FALSE(a.timer.scheduled());
  EXPECT_FALSE(b.timer.scheduled());
  EXPECT_FALSE(c.timer.scheduled());
  // The Probes' destructors run after this and must not touch the dead wheel.
}

}  // namespace
}  // namespace chatd::reactor
