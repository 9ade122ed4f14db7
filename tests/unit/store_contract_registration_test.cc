// The store contract for registration settings: the mode set through the
// admin API, and the invites (created, taken once, expired, given back,
// bounded), kept across a reopen and taken once by concurrent takers, on
// one store or on two sharing the data (two nodes).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr size_t kBound = 3;

template <typename Backend>
class StoreContractRegistration : public StoreContract<Backend> {
 protected:
  std::string mode() {
    return this->template await<std::string>([&](auto done) { this->store_->registrationMode(done); });
  }
  void setMode(std::string mode) {
    this->template await<bool>([&](auto done) { this->store_->setRegistrationMode(mode, done); });
  }
  void clearMode() {
    this->template await<bool>([&](auto done) { this->store_->clearRegistrationMode(done); });
  }
  void create(std::string digest, int64_t expiresAt, int64_t now = kNow, StoreStatus expected = StoreStatus::kOk) {
    this->template await<bool>(
        [&](auto done) { this->store_->createInvite(digest, expiresAt, now, kBound, done); }, expected);
  }
  // The expiry takeInvite() answers (0 when it is not kOk).
  int64_t take(std::string digest, int64_t now = kNow, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<int64_t>([&](auto done) { this->store_->takeInvite(digest, now, done); },
                                         expected);
  }
  void restore(std::string digest, int64_t expiresAt) {
    this->template await<bool>([&](auto done) { this->store_->restoreInvite(digest, expiresAt, done); });
  }
  // Calls takeInvite(`digest`) on each store before any answers; how many won.
  int takeAtOnce(const std::vector<Store*>& stores, const std::string& digest) {
    std::vector<StoreStatus> answers;
    for (Store* store : stores) {
      store->takeInvite(digest, kNow, [&](StoreStatus status, int64_t) {
        answers.push_back(status);
        this->loop_.stop();
      });
    }
    this->runUntil([&] { return answers.size() == stores.size(); });
    int won = 0;
    for (StoreStatus status : answers) {
      EXPECT_TRUE(status == StoreStatus::kOk || status == StoreStatus::kNotFound);
      won += status == StoreStatus::kOk;
    }
    return won;
  }
};

TYPED_TEST_SUITE(StoreContractRegistration, StoreBackends);

TYPED_TEST(StoreContractRegistration, TheModeIsKeptUntilClearedAcrossAReopen) {
  EXPECT_EQ(this->mode(), "") << "none set in a fresh store";
  this->setMode("invite");
  EXPECT_EQ(this->mode(), "invite");
  this->reopen();
  EXPECT_EQ(this->mode(), "invite");
  this->setMode("closed");
  EXPECT_EQ(this->mode(), "closed");
  this->clearMode();
  EXPECT_EQ(this->mode(), "");
  this->clearMode();  // idempotent
  this->reopen();
  EXPECT_EQ(this->mode(), "");
}

TYPED_TEST(StoreContractRegistration, AnInviteIsTakenOnceBeforeItExpiresAndKeptAcrossAReopen) {
  this->create("d1", kNow + 60);
  this->create("d2", kNow + 60);
  this->reopen();
  EXPECT_EQ(this->take("d1"), kNow + 60);
  this->take("d1", kNow, StoreStatus::kNotFound);
  this->take("never-made", kNow, StoreStatus::kNotFound);
  this->take("d2", kNow + 60, StoreStatus::kNotFound);  // expiring at now is expired
}

TYPED_TEST(StoreContractRegistration, AGivenBackInviteWorksAgainUntilItsExpiry) {
  this->create("d1", kNow + 60);
  EXPECT_EQ(this->take("d1"), kNow + 60);
  this->restore("d1", kNow + 60);
  this->reopen();
  EXPECT_EQ(this->take("d1", kNow + 30), kNow + 60);
  this->restore("d1", kNow + 60);
  this->take("d1", kNow + 60, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractRegistration, WaitingInvitesAreBoundedAndExpiredOnesMakeRoom) {
  for (const char* digest : {"d1", "d2", "d3"}) this->create(digest, kNow + 60);
  this->create("d4", kNow + 60, kNow, StoreStatus::kOverQuota);
  this->take("d4", kNow, StoreStatus::kNotFound);  // refused means not stored
  this->take("d1");
  this->create("d4", kNow + 120);  // a used one makes room
  this->create("d5", kNow + 120, kNow, StoreStatus::kOverQuota);
  // d2 and d3 expire at kNow + 60: by then only d4 waits.
  this->create("d5", kNow + 120, kNow + 60);
  this->create("d6", kNow + 120, kNow + 60);
  this->create("d7", kNow + 120, kNow + 60, StoreStatus::kOverQuota);
  this->take("d2", kNow, StoreStatus::kNotFound);  // forgotten, not merely expired
  EXPECT_EQ(this->take("d4", kNow + 60), kNow + 120);
}

TYPED_TEST(StoreContractRegistration, TwoTakersAtOnceOnOneStoreOneWins) {
  this->create("d1", kNow + 60);
  EXPECT_EQ(this->takeAtOnce({this->store_.get(), this->store_.get()}, "d1"), 1);
}

// Two nodes sharing the data, as a cluster's (or a restarted store beside a
// running one): one invite, one winner.
TYPED_TEST(StoreContractRegistration, TwoTakersAtOnceOnTwoStoresOneWins) {
  std::unique_ptr<Store> other = this->backend_.open(this->loop_);
  ASSERT_TRUE(other);
  for (const char* digest : {"d1", "d2", "d3"}) this->create(digest, kNow + 60);
  for (const char* digest : {"d1", "d2", "d3"}) {
    EXPECT_EQ(this->takeAtOnce({this->store_.get(), other.get(), this->store_.get(), other.get()}, digest), 1)
        << digest;
  }
  // A mode set through one is what the other reads.
  this->setMode("closed");
  std::string seen;
  other->registrationMode([&](StoreStatus, std::string mode) {
    seen = std::move(mode);
    this->loop_.stop();
  });
  this->runUntil([&] { return !seen.empty(); });
  EXPECT_EQ(seen, "closed");
}

}  // namespace
}  // namespace chatd::store
