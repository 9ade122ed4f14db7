// The store contract for received and read marks as delivery status reads
// them: markReceived(), reading implying receipt, and a room's watermarks.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "tests/unit/store_contract_messages.h"

namespace chatd::store {
namespace {

// (user, received, read), comparable and printable.
using Marks = std::vector<std::tuple<int64_t, int64_t, int64_t>>;

template <typename Backend>
class StoreContractWatermarks : public StoreContractMessages<Backend> {
 protected:
  void SetUp() override {
    StoreContractMessages<Backend>::SetUp();
    this->template await<Room>([&](auto done) { this->store_->joinRoom(this->room_, this->bob_, done); });
  }
  int64_t markReceived(int64_t user, int64_t seq, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return this->template await<int64_t>(
        [&](auto done) { this->store_->markReceived(room ? room : this->room_, user, seq, done); }, expected);
  }
  Marks watermarks(int64_t fromSeq) {
    Marks out;
    for (const Watermark& w : this->template await<std::vector<Watermark>>(
             [&](auto done) { this->store_->watermarks(this->room_, fromSeq, done); })) {
      out.emplace_back(w.userId, w.receivedSeq, w.readSeq);
    }
    return out;
  }
};

TYPED_TEST_SUITE(StoreContractWatermarks, StoreBackends);

TYPED_TEST(StoreContractWatermarks, MarkReceivedIsCappedNeverGoesBackAndNeedsMembership) {
  for (int i = 0; i < 5; ++i) this->append(this->room_, this->ann_, "m");
  EXPECT_EQ(this->markReceived(this->bob_, 3), 3);
  EXPECT_EQ(this->markReceived(this->bob_, 2), 3);  // never backwards
  EXPECT_EQ(this->markReceived(this->bob_, 100), 5);  // capped at the room's last seq
  const int64_t carl = this->template await<User>([&](auto done) { this->store_->createUser("carl", "", "h", done); }).id;
  this->markReceived(carl, 1, StoreStatus::kNotFound);
  this->markReceived(this->bob_, 1, StoreStatus::kNotFound, 987654);
  EXPECT_EQ(this->seenBy(this->bob_).lastReadSeq, 0);  // receipt is not reading
}

TYPED_TEST(StoreContractWatermarks, ReadingMovesTheReceivedMarkAndPostingMovesBoth) {
  for (int i = 0; i < 5; ++i) this->append(this->room_, this->ann_, "m");
  EXPECT_EQ(this->markReceived(this->bob_, 2), 2);
  EXPECT_EQ(this->markRead(this->bob_, 4), 4);
  EXPECT_EQ(this->markReceived(this->bob_, 3), 4);  // reading 4 received it
  EXPECT_EQ(this->markReceived(this->ann_, 1), 5);  // ann posted 5
  this->append(this->room_, this->bob_, "reply");
  EXPECT_EQ(this->watermarks(1), (Marks{{this->bob_, 6, 6}, {this->ann_, 5, 5}}));
}

TYPED_TEST(StoreContractWatermarks, WatermarksAreTheMembersWhoReceivedFromASeqFurthestFirst) {
  const int64_t carl = this->template await<User>([&](auto done) { this->store_->createUser("carl", "", "h", done); }).id;
  this->template await<Room>([&](auto done) { this->store_->joinRoom(this->room_, carl, done); });
  for (int i = 0; i < 6; ++i) this->append(this->room_, this->ann_, "m");
  this->markReceived(this->bob_, 4);
  this->markRead(this->bob_, 2);
  EXPECT_EQ(this->watermarks(1), (Marks{{this->ann_, 6, 6}, {this->bob_, 4, 2}}));  // carl received nothing
  EXPECT_EQ(this->watermarks(5), (Marks{{this->ann_, 6, 6}}));
  EXPECT_EQ(this->watermarks(7), Marks{});
  // A member who leaves takes their marks along; one who comes back starts from nothing.
  this->template await<bool>([&](auto done) { this->store_->removeMember(this->room_, this->bob_, done); });
  EXPECT_EQ(this->watermarks(1), (Marks{{this->ann_, 6, 6}}));
  this->template await<Room>([&](auto done) { this->store_->joinRoom(this->room_, this->bob_, done); });
  EXPECT_EQ(this->watermarks(1), (Marks{{this->ann_, 6, 6}}));
}

TYPED_TEST(StoreContractWatermarks, AtMostAThousandFurthestFirst) {
  constexpr int kMembers = MessageLog::kMaxWatermarks + 5;
  for (int i = 0; i < 3; ++i) this->append(this->room_, this->ann_, "m");
  // Queued together, answered together: one loop run per step, not one per call.
  std::vector<int64_t> users;
  for (int i = 0; i < kMembers; ++i) {
    this->store_->createUser("u" + std::to_string(i), "", "h", [&](StoreStatus, User user) {
      users.push_back(user.id);
      if (users.size() == kMembers) this->loop_.stop();
    });
  }
  this->runUntil([&] { return users.size() == kMembers; });
  size_t joined = 0, marked = 0;
  auto counted = [&](size_t& count) {
    return [&](StoreStatus status, auto) {
      EXPECT_EQ(status, StoreStatus::kOk);
      if (++count == users.size()) this->loop_.stop();
    };
  };
  for (const int64_t user : users) this->store_->joinRoom(this->room_, user, counted(joined));
  this->runUntil([&] { return joined == users.size(); });
  // The first two received all three messages, the rest one.
  for (size_t i = 0; i < users.size(); ++i) {
    this->store_->markReceived(this->room_, users[i], i < 2 ? 3 : 1, counted(marked));
  }
  this->runUntil([&] { return marked == users.size(); });
  const Marks marks = this->watermarks(1);
  ASSERT_EQ(marks.size(), static_cast<size_t>(MessageLog::kMaxWatermarks));
  // Ann (who posted 3) and the two who received 3 lead.
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(std::get<1>(marks[i]), 3) << i;
  EXPECT_EQ(std::get<1>(marks.back()), 1);
}

TYPED_TEST(StoreContractWatermarks, ADeletedRoomHasNoWatermarks) {
  this->append(this->room_, this->ann_, "m");
  this->markReceived(this->bob_, 1);
  this->template await<bool>([&](auto done) { this->store_->deleteRoom(this->room_, done); });
  EXPECT_EQ(this->watermarks(0), Marks{});
}

}  // namespace
}  // namespace chatd::store
