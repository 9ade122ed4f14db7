// The store contract for changes to stored messages: edits, deletes and
// reactions.
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
class StoreContractChanges : public StoreContractMessages<Backend> {};

TYPED_TEST_SUITE(StoreContractChanges, StoreBackends);

TYPED_TEST(StoreContractChanges, AnEditReplacesTheContentAndSetsEditedAt) {
  const Message original = this->append(this->room_, this->ann_, "first").message;
  this->append(this->room_, this->bob_, "second");
  const Message edited = this->edit(original.id, "first, fixed");
  EXPECT_EQ(edited.id, original.id);
  EXPECT_EQ(edited.seq, 1);
  EXPECT_EQ(edited.senderId, this->ann_);
  EXPECT_EQ(edited.content, "first, fixed");
  EXPECT_EQ(edited.createdAt, original.createdAt);
  EXPECT_GE(edited.editedAt, original.createdAt);
  EXPECT_FALSE(edited.deleted);
  const Message found = this->find(original.id);
  EXPECT_EQ(found.content, "first, fixed");
  EXPECT_EQ(found.editedAt, edited.editedAt);
  const auto page = this->pageAfter(0, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].content, "first, fixed");
  EXPECT_EQ(page[0].editedAt, edited.editedAt);
  EXPECT_EQ(page[1].editedAt, 0);                  // the other one never was
  EXPECT_EQ(this->seenBy(this->ann_).lastSeq, 2);  // an edit uses no seq
}

TYPED_TEST(StoreContractChanges, OnlyAStoredLiveMessageOfTheRoomCanBeEdited) {
  const int64_t other = this->create("other", store::RoomKind::kPublic, this->bob_).id;
  const Message m = this->append(this->room_, this->ann_, "mine").message;
  this->edit(987654, "x", StoreStatus::kNotFound);
  this->edit(m.id, "through the wrong room", StoreStatus::kNotFound, other);
  this->edit(m.id, "x", StoreStatus::kNotFound, 987654);
  EXPECT_EQ(this->find(m.id).content, "mine");
  EXPECT_EQ(this->find(m.id).editedAt, 0);
  this->remove(m.id);
  this->edit(m.id, "back from the dead", StoreStatus::kNotFound);
  EXPECT_EQ(this->find(m.id).content, "");
  EXPECT_EQ(this->find(m.id).editedAt, 0);
}

TYPED_TEST(StoreContractChanges, ADeleteEmptiesTheContentKeepsTheSeqAndDropsReactions) {
  this->append(this->room_, this->ann_, "one");
  const Message doomed = this->append(this->room_, this->bob_, "two").message;
  this->append(this->room_, this->ann_, "three");
  this->react(doomed.id, this->ann_, kThumbsUp);
  this->react(doomed.id, this->bob_, kParty);
  const Message deleted = this->remove(doomed.id);
  EXPECT_EQ(deleted.id, doomed.id);
  EXPECT_EQ(deleted.seq, 2);
  EXPECT_TRUE(deleted.deleted);
  EXPECT_EQ(deleted.content, "");
  EXPECT_TRUE(deleted.reactions.empty());
  const auto page = this->pageAfter(0, 10);
  ASSERT_EQ(page.size(), 3u);  // no gap
  EXPECT_EQ(page[1].seq, 2);
  EXPECT_TRUE(page[1].deleted);
  EXPECT_EQ(page[1].content, "");
  EXPECT_EQ(page[1].senderId, this->bob_);
  EXPECT_TRUE(page[1].reactions.empty());
  EXPECT_FALSE(page[0].deleted);
  EXPECT_EQ(page[2].content, "three");
  // Still found, as deleted; no longer deletable or reactable.
  const Message found = this->find(doomed.id);
  EXPECT_TRUE(found.deleted);
  EXPECT_TRUE(found.reactions.empty());
  this->remove(doomed.id, StoreStatus::kNotFound);
  this->react(doomed.id, this->ann_, kThumbsUp, StoreStatus::kNotFound);
  EXPECT_TRUE(this->find(doomed.id).reactions.empty());
  EXPECT_EQ(this->append(this->room_, this->ann_, "four").message.seq, 4);
}

TYPED_TEST(StoreContractChanges, OnlyAStoredLiveMessageOfTheRoomCanBeDeletedOrFound) {
  const int64_t other = this->create("other", store::RoomKind::kPublic, this->bob_).id;
  const Message m = this->append(this->room_, this->ann_, "mine").message;
  this->remove(987654, StoreStatus::kNotFound);
  this->remove(m.id, StoreStatus::kNotFound, other);
  this->find(987654, StoreStatus::kNotFound);
  this->find(m.id, StoreStatus::kNotFound, other);
  EXPECT_FALSE(this->find(m.id).deleted);
  EXPECT_EQ(this->find(m.id).content, "mine");
}

TYPED_TEST(StoreContractChanges, AReactionTogglesAndCountsUsersPerEmoji) {
  const Message m = this->append(this->room_, this->ann_, "react to me", "c-1").message;
  ReactionChange change = this->react(m.id, this->ann_, kThumbsUp);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 1);
  EXPECT_EQ(change.message.id, m.id);
  EXPECT_EQ(change.message.content, "react to me");
  change = this->react(m.id, this->bob_, kThumbsUp);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 2);
  change = this->react(m.id, this->ann_, kParty);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 1);
  change = this->react(m.id, this->bob_, kHeart);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 1);
  // By emoji in byte order, not in the order they were added.
  EXPECT_EQ(counts(this->find(m.id)), (Counts{{kHeart, 1}, {kParty, 1}, {kThumbsUp, 2}}));
  change = this->react(m.id, this->ann_, kThumbsUp);  // again: taken back
  EXPECT_FALSE(change.added);
  EXPECT_EQ(change.count, 1);
  change = this->react(m.id, this->bob_, kHeart);
  EXPECT_FALSE(change.added);
  EXPECT_EQ(change.count, 0);
  EXPECT_EQ(counts(this->find(m.id)), (Counts{{kParty, 1}, {kThumbsUp, 1}}));
  // An edit answers the message with its reactions; a resend's answer has none.
  EXPECT_EQ(counts(this->edit(m.id, "edited")), (Counts{{kParty, 1}, {kThumbsUp, 1}}));
  const AppendResult again = this->append(this->room_, this->ann_, "react to me", "c-1");
  EXPECT_TRUE(again.duplicate);
  EXPECT_TRUE(again.message.reactions.empty());
}

// The second user to react, then the first taking theirs back: a toggle is
// per (user, emoji), whoever reacted first or last.
TYPED_TEST(StoreContractChanges, TheFirstReactorTakesTheirReactionBackAfterAnotherReacted) {
  const Message m = this->append(this->room_, this->ann_, "hi").message;
  EXPECT_TRUE(this->react(m.id, this->bob_, kThumbsUp).added);
  EXPECT_EQ(this->react(m.id, this->ann_, kThumbsUp).count, 2);
  const ReactionChange again = this->react(m.id, this->bob_, kThumbsUp);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(again.count, 1);
  EXPECT_EQ(counts(this->find(m.id)), (Counts{{kThumbsUp, 1}}));
}

TYPED_TEST(StoreContractChanges, AUserPutsAtMostTheLimitOfDistinctReactionsOnAMessage) {
  const Message m = this->append(this->room_, this->ann_, "hi").message;
  auto reactWithin = [&](int64_t user, const char* emoji, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<ReactionChange>(
        [&](auto done) { this->store_->toggleReaction(this->room_, m.id, user, emoji, 2, done); }, expected);
  };
  EXPECT_TRUE(reactWithin(this->ann_, kThumbsUp).added);
  EXPECT_TRUE(reactWithin(this->ann_, kHeart).added);
  reactWithin(this->ann_, kParty, StoreStatus::kOverQuota);
  EXPECT_TRUE(reactWithin(this->bob_, kParty).added);   // another user's own limit
  EXPECT_FALSE(reactWithin(this->ann_, kHeart).added);  // taking one back is always allowed
  EXPECT_TRUE(reactWithin(this->ann_, kParty).added);   // and makes room for another
  EXPECT_EQ(counts(this->find(m.id)), (Counts{{kParty, 2}, {kThumbsUp, 1}}));
}

TYPED_TEST(StoreContractChanges, OnlyAKnownUserReactsToAStoredMessageOfTheRoom) {
  const int64_t other = this->create("other", store::RoomKind::kPublic, this->bob_).id;
  const Message m = this->append(this->room_, this->ann_, "m").message;
  this->react(987654, this->ann_, kThumbsUp, StoreStatus::kNotFound);
  this->react(m.id, this->ann_, kThumbsUp, StoreStatus::kNotFound, other);
  this->react(m.id, 987654, kThumbsUp, StoreStatus::kNotFound);
  EXPECT_TRUE(this->find(m.id).reactions.empty());
}

TYPED_TEST(StoreContractChanges, EveryPageCarriesItsOwnMessagesReactions) {
  const int64_t other = this->create("other", store::RoomKind::kPublic, this->bob_).id;
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(this->append(this->room_, this->ann_, "m" + std::to_string(i + 1)).message.id);
    // Same seqs in another room, with reactions that must not leak.
    this->react(this->append(other, this->bob_, "noise").message.id, this->bob_, kHeart, StoreStatus::kOk, other);
  }
  this->react(ids[1], this->ann_, kThumbsUp);
  this->react(ids[1], this->bob_, kThumbsUp);
  this->react(ids[1], this->bob_, kParty);
  this->react(ids[3], this->ann_, kHeart);
  this->react(ids[4], this->bob_, kParty);
  const Counts none;
  const auto all = this->pageAfter(0, 10);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(counts(all[0]), none);
  EXPECT_EQ(counts(all[1]), (Counts{{kParty, 1}, {kThumbsUp, 2}}));
  EXPECT_EQ(counts(all[2]), none);
  EXPECT_EQ(counts(all[3]), (Counts{{kHeart, 1}}));
  EXPECT_EQ(counts(all[4]), (Counts{{kParty, 1}}));
  // A page holds only its own messages' reactions.
  const auto middle = this->pageAfter(1, 2);
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(counts(middle[0]), (Counts{{kParty, 1}, {kThumbsUp, 2}}));
  EXPECT_EQ(counts(middle[1]), none);
  const auto newest = this->pageBefore(6, 2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].seq, 4);
  EXPECT_EQ(counts(newest[0]), (Counts{{kHeart, 1}}));
  EXPECT_EQ(counts(newest[1]), (Counts{{kParty, 1}}));
  const auto oldest = this->pageBefore(3, 10);
  ASSERT_EQ(oldest.size(), 2u);
  EXPECT_EQ(counts(oldest[0]), none);
  EXPECT_EQ(counts(oldest[1]), (Counts{{kParty, 1}, {kThumbsUp, 2}}));
  EXPECT_EQ(counts(this->find(ids[3])), (Counts{{kHeart, 1}}));
  EXPECT_EQ(counts(this->find(ids[2])), none);
}

}  // namespace
}  // namespace chatd::store
