// The store contract for the message log: seqs, exactly-once appends, pages
// and read marks.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/store_contract_messages.h"

namespace chatd::store {
namespace {

template <typename Backend>
class StoreContractLog : public StoreContractMessages<Backend> {};

TYPED_TEST_SUITE(StoreContractLog, StoreBackends);

TYPED_TEST(StoreContractLog, SeqsAreDensePerRoom) {
  const int64_t other = this->create("other", store::RoomKind::kPublic, this->bob_).id;
  EXPECT_EQ(this->append(this->room_, this->ann_, "a1").message.seq, 1);
  EXPECT_EQ(this->append(other, this->bob_, "b1").message.seq, 1);
  EXPECT_EQ(this->append(this->room_, this->bob_, "a2").message.seq, 2);
  EXPECT_EQ(this->append(this->room_, this->ann_, "a3").message.seq, 3);
  EXPECT_EQ(this->append(other, this->ann_, "b2").message.seq, 2);
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 3);
  EXPECT_EQ(this->template await<Room>([&](auto done) { this->store_->findRoom(other, this->ann_, done); }).lastSeq, 2);
  const auto stored = this->template await<MessagePage>(
      [&](auto done) { this->store_->messagesAfter(this->room_, 0, 10, done); }).messages;
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[1].content, "a2");
  EXPECT_EQ(stored[1].senderId, this->bob_);
  EXPECT_EQ(stored[1].roomId, this->room_);
  EXPECT_EQ(stored[1].kind, "text");
  EXPECT_EQ(stored[1].editedAt, 0);
  EXPECT_FALSE(stored[1].deleted);
  EXPECT_GT(stored[1].createdAt, 0);
  EXPECT_EQ(this->after(0, 10, other), (std::vector<int64_t>{1, 2}));
}

TYPED_TEST(StoreContractLog, AResendAnswersTheOriginalAndStoresNothing) {
  const AppendResult first = this->append(this->room_, this->ann_, "hello", "c-1");
  EXPECT_FALSE(first.duplicate);
  const AppendResult again = this->append(this->room_, this->ann_, "hello, edited by the retry", "c-1");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(again.message.seq, first.message.seq);
  EXPECT_EQ(again.message.content, "hello");
  EXPECT_EQ(again.message.clientId, "c-1");
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 1);
  EXPECT_EQ(this->after(0, 10), (std::vector<int64_t>{1}));
  // Messages without a client id are never taken for resends.
  EXPECT_FALSE(this->append(this->room_, this->ann_, "x").duplicate);
  EXPECT_FALSE(this->append(this->room_, this->ann_, "x").duplicate);
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 3);
}

TYPED_TEST(StoreContractLog, AResendInTheSameBatchFindsTheOriginal) {
  std::vector<AppendResult> results;
  for (const char* content : {"first", "second"}) {
    this->store_->appendMessage(this->room_, this->ann_, content, "same", nullptr, [&](StoreStatus s, AppendResult r) {
      EXPECT_EQ(s, StoreStatus::kOk);
      results.push_back(r);
      if (results.size() == 2) this->loop_.stop();
    });
  }
  this->loop_.run();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].duplicate);
  EXPECT_TRUE(results[1].duplicate);
  EXPECT_EQ(results[1].message.id, results[0].message.id);
  EXPECT_EQ(results[1].message.content, "first");
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 1);
}

TYPED_TEST(StoreContractLog, AResendAfterARestartFindsTheOriginal) {
  const AppendResult first = this->append(this->room_, this->ann_, "before the crash", "c-9");
  this->reopen();
  const AppendResult again = this->append(this->room_, this->ann_, "before the crash", "c-9");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(again.message.seq, 1);
  EXPECT_EQ(this->append(this->room_, this->ann_, "after", "c-10").message.seq, 2);
}

TYPED_TEST(StoreContractLog, DifferentSendersMayUseTheSameClientId) {
  const AppendResult fromAnn = this->append(this->room_, this->ann_, "ann's", "c-1");
  const AppendResult fromBob = this->append(this->room_, this->bob_, "bob's", "c-1");
  EXPECT_FALSE(fromBob.duplicate);
  EXPECT_NE(fromBob.message.id, fromAnn.message.id);
  EXPECT_EQ(fromBob.message.seq, 2);
  EXPECT_EQ(fromBob.message.content, "bob's");
}

TYPED_TEST(StoreContractLog, AFailedAppendUsesNoSeq) {
  this->append(987654, this->ann_, "nowhere", "", StoreStatus::kNotFound);
  // In one batch: the append from a user who does not exist is rolled back
  // alone, with its seq.
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  this->queueAppend(this->room_, this->ann_, "one", statuses, results, 3);
  this->queueAppend(this->room_, 987654, "ghost", statuses, results, 3);
  this->queueAppend(this->room_, this->bob_, "two", statuses, results, 3);
  this->loop_.run();
  EXPECT_EQ(statuses, (std::vector<StoreStatus>{StoreStatus::kOk, StoreStatus::kNotFound, StoreStatus::kOk}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].seq, 1);
  EXPECT_EQ(results[2].seq, 2);
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 2);
  EXPECT_EQ(this->after(0, 10), (std::vector<int64_t>{1, 2}));
}

TYPED_TEST(StoreContractLog, HistoryPagesBothWaysWithinLimitsAndBounds) {
  const int64_t other = this->create("other", store::RoomKind::kPublic, this->bob_).id;
  for (int i = 0; i < 10; ++i) {
    this->append(this->room_, this->ann_, "m" + std::to_string(i + 1));
    this->append(other, this->bob_, "noise");
  }
  EXPECT_EQ(this->after(0, 3), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(this->after(3, 3), (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(this->after(8, 5), (std::vector<int64_t>{9, 10}));
  EXPECT_EQ(this->after(10, 5), (std::vector<int64_t>{}));
  EXPECT_EQ(this->after(-5, 1), (std::vector<int64_t>{1}));
  EXPECT_EQ(this->before(11, 3), (std::vector<int64_t>{8, 9, 10}));
  EXPECT_EQ(this->before(8, 3), (std::vector<int64_t>{5, 6, 7}));
  EXPECT_EQ(this->before(3, 5), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(this->before(1, 5), (std::vector<int64_t>{}));
  EXPECT_EQ(this->before(std::numeric_limits<int64_t>::max(), 2), (std::vector<int64_t>{9, 10}));
  // A limit below 1 means 1.
  EXPECT_EQ(this->after(0, 0), (std::vector<int64_t>{1}));
  EXPECT_EQ(this->before(11, -4), (std::vector<int64_t>{10}));
  EXPECT_EQ(this->after(0, 10, 987654), (std::vector<int64_t>{}));
  const auto page = this->template await<MessagePage>(
      [&](auto done) { this->store_->messagesBefore(this->room_, 3, 1, done); }).messages;
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].content, "m2");
  EXPECT_EQ(page[0].roomId, this->room_);
}

TYPED_TEST(StoreContractLog, APageHoldsAtMostAThousand) {
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  for (int i = 0; i < 1001; ++i) this->queueAppend(this->room_, this->ann_, "m", statuses, results, 1001);
  this->loop_.run();
  EXPECT_EQ(this->after(0, 5000).size(), 1000u);
  EXPECT_EQ(this->before(1002, std::numeric_limits<int>::max()).size(), 1000u);
  EXPECT_EQ(this->before(1002, std::numeric_limits<int>::max()).front(), 2);
}

TYPED_TEST(StoreContractLog, MarkReadIsCappedNeverGoesBackAndMovesUnread) {
  for (int i = 0; i < 5; ++i) this->append(this->room_, this->bob_, "m");
  EXPECT_EQ(this->markRead(this->ann_, 3), 3);
  EXPECT_EQ(this->markRead(this->ann_, 2), 3);  // never backwards
  EXPECT_EQ(this->seenBy(this->ann_).lastReadSeq, 3);
  auto unread = [&] {
    for (const Room& r : this->template await<std::vector<Room>>(
             [&](auto done) { this->store_->listRooms(this->ann_, 0, 1000, done); })) {
      if (r.id == this->room_) return r.lastSeq - r.lastReadSeq;
    }
    return int64_t{-1};
  };
  EXPECT_EQ(unread(), 2);
  this->append(this->room_, this->bob_, "m");
  EXPECT_EQ(unread(), 3);
  EXPECT_EQ(this->markRead(this->ann_, 100), 6);  // capped at the room's last seq
  EXPECT_EQ(unread(), 0);
  this->markRead(this->bob_, 1, StoreStatus::kNotFound);  // bob posts but never joined
  EXPECT_EQ(this->seenBy(this->bob_).lastReadSeq, 0);
  EXPECT_EQ(this->template await<int64_t>([&](auto done) { this->store_->markRead(987654, this->ann_, 1, done); },
                                          StoreStatus::kNotFound),
            0);
}

TYPED_TEST(StoreContractLog, PostingMovesTheSendersReadMark) {
  this->append(this->room_, this->bob_, "m");
  this->append(this->room_, this->ann_, "mine");
  EXPECT_EQ(this->seenBy(this->ann_).lastReadSeq, 2);  // nothing of one's own is unread
  this->append(this->room_, this->bob_, "m");
  EXPECT_EQ(this->seenBy(this->ann_).lastReadSeq, 2);
}

TYPED_TEST(StoreContractLog, AppendsCalledTogetherGetConsecutiveSeqsInCallOrder) {
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  for (int i = 0; i < 50; ++i) {
    this->queueAppend(this->room_, i % 2 ? this->bob_ : this->ann_, "m" + std::to_string(i), statuses, results, 50);
  }
  EXPECT_TRUE(results.empty());  // nothing is acked inside the call
  this->runUntil([&] { return results.size() == 50; });
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(statuses[i], StoreStatus::kOk);
    EXPECT_EQ(results[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(results[i].content, "m" + std::to_string(i));
  }
}

// Batches of appends, single appends and a restart in between: the room's
// seqs run 1..n with no gap and no repeat, in the order the appends answered.
TYPED_TEST(StoreContractLog, SeqsHaveNoGapsAcrossBatchesAndRestarts) {
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  size_t expected = 0;
  for (int batch = 0; batch < 4; ++batch) {
    expected += 5;
    for (int i = 0; i < 5; ++i) this->queueAppend(this->room_, this->ann_, "b", statuses, results, expected);
    this->runUntil([&] { return results.size() == expected; });
    results.push_back(this->append(this->room_, this->bob_, "single").message);
    ++expected;
    if (batch == 1) this->reopen();
  }
  std::vector<int64_t> answered;
  for (const Message& m : results) answered.push_back(m.seq);
  std::vector<int64_t> dense;
  for (int64_t seq = 1; seq <= static_cast<int64_t>(expected); ++seq) dense.push_back(seq);
  EXPECT_EQ(answered, dense);
  EXPECT_EQ(this->after(0, 1000), dense);
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, static_cast<int64_t>(expected));
}

TYPED_TEST(StoreContractLog, AResendInALaterBatchFindsTheOriginal) {
  std::vector<AppendResult> results;
  this->store_->appendMessage(this->room_, this->ann_, "once", "c-1", nullptr, [&](StoreStatus s, AppendResult r) {
    EXPECT_EQ(s, StoreStatus::kOk);
    results.push_back(r);
    // Resent from the ack's completion: the next batch.
    this->store_->appendMessage(this->room_, this->ann_, "once", "c-1", nullptr, [&](StoreStatus s2, AppendResult again) {
      EXPECT_EQ(s2, StoreStatus::kOk);
      results.push_back(again);
      this->loop_.stop();
    });
  });
  this->runUntil([&] { return results.size() == 2; });
  EXPECT_FALSE(results[0].duplicate);
  EXPECT_TRUE(results[1].duplicate);
  EXPECT_EQ(results[1].message.id, results[0].message.id);
  EXPECT_EQ(results[1].message.seq, 1);
  EXPECT_EQ(this->after(0, 10), (std::vector<int64_t>{1}));
}

}  // namespace
}  // namespace chatd::store
