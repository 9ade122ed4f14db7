#include "auth/RegistrationPolicy.h"

#include <gtest/gtest.h>

namespace chatd::auth {
namespace {

constexpr int64_t kNow = 1'000'000;

TEST(RegistrationPolicyTest, AnInviteWorksOnceBeforeItExpires) {
  RegistrationPolicy policy(RegistrationMode::kInvite);
  const auto code = policy.mint(kNow + 60, kNow);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->size(), 32u);
  EXPECT_EQ(policy.expiryOf(*code), kNow + 60);
  EXPECT_TRUE(policy.take(*code, kNow));
  EXPECT_FALSE(policy.take(*code, kNow)) << "single use";
  EXPECT_FALSE(policy.take("made-up", kNow));

  const auto late = policy.mint(kNow + 60, kNow);
  ASSERT_TRUE(late);
  EXPECT_FALSE(policy.take(*late, kNow + 60)) << "expired";
}

TEST(RegistrationPolicyTest, AGivenBackInviteWorksAgain) {
  RegistrationPolicy policy(RegistrationMode::kInvite);
  const auto code = policy.mint(kNow + 60, kNow);
  ASSERT_TRUE(code && policy.take(*code, kNow));
  policy.giveBack(*code, kNow + 60);
  EXPECT_TRUE(policy.take(*code, kNow));
}

TEST(RegistrationPolicyTest, WaitingInvitesAreBounded) {
  RegistrationPolicy policy(RegistrationMode::kInvite);
  for (size_t i = 0; i < RegistrationPolicy::kMaxInvites; ++i) ASSERT_TRUE(policy.mint(kNow + 10, kNow));
  EXPECT_FALSE(policy.mint(kNow + 10, kNow));
  EXPECT_TRUE(policy.mint(kNow + 20, kNow + 10)) << "expired ones make room";
  EXPECT_EQ(policy.waiting(), 1u);
}

TEST(RegistrationPolicyTest, ModesByName) {
  EXPECT_EQ(registrationModeNamed("open"), RegistrationMode::kOpen);
  EXPECT_EQ(registrationModeNamed("closed"), RegistrationMode::kClosed);
  EXPECT_EQ(registrationModeNamed("invite"), RegistrationMode::kInvite);
  EXPECT_FALSE(registrationModeNamed("Open"));
  EXPECT_EQ(registrationModeName(RegistrationMode::kInvite), "invite");
}

}  // namespace
}  // namespace chatd::auth
