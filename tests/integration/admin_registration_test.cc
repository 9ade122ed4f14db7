// Registration settings kept in the store (SQLite here; the cluster suite
// shares them between nodes): a mode set through the admin API and the
// unused invites survive a restart on the same data directory, the stored
// mode wins over --registration until DELETE clears it, and start-up warns
// when they differ.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/admin_fixture.h"
#include "tests/support/DataDir.h"

namespace chatd::testing {
namespace {

class AdminRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  // (Re)starts chatd on the same data directory, configured with --registration open.
  void start() {
    if (chatd_) {
      ASSERT_EQ(chatd_->stop(SIGTERM), 0);
    }
    chatd_ = std::make_unique<ChatdProcess>(
        adminArgs(keys_.path(), {"--data", data_.path(), "--registration", "open"}));
    ASSERT_TRUE(chatd_->running());
  }
  int port() const { return chatd_->port(); }
  HttpReply admin(std::string_view method, std::string_view body = {}) {
    return httpCall(port(), method, "/api/v1/admin/registration", body, bearer(kAdminKey));
  }
  std::string mint() {
    const HttpReply minted =
        httpCall(port(), "POST", "/api/v1/admin/invites", R"({"expires_in":600})", bearer(kAdminKey));
    EXPECT_EQ(minted.status, 201) << minted.body;
    return Json(minted.body).string("code").value_or("");
  }

  DataDir data_;
  KeyFile keys_{std::string(kAdminKey) + "\n"};
  std::unique_ptr<ChatdProcess> chatd_;
};

TEST_F(AdminRegistrationTest, TheModeAndInvitesSurviveARestartUntilTheModeIsCleared) {
  EXPECT_EQ(registrationSetting(admin("GET")), "open from config");
  EXPECT_EQ(registrationSetting(admin("PUT", R"({"mode":"invite"})")), "invite from admin_api");
  const std::string code = mint();

  start();
  EXPECT_EQ(registrationSetting(admin("GET")), "invite from admin_api");
  const std::string log = chatd_->log();
  EXPECT_NE(log.find("registration is invite, as set through the admin API, not --registration open"),
            std::string::npos)
      << log;
  const HttpReply without = httpCall(port(), "POST", "/api/v1/register", signUpBody("ann"));
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(Json(without.body).string("error.code"), "invalid_invite");
  EXPECT_EQ(registerWithInvite(port(), "ann", code).status, 201) << "the invite outlived the restart";
  EXPECT_EQ(registerWithInvite(port(), "bob", code).status, 403) << "and works once";

  EXPECT_EQ(registrationSetting(admin("PUT", R"({"mode":"closed"})")), "closed from admin_api");
  start();
  const HttpReply closed = httpCall(port(), "POST", "/api/v1/register", signUpBody("bob"));
  EXPECT_EQ(closed.status, 403);
  EXPECT_EQ(Json(closed.body).string("error.code"), "registration_closed");

  EXPECT_EQ(registrationSetting(admin("DELETE")), "open from config");
  EXPECT_EQ(httpCall(port(), "POST", "/api/v1/register", signUpBody("bob")).status, 201);
  start();
  EXPECT_EQ(registrationSetting(admin("GET")), "open from config");
  EXPECT_EQ(chatd_->log().find("as set through the admin API"), std::string::npos) << "nothing to warn of";
}

TEST_F(AdminRegistrationTest, AnInviteSpentOnATakenUsernameStaysValid) {
  signUp(port(), "ann");
  ASSERT_EQ(admin("PUT", R"({"mode":"invite"})").status, 200);
  const std::string code = mint();
  EXPECT_EQ(registerWithInvite(port(), "ANN", code).status, 409);
  start();
  EXPECT_EQ(registerWithInvite(port(), "bob", code).status, 201);
  EXPECT_EQ(registerWithInvite(port(), "carl", code).status, 403);
}

}  // namespace
}  // namespace chatd::testing
