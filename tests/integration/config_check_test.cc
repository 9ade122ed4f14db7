// The chatd binary's own answers about a configuration, as an operator runs
// them: --check-config's report and exit status, --print-config with the
// environment's values, and a start refused with every problem named.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/support/ChatdProcess.h"
#include "tests/support/DataDir.h"
#include "tests/support/Subprocess.h"

namespace chatd::testing {
namespace {

constexpr int kTimeoutMs = 10'000;

class ConfigCheck : public ::testing::Test {
 protected:
  std::string configFile(const std::string& text) {
    const std::string path = dir_.path() + "/chatd.conf";
    std::ofstream(path) << text;
    return path;
  }

  DataDir dir_;
};

TEST_F(ConfigCheck, TheShippedExampleIsValid) {
  const ProcessResult result =
      runProcess({ChatdProcess::binary(), "--config", "dist/chatd.conf", "--check-config"}, kTimeoutMs);
  EXPECT_TRUE(exitedWith(result.status, 0)) << describeWaitStatus(result.status) << result.output;
  EXPECT_NE(result.output.find("chatd: the configuration is valid\n"), std::string::npos) << result.output;
}

TEST_F(ConfigCheck, EveryProblemIsNamedAndTheExitStatusIsOne) {
  const std::string path = configFile("rate = 5\nmax_qeue = 1\nburst = none\n");
  const ProcessResult result = runProcess(
      {"/usr/bin/env", "CHATD_MAX_BODY=0", ChatdProcess::binary(), "--config", path, "--check-config"}, kTimeoutMs);
  EXPECT_TRUE(exitedWith(result.status, 1)) << describeWaitStatus(result.status) << result.output;
  EXPECT_NE(result.output.find("chatd: " + path + ":2: unknown key 'max_qeue'\n"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("chatd: " + path + ":3: burst wants a number of at least 1\n"), std::string::npos);
  EXPECT_NE(result.output.find("chatd: CHATD_MAX_BODY wants a positive byte count\n"), std::string::npos);
  EXPECT_EQ(result.output.find("is valid"), std::string::npos);
}

TEST_F(ConfigCheck, PrintConfigShowsEachSourceAndNoSecret) {
  const std::string secret = "a-secret-that-must-never-be-printed-0123";
  const std::string path = configFile("rate = 5\njwt_secret = " + secret + "\n");
  const ProcessResult result = runProcess({"/usr/bin/env", "CHATD_BURST=7", ChatdProcess::binary(), "--config", path,
                                           "--print-config", "--max-body", "4096"},
                                          kTimeoutMs);
  EXPECT_TRUE(exitedWith(result.status, 0)) << describeWaitStatus(result.status) << result.output;
  EXPECT_NE(result.output.find("# from " + path + ":1\nrate = 5\n"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("# from CHATD_BURST\nburst = 7\n"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("# from --max-body\nmax_body = 4096\n"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find(secret), std::string::npos) << result.output;
}

TEST_F(ConfigCheck, AStartWithABadFileExitsTwoNamingEachProblem) {
  const std::string path = configFile("listen = nowhere\nrate = -1\n");
  const ProcessResult result = runProcess({ChatdProcess::binary(), "--config", path}, kTimeoutMs);
  EXPECT_TRUE(exitedWith(result.status, 2)) << describeWaitStatus(result.status) << result.output;
  EXPECT_NE(result.output.find("chatd: " + path + ":1: listen wants ADDR:PORT"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("chatd: " + path + ":2: rate wants"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace chatd::testing
