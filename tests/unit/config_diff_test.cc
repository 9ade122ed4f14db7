// What a reload would change (ConfigDiff): reloadable options apart from
// those that need a restart, secrets never shown.
#include "app/ConfigDiff.h"

#include <gtest/gtest.h>

namespace chatd::app {
namespace {

TEST(ConfigDiff, SplitsReloadableFromRestartAndRedactsSecrets) {
  const Config running;
  Config fresh;
  fresh.ratePerSecond = 5;
  fresh.allowedOrigins = {"https://a.example"};
  fresh.listen = "127.0.0.1:9999";
  fresh.redisUrls = {"redis://:hunter2@127.0.0.1:6379"};
  fresh.logLevel = reactor::LogLevel::kDebug;

  const ConfigDiff diff = diffConfigs(running, fresh);
  ASSERT_EQ(diff.reloadable.size(), 3u);
  EXPECT_EQ(describe(diff.reloadable[0]), "allow_origin: (none) -> https://a.example");
  EXPECT_EQ(describe(diff.reloadable[1]), "rate: 20 -> 5");
  EXPECT_EQ(describe(diff.reloadable[2]), "log_level: info -> debug");
  EXPECT_EQ(keysOf(diff.needRestart), "listen, redis");
  EXPECT_EQ(describe(diff.needRestart[1]), "redis: (secret) -> (secret)");
}

TEST(ConfigDiff, NothingChanged) {
  const ConfigDiff diff = diffConfigs(Config{}, Config{});
  EXPECT_TRUE(diff.reloadable.empty());
  EXPECT_TRUE(diff.needRestart.empty());
}

}  // namespace
}  // namespace chatd::app
