#include "reactor/LogLimiter.h"

#include <gtest/gtest.h>

namespace chatd::reactor {
namespace {

constexpr uint64_t kStart = 1'000'000;

TEST(LogLimiter, FirstLineGoesOutAtOnce) {
  LogLimiter limiter;
  EXPECT_EQ(limiter.admit(kStart), 0u);
}

TEST(LogLimiter, OneLineASecondCountingTheRest) {
  LogLimiter limiter;
  ASSERT_EQ(limiter.admit(kStart), 0u);
  for (int i = 0; i < 312; ++i) EXPECT_EQ(limiter.admit(kStart + 1 + i % 999), std::nullopt);
  EXPECT_EQ(limiter.admit(kStart + 1000), 312u);  // the next line reports them
  EXPECT_EQ(limiter.admit(kStart + 1500), std::nullopt);
  EXPECT_EQ(limiter.admit(kStart + 2000), 1u);
  EXPECT_EQ(limiter.admit(kStart + 9000), 0u);  // counted afresh
}

TEST(LogLimiter, AFloodOfAThousandWritesAHandfulOfLines) {
  LogLimiter limiter;
  int written = 0;
  uint64_t reported = 0;
  for (int i = 0; i < 1000; ++i) {
    if (const auto leftOut = limiter.admit(kStart + i * 3)) {  // 1000 events over 3 seconds
      ++written;
      reported += *leftOut;
    }
  }
  EXPECT_EQ(written, 3);
  EXPECT_EQ(reported + written + 331u, 1000u);  // the 331 after the last line wait for the next one
}

}  // namespace
}  // namespace chatd::reactor
