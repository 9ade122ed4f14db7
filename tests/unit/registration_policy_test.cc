#include "auth/RegistrationPolicy.h"

#include <gtest/gtest.h>

#include <optional>

#include "reactor/EventLoop.h"
#include "tests/unit/fakes/FakeStore.h"

namespace chatd::auth {
namespace {

TEST(RegistrationPolicyTest, ModesByName) {
  EXPECT_EQ(registrationModeNamed("open"), RegistrationMode::kOpen);
  EXPECT_EQ(registrationModeNamed("closed"), RegistrationMode::kClosed);
  EXPECT_EQ(registrationModeNamed("invite"), RegistrationMode::kInvite);
  EXPECT_FALSE(registrationModeNamed("Open"));
  EXPECT_EQ(registrationModeName(RegistrationMode::kInvite), "invite");
}

TEST(RegistrationPolicyTest, AStoredModeWinsOverTheConfiguredOne) {
  const RegistrationPolicy policy(RegistrationMode::kInvite);
  const RegistrationSetting none = policy.inForce("");
  EXPECT_EQ(none.mode, RegistrationMode::kInvite);
  EXPECT_FALSE(none.fromAdminApi);
  const RegistrationSetting set = policy.inForce("open");
  EXPECT_EQ(set.mode, RegistrationMode::kOpen);
  EXPECT_TRUE(set.fromAdminApi);
  EXPECT_EQ(policy.inForce("sometimes").mode, RegistrationMode::kClosed) << "an unknown name never opens";
}

TEST(RegistrationPolicyTest, AStoreThatCannotAnswerLeavesRegistrationClosed) {
  reactor::EventLoop loop;
  test::FakeStore store(loop);
  const RegistrationPolicy policy(RegistrationMode::kOpen);
  std::optional<store::StoreStatus> status;
  RegistrationSetting setting;
  auto ask = [&] {
    policy.current(store, [&](store::StoreStatus s, RegistrationSetting answered) {
      status = s;
      setting = answered;
    });
    store.runLoopUntilIdle();
  };
  store.failNext(1, "registrationMode");
  ask();
  EXPECT_EQ(status, store::StoreStatus::kFailed);
  EXPECT_EQ(setting.mode, RegistrationMode::kClosed);

  store.setRegistrationMode("invite", [](store::StoreStatus, bool) {});
  ask();
  EXPECT_EQ(status, store::StoreStatus::kOk);
  EXPECT_EQ(setting.mode, RegistrationMode::kInvite);
  EXPECT_TRUE(setting.fromAdminApi);
}

TEST(RegistrationPolicyTest, CodesAreRandomAndOnlyTheirDigestsAreKept) {
  const auto code = RegistrationPolicy::newInviteCode();
  ASSERT_TRUE(code);
  EXPECT_EQ(code->size(), 32u);
  EXPECT_NE(code, RegistrationPolicy::newInviteCode());
  EXPECT_EQ(RegistrationPolicy::inviteDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256, FIPS 180-2
  EXPECT_EQ(RegistrationPolicy::inviteDigest(*code).size(), 64u);
  EXPECT_EQ(RegistrationPolicy::inviteDigest(*code).find(*code), std::string::npos);
}

}  // namespace
}  // namespace chatd::auth
