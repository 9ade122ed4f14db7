#include "app/RestartPolicy.h"

#include <algorithm>

namespace chatd::app {

RestartPolicy::Decision RestartPolicy::onDeath(int64_t startedMs, int64_t diedMs) {
  deathsMs_.push_back(diedMs);
  while (diedMs - deathsMs_.front() >= kCrashLoopWindowMs) deathsMs_.pop_front();
  if (deathsMs_.size() > kCrashLoopDeaths) return {.crashLoop = true};

  const bool ranStably = diedMs - startedMs >= kStableRunMs;
  backoffMs_ = backoffMs_ == 0 || ranStably ? kFirstBackoffMs : std::min(backoffMs_ * 2, kMaxBackoffMs);
  return {.delayMs = backoffMs_};
}

}  // namespace chatd::app
