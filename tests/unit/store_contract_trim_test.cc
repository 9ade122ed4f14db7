// The store contract for --history-max: each room keeps its newest N
// messages, pages start where the room now starts, and nothing of a trimmed
// message (its reactions, its id, its client id) is left to find. With N = 4
// both backends trim at every append (SQLite amortizes only from N = 16 on:
// SqliteStore::trimEvery), so the counts here are exact for both.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tests/unit/store_contract_messages.h"

namespace chatd::store {
namespace {

constexpr uint32_t kKeep = 4;
constexpr int64_t kNewest = std::numeric_limits<int64_t>::max();

template <typename Backend>
class StoreContractTrim : public StoreContractMessages<Backend> {
 protected:
  void SetUp() override {
    this->backend_.historyMax = kKeep;
    StoreContractMessages<Backend>::SetUp();
  }
  // Appends "m<i>" with client id "c<i>" for i in [from, to].
  std::vector<Message> appendRange(int from, int to) {
    std::vector<Message> stored;
    for (int i = from; i <= to; ++i) {
      stored.push_back(this->append(this->room_, this->ann_, "m" + std::to_string(i), "c" + std::to_string(i)).message);
    }
    return stored;
  }
};

TYPED_TEST_SUITE(StoreContractTrim, StoreBackends);

TYPED_TEST(StoreContractTrim, TheOldestAreGoneAndPagesStartAtTheFirstKeptSeq) {
  EXPECT_EQ(this->pageAfterOf(0, 10).firstSeq, 1) << "an empty room starts at 1";
  this->appendRange(1, 7);
  const MessagePage all = this->pageAfterOf(0, 100);
  EXPECT_EQ(this->seqs(all.messages), (std::vector<int64_t>{4, 5, 6, 7}));
  EXPECT_EQ(all.firstSeq, 4);
  EXPECT_EQ(all.messages.front().content, "m4");
  EXPECT_EQ(this->before(kNewest, 100), (std::vector<int64_t>{4, 5, 6, 7}));
  EXPECT_EQ(this->before(6, 10), (std::vector<int64_t>{4, 5}));
  // Before the first kept seq: an empty page that says where the room starts.
  const MessagePage older = this->pageBeforeOf(4, 10);
  EXPECT_TRUE(older.messages.empty());
  EXPECT_EQ(older.firstSeq, 4);
  EXPECT_EQ(this->pageBeforeOf(2, 10).firstSeq, 4);
  EXPECT_EQ(this->after(1, 2), (std::vector<int64_t>{4, 5})) << "a resume from a trimmed seq gets the kept ones";
  // Seqs go on, never reused.
  EXPECT_EQ(this->append(this->room_, this->bob_, "m8").message.seq, 8);
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 8);
  EXPECT_EQ(this->pageBeforeOf(kNewest, 100).firstSeq, 5);
  // A restarted server knows where the room starts.
  this->reopen();
  EXPECT_EQ(this->pageAfterOf(0, 100).firstSeq, 5);
  EXPECT_EQ(this->after(0, 100), (std::vector<int64_t>{5, 6, 7, 8}));
}

TYPED_TEST(StoreContractTrim, ATrimmedMessageTakesItsReactionsAndIdAlong) {
  const Message first = this->append(this->room_, this->ann_, "first").message;
  this->react(first.id, this->bob_, kThumbsUp);
  this->appendRange(2, 5);
  this->find(first.id, StoreStatus::kNotFound);
  this->edit(first.id, "again", StoreStatus::kNotFound);
  this->remove(first.id, StoreStatus::kNotFound);
  this->react(first.id, this->ann_, kParty, StoreStatus::kNotFound);
  // The kept ones keep theirs.
  const Message kept = this->pageAfterOf(0, 1).messages.at(0);
  this->react(kept.id, this->bob_, kHeart);
  EXPECT_EQ(counts(this->find(kept.id)), (Counts{{kHeart, 1}}));
}

TYPED_TEST(StoreContractTrim, AResendOfATrimmedClientIdIsANewMessage) {
  this->appendRange(1, 6);  // c1 and c2 trimmed
  // A kept one is still found by its client id...
  const AppendResult kept = this->append(this->room_, this->ann_, "m6 again", "c6");
  EXPECT_TRUE(kept.duplicate);
  EXPECT_EQ(kept.message.seq, 6);
  // ...a trimmed one is not resurrected at its old seq: it is stored anew.
  const AppendResult resent = this->append(this->room_, this->ann_, "m1 again", "c1");
  EXPECT_FALSE(resent.duplicate);
  EXPECT_EQ(resent.message.seq, 7);
  EXPECT_EQ(this->find(resent.message.id).content, "m1 again");
  EXPECT_TRUE(this->append(this->room_, this->ann_, "m1 thrice", "c1").duplicate);
}

TYPED_TEST(StoreContractTrim, AHistoryFromBeforeTheOptionIsTrimmedByTheNextAppend) {
  this->backend_.historyMax = 0;
  this->reopen();
  this->appendRange(1, 10);
  EXPECT_EQ(this->pageAfterOf(0, 100).firstSeq, 1);
  EXPECT_EQ(this->after(0, 100).size(), 10u);
  this->backend_.historyMax = kKeep;
  this->reopen();
  EXPECT_EQ(this->after(0, 100).size(), 10u) << "reads trim nothing";
  this->appendRange(11, 11);
  EXPECT_EQ(this->after(0, 100), (std::vector<int64_t>{8, 9, 10, 11}));
  EXPECT_EQ(this->pageBeforeOf(kNewest, 100).firstSeq, 8);
}

}  // namespace
}  // namespace chatd::store
