// The admin API's key file as an operator handles it: keys replaced and
// reread on SIGHUP (a bad file keeps the old keys), and a warning when the
// file is readable by others.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/admin_fixture.h"

namespace chatd::testing {
namespace {

constexpr const char* kNewKey = "the-rotated-key-0123456789";

class AdminKeysTest : public AdminFixture {
 protected:
  int statusWith(const std::string& key) {
    return httpCall(port(), "GET", "/api/v1/admin/online", {}, bearer(key)).status;
  }
  // Sends SIGHUP and waits until `key` gets `status` (a reload is not instant).
  bool afterReload(const std::string& key, int status) {
    ::kill(chatd_.pid(), SIGHUP);
    for (int waited = 0; waited < 5000; waited += 20) {
      if (statusWith(key) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

TEST_F(AdminKeysTest, SighupRereadsTheKeysAndABadFileKeepsTheOldOnes) {
  ASSERT_EQ(statusWith(kAdminKey), 200);
  EXPECT_EQ(statusWith(kNewKey), 401);

  keys_.write(std::string(kNewKey) + "\n");
  ASSERT_TRUE(afterReload(kNewKey, 200)) << chatd_.log();
  EXPECT_EQ(statusWith(kAdminKey), 401) << "the old key still works";

  keys_.write("short\n");
  ::kill(chatd_.pid(), SIGHUP);
  for (int waited = 0; waited < 5000 && chatd_.log().find("API keys not reloaded") == std::string::npos; waited += 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(chatd_.log().find("API keys not reloaded"), std::string::npos) << chatd_.log();
  EXPECT_EQ(statusWith(kNewKey), 200) << "a bad file replaced the keys";
  EXPECT_EQ(chatd_.log().find(kNewKey), std::string::npos) << "a key is in the log";
}

TEST(AdminKeyFileTest, AKeyFileOthersCanReadIsWarnedAbout) {
  KeyFile keys(std::string(kAdminKey) + "\n");
  ASSERT_EQ(::chmod(keys.path().c_str(), 0644), 0);
  ChatdProcess chatd({"--api-key-file", keys.path()});
  EXPECT_NE(chatd.log().find(keys.path() + " is readable by its group or others"), std::string::npos) << chatd.log();
}

}  // namespace
}  // namespace chatd::testing
