#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/store_test_fixture.h"

namespace chatd::store {
namespace {

// A message's reactions as (emoji, count) pairs, for comparing and printing.
using Counts = std::vector<std::pair<std::string, int64_t>>;

Counts counts(const Message& m) {
  Counts out;
  for (const ReactionCount& r : m.reactions) out.emplace_back(r.emoji, r.count);
  return out;
}

constexpr uint32_t kMaxReactions = 1000;

int countCommits(void* counter) {
  ++*static_cast<int*>(counter);
  return 0;  // 0: let the commit proceed
}

class SqliteStoreMessages : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    room_ = create("talk", RoomKind::kPublic, ann_).id;
  }

  AppendResult append(int64_t room, int64_t sender, std::string content, std::string clientId = "",
                      StoreStatus expected = StoreStatus::kOk) {
    return await<AppendResult>(
        [&](auto done) { store_->appendMessage(room, sender, content, clientId, done); }, expected);
  }
  // Queues one append without running the loop; its answer lands in `results`.
  void queueAppend(int64_t room, int64_t sender, std::string content, std::vector<StoreStatus>& statuses,
                   std::vector<Message>& results, size_t expected) {
    store_->appendMessage(room, sender, std::move(content), "", [&, expected](StoreStatus s, AppendResult r) {
      statuses.push_back(s);
      results.push_back(r.message);
      if (results.size() == expected) loop_.stop();
    });
  }
  // A page of seqs, through messagesAfter() or messagesBefore().
  std::vector<int64_t> after(int64_t seq, int limit, int64_t room = 0) {
    return seqs(await<std::vector<Message>>(
        [&](auto done) { store_->messagesAfter(room ? room : room_, seq, limit, done); }));
  }
  std::vector<int64_t> before(int64_t seq, int limit, int64_t room = 0) {
    return seqs(await<std::vector<Message>>(
        [&](auto done) { store_->messagesBefore(room ? room : room_, seq, limit, done); }));
  }
  static std::vector<int64_t> seqs(const std::vector<Message>& messages) {
    std::vector<int64_t> out;
    for (const Message& m : messages) out.push_back(m.seq);
    return out;
  }
  int64_t markRead(int64_t user, int64_t seq, StoreStatus expected = StoreStatus::kOk) {
    return await<int64_t>([&](auto done) { store_->markRead(room_, user, seq, done); }, expected);
  }
  Room seenBy(int64_t user) {
    return await<Room>([&](auto done) { store_->findRoom(room_, user, done); });
  }
  Message find(int64_t id, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return await<Message>([&](auto done) { store_->findMessage(room ? room : room_, id, done); }, expected);
  }
  Message edit(int64_t id, std::string content, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return await<Message>([&](auto done) { store_->editMessage(room ? room : room_, id, content, done); }, expected);
  }
  Message remove(int64_t id, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return await<Message>([&](auto done) { store_->deleteMessage(room ? room : room_, id, done); }, expected);
  }
  ReactionChange react(int64_t id, int64_t user, std::string emoji, StoreStatus expected = StoreStatus::kOk,
                       int64_t room = 0) {
    return await<ReactionChange>(
        [&](auto done) { store_->toggleReaction(room ? room : room_, id, user, emoji, kMaxReactions, done); },
        expected);
  }
  std::vector<Message> pageAfter(int64_t seq, int limit) {
    return await<std::vector<Message>>([&](auto done) { store_->messagesAfter(room_, seq, limit, done); });
  }
  std::vector<Message> pageBefore(int64_t seq, int limit) {
    return await<std::vector<Message>>([&](auto done) { store_->messagesBefore(room_, seq, limit, done); });
  }

  int64_t room_ = 0;
};

TEST_F(SqliteStoreMessages, SeqsAreDensePerRoom) {
  const int64_t other = create("other", RoomKind::kPublic, bob_).id;
  EXPECT_EQ(append(room_, ann_, "a1").message.seq, 1);
  EXPECT_EQ(append(other, bob_, "b1").message.seq, 1);
  EXPECT_EQ(append(room_, bob_, "a2").message.seq, 2);
  EXPECT_EQ(append(room_, ann_, "a3").message.seq, 3);
  EXPECT_EQ(append(other, ann_, "b2").message.seq, 2);
  EXPECT_EQ(seenBy(ann_).lastSeq, 3);
  EXPECT_EQ(await<Room>([&](auto done) { store_->findRoom(other, ann_, done); }).lastSeq, 2);
  const auto stored = await<std::vector<Message>>([&](auto done) { store_->messagesAfter(room_, 0, 10, done); });
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[1].content, "a2");
  EXPECT_EQ(stored[1].senderId, bob_);
  EXPECT_EQ(stored[1].roomId, room_);
  EXPECT_EQ(stored[1].kind, "text");
  EXPECT_EQ(stored[1].editedAt, 0);
  EXPECT_FALSE(stored[1].deleted);
  EXPECT_GT(stored[1].createdAt, 0);
  EXPECT_EQ(after(0, 10, other), (std::vector<int64_t>{1, 2}));
}

TEST_F(SqliteStoreMessages, OneBatchGetsConsecutiveSeqsInCallOrderAndOneCommit) {
  int commits = 0;
  sqlite3_commit_hook(store_->database().raw(), countCommits, &commits);
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  int commitsSeenByFirstAck = -1;
  store_->appendMessage(room_, ann_, "m0", "", [&](StoreStatus s, AppendResult r) {
    commitsSeenByFirstAck = commits;
    statuses.push_back(s);
    results.push_back(r.message);
  });
  for (int i = 1; i < 50; ++i) queueAppend(room_, i % 2 ? bob_ : ann_, "m" + std::to_string(i), statuses, results, 50);
  EXPECT_TRUE(results.empty());  // nothing is acked before the COMMIT
  loop_.run();
  sqlite3_commit_hook(store_->database().raw(), nullptr, nullptr);
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(commitsSeenByFirstAck, 1);
  ASSERT_EQ(results.size(), 50u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(statuses[i], StoreStatus::kOk);
    EXPECT_EQ(results[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(results[i].content, "m" + std::to_string(i));
  }
}

TEST_F(SqliteStoreMessages, AResendAnswersTheOriginalAndStoresNothing) {
  const AppendResult first = append(room_, ann_, "hello", "c-1");
  EXPECT_FALSE(first.duplicate);
  const AppendResult again = append(room_, ann_, "hello, edited by the retry", "c-1");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(again.message.seq, first.message.seq);
  EXPECT_EQ(again.message.content, "hello");
  EXPECT_EQ(again.message.clientId, "c-1");
  EXPECT_EQ(seenBy(ann_).lastSeq, 1);
  EXPECT_EQ(after(0, 10), (std::vector<int64_t>{1}));
  // Messages without a client id are never taken for resends.
  EXPECT_FALSE(append(room_, ann_, "x").duplicate);
  EXPECT_FALSE(append(room_, ann_, "x").duplicate);
  EXPECT_EQ(seenBy(ann_).lastSeq, 3);
}

TEST_F(SqliteStoreMessages, AResendInTheSameBatchFindsTheOriginal) {
  std::vector<AppendResult> results;
  for (const char* content : {"first", "second"}) {
    store_->appendMessage(room_, ann_, content, "same", [&](StoreStatus s, AppendResult r) {
      EXPECT_EQ(s, StoreStatus::kOk);
      results.push_back(r);
      if (results.size() == 2) loop_.stop();
    });
  }
  loop_.run();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].duplicate);
  EXPECT_TRUE(results[1].duplicate);
  EXPECT_EQ(results[1].message.id, results[0].message.id);
  EXPECT_EQ(results[1].message.content, "first");
  EXPECT_EQ(seenBy(ann_).lastSeq, 1);
}

TEST_F(SqliteStoreMessages, AResendAfterARestartFindsTheOriginal) {
  const AppendResult first = append(room_, ann_, "before the crash", "c-9");
  openStore();
  const AppendResult again = append(room_, ann_, "before the crash", "c-9");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(again.message.seq, 1);
  EXPECT_EQ(append(room_, ann_, "after", "c-10").message.seq, 2);
}

TEST_F(SqliteStoreMessages, DifferentSendersMayUseTheSameClientId) {
  const AppendResult fromAnn = append(room_, ann_, "ann's", "c-1");
  const AppendResult fromBob = append(room_, bob_, "bob's", "c-1");
  EXPECT_FALSE(fromBob.duplicate);
  EXPECT_NE(fromBob.message.id, fromAnn.message.id);
  EXPECT_EQ(fromBob.message.seq, 2);
  EXPECT_EQ(fromBob.message.content, "bob's");
}

TEST_F(SqliteStoreMessages, AFailedAppendUsesNoSeq) {
  append(987654, ann_, "nowhere", "", StoreStatus::kNotFound);
  // In one batch: the append from a user who does not exist is rolled back
  // alone, with its seq.
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  queueAppend(room_, ann_, "one", statuses, results, 3);
  queueAppend(room_, 987654, "ghost", statuses, results, 3);
  queueAppend(room_, bob_, "two", statuses, results, 3);
  loop_.run();
  EXPECT_EQ(statuses, (std::vector<StoreStatus>{StoreStatus::kOk, StoreStatus::kNotFound, StoreStatus::kOk}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].seq, 1);
  EXPECT_EQ(results[2].seq, 2);
  EXPECT_EQ(seenBy(ann_).lastSeq, 2);
  EXPECT_EQ(after(0, 10), (std::vector<int64_t>{1, 2}));
}

TEST_F(SqliteStoreMessages, HistoryPagesBothWaysWithinLimitsAndBounds) {
  const int64_t other = create("other", RoomKind::kPublic, bob_).id;
  for (int i = 0; i < 10; ++i) {
    append(room_, ann_, "m" + std::to_string(i + 1));
    append(other, bob_, "noise");
  }
  EXPECT_EQ(after(0, 3), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(after(3, 3), (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(after(8, 5), (std::vector<int64_t>{9, 10}));
  EXPECT_EQ(after(10, 5), (std::vector<int64_t>{}));
  EXPECT_EQ(after(-5, 1), (std::vector<int64_t>{1}));
  EXPECT_EQ(before(11, 3), (std::vector<int64_t>{8, 9, 10}));
  EXPECT_EQ(before(8, 3), (std::vector<int64_t>{5, 6, 7}));
  EXPECT_EQ(before(3, 5), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(before(1, 5), (std::vector<int64_t>{}));
  EXPECT_EQ(before(std::numeric_limits<int64_t>::max(), 2), (std::vector<int64_t>{9, 10}));
  // A limit below 1 means 1.
  EXPECT_EQ(after(0, 0), (std::vector<int64_t>{1}));
  EXPECT_EQ(before(11, -4), (std::vector<int64_t>{10}));
  EXPECT_EQ(after(0, 10, 987654), (std::vector<int64_t>{}));
  const auto page = await<std::vector<Message>>([&](auto done) { store_->messagesBefore(room_, 3, 1, done); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].content, "m2");
  EXPECT_EQ(page[0].roomId, room_);
}

TEST_F(SqliteStoreMessages, APageHoldsAtMostAThousand) {
  std::vector<StoreStatus> statuses;
  std::vector<Message> results;
  for (int i = 0; i < 1001; ++i) queueAppend(room_, ann_, "m", statuses, results, 1001);
  loop_.run();
  EXPECT_EQ(after(0, 5000).size(), 1000u);
  EXPECT_EQ(before(1002, std::numeric_limits<int>::max()).size(), 1000u);
  EXPECT_EQ(before(1002, std::numeric_limits<int>::max()).front(), 2);
}

TEST_F(SqliteStoreMessages, MarkReadIsCappedNeverGoesBackAndMovesUnread) {
  for (int i = 0; i < 5; ++i) append(room_, bob_, "m");
  EXPECT_EQ(markRead(ann_, 3), 3);
  EXPECT_EQ(markRead(ann_, 2), 3);  // never backwards
  EXPECT_EQ(seenBy(ann_).lastReadSeq, 3);
  auto unread = [&] {
    for (const Room& r : await<std::vector<Room>>([&](auto done) { store_->listRooms(ann_, 0, 1000, done); })) {
      if (r.id == room_) return r.lastSeq - r.lastReadSeq;
    }
    return int64_t{-1};
  };
  EXPECT_EQ(unread(), 2);
  append(room_, bob_, "m");
  EXPECT_EQ(unread(), 3);
  EXPECT_EQ(markRead(ann_, 100), 6);  // capped at the room's last seq
  EXPECT_EQ(unread(), 0);
  markRead(bob_, 1, StoreStatus::kNotFound);  // bob posts but never joined
  EXPECT_EQ(seenBy(bob_).lastReadSeq, 0);
  EXPECT_EQ(await<int64_t>([&](auto done) { store_->markRead(987654, ann_, 1, done); }, StoreStatus::kNotFound), 0);
}

TEST_F(SqliteStoreMessages, PostingMovesTheSendersReadMark) {
  append(room_, bob_, "m");
  append(room_, ann_, "mine");
  EXPECT_EQ(seenBy(ann_).lastReadSeq, 2);  // nothing of one's own is unread
  append(room_, bob_, "m");
  EXPECT_EQ(seenBy(ann_).lastReadSeq, 2);
}

// In UTF-8 byte order: U+2764 (E2 ..) < U+1F389 (F0 9F 8E ..) < U+1F44D (F0 9F 91 ..).
constexpr const char* kHeart = "\u2764";
constexpr const char* kParty = "\U0001F389";
constexpr const char* kThumbsUp = "\U0001F44D";

TEST_F(SqliteStoreMessages, AnEditReplacesTheContentAndSetsEditedAt) {
  const Message original = append(room_, ann_, "first").message;
  append(room_, bob_, "second");
  const Message edited = edit(original.id, "first, fixed");
  EXPECT_EQ(edited.id, original.id);
  EXPECT_EQ(edited.seq, 1);
  EXPECT_EQ(edited.senderId, ann_);
  EXPECT_EQ(edited.content, "first, fixed");
  EXPECT_EQ(edited.createdAt, original.createdAt);
  EXPECT_GE(edited.editedAt, original.createdAt);
  EXPECT_FALSE(edited.deleted);
  const Message found = find(original.id);
  EXPECT_EQ(found.content, "first, fixed");
  EXPECT_EQ(found.editedAt, edited.editedAt);
  const auto page = pageAfter(0, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].content, "first, fixed");
  EXPECT_EQ(page[0].editedAt, edited.editedAt);
  EXPECT_EQ(page[1].editedAt, 0);  // the other one never was
  EXPECT_EQ(seenBy(ann_).lastSeq, 2);  // an edit uses no seq
}

TEST_F(SqliteStoreMessages, OnlyAStoredLiveMessageOfTheRoomCanBeEdited) {
  const int64_t other = create("other", RoomKind::kPublic, bob_).id;
  const Message m = append(room_, ann_, "mine").message;
  edit(987654, "x", StoreStatus::kNotFound);
  edit(m.id, "through the wrong room", StoreStatus::kNotFound, other);
  edit(m.id, "x", StoreStatus::kNotFound, 987654);
  EXPECT_EQ(find(m.id).content, "mine");
  EXPECT_EQ(find(m.id).editedAt, 0);
  remove(m.id);
  edit(m.id, "back from the dead", StoreStatus::kNotFound);
  EXPECT_EQ(find(m.id).content, "");
  EXPECT_EQ(find(m.id).editedAt, 0);
}

TEST_F(SqliteStoreMessages, ADeleteEmptiesTheContentKeepsTheSeqAndDropsReactions) {
  append(room_, ann_, "one");
  const Message doomed = append(room_, bob_, "two").message;
  append(room_, ann_, "three");
  react(doomed.id, ann_, kThumbsUp);
  react(doomed.id, bob_, kParty);
  const Message deleted = remove(doomed.id);
  EXPECT_EQ(deleted.id, doomed.id);
  EXPECT_EQ(deleted.seq, 2);
  EXPECT_TRUE(deleted.deleted);
  EXPECT_EQ(deleted.content, "");
  EXPECT_TRUE(deleted.reactions.empty());
  const auto page = pageAfter(0, 10);
  ASSERT_EQ(page.size(), 3u);  // no gap
  EXPECT_EQ(page[1].seq, 2);
  EXPECT_TRUE(page[1].deleted);
  EXPECT_EQ(page[1].content, "");
  EXPECT_EQ(page[1].senderId, bob_);
  EXPECT_TRUE(page[1].reactions.empty());
  EXPECT_FALSE(page[0].deleted);
  EXPECT_EQ(page[2].content, "three");
  // Still found, as deleted; no longer deletable or reactable.
  const Message found = find(doomed.id);
  EXPECT_TRUE(found.deleted);
  EXPECT_TRUE(found.reactions.empty());
  remove(doomed.id, StoreStatus::kNotFound);
  react(doomed.id, ann_, kThumbsUp, StoreStatus::kNotFound);
  EXPECT_TRUE(find(doomed.id).reactions.empty());
  EXPECT_EQ(append(room_, ann_, "four").message.seq, 4);
}

TEST_F(SqliteStoreMessages, OnlyAStoredLiveMessageOfTheRoomCanBeDeletedOrFound) {
  const int64_t other = create("other", RoomKind::kPublic, bob_).id;
  const Message m = append(room_, ann_, "mine").message;
  remove(987654, StoreStatus::kNotFound);
  remove(m.id, StoreStatus::kNotFound, other);
  find(987654, StoreStatus::kNotFound);
  find(m.id, StoreStatus::kNotFound, other);
  EXPECT_FALSE(find(m.id).deleted);
  EXPECT_EQ(find(m.id).content, "mine");
}

TEST_F(SqliteStoreMessages, AReactionTogglesAndCountsUsersPerEmoji) {
  const Message m = append(room_, ann_, "react to me", "c-1").message;
  ReactionChange change = react(m.id, ann_, kThumbsUp);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 1);
  EXPECT_EQ(change.message.id, m.id);
  EXPECT_EQ(change.message.content, "react to me");
  change = react(m.id, bob_, kThumbsUp);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 2);
  change = react(m.id, ann_, kParty);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 1);
  change = react(m.id, bob_, kHeart);
  EXPECT_TRUE(change.added);
  EXPECT_EQ(change.count, 1);
  // By emoji in byte order, not in the order they were added.
  EXPECT_EQ(counts(find(m.id)), (Counts{{kHeart, 1}, {kParty, 1}, {kThumbsUp, 2}}));
  change = react(m.id, ann_, kThumbsUp);  // again: taken back
  EXPECT_FALSE(change.added);
  EXPECT_EQ(change.count, 1);
  change = react(m.id, bob_, kHeart);
  EXPECT_FALSE(change.added);
  EXPECT_EQ(change.count, 0);
  EXPECT_EQ(counts(find(m.id)), (Counts{{kParty, 1}, {kThumbsUp, 1}}));
  // An edit answers the message with its reactions; a resend's answer has none.
  EXPECT_EQ(counts(edit(m.id, "edited")), (Counts{{kParty, 1}, {kThumbsUp, 1}}));
  const AppendResult again = append(room_, ann_, "react to me", "c-1");
  EXPECT_TRUE(again.duplicate);
  EXPECT_TRUE(again.message.reactions.empty());
}

// The second user to react, then the first taking theirs back: a toggle is
// per (user, emoji), whoever reacted first or last.
TEST_F(SqliteStoreMessages, TheFirstReactorTakesTheirReactionBackAfterAnotherReacted) {
  const Message m = append(room_, ann_, "hi").message;
  EXPECT_TRUE(react(m.id, bob_, kThumbsUp).added);
  EXPECT_EQ(react(m.id, ann_, kThumbsUp).count, 2);
  const ReactionChange again = react(m.id, bob_, kThumbsUp);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(again.count, 1);
  EXPECT_EQ(counts(find(m.id)), (Counts{{kThumbsUp, 1}}));
}

TEST_F(SqliteStoreMessages, AUserPutsAtMostTheLimitOfDistinctReactionsOnAMessage) {
  const Message m = append(room_, ann_, "hi").message;
  auto reactWithin = [&](int64_t user, const char* emoji, StoreStatus expected = StoreStatus::kOk) {
    return await<ReactionChange>(
        [&](auto done) { store_->toggleReaction(room_, m.id, user, emoji, 2, done); }, expected);
  };
  EXPECT_TRUE(reactWithin(ann_, kThumbsUp).added);
  EXPECT_TRUE(reactWithin(ann_, kHeart).added);
  reactWithin(ann_, kParty, StoreStatus::kOverQuota);
  EXPECT_TRUE(reactWithin(bob_, kParty).added);      // another user's own limit
  EXPECT_FALSE(reactWithin(ann_, kHeart).added);     // taking one back is always allowed
  EXPECT_TRUE(reactWithin(ann_, kParty).added);      // and makes room for another
  EXPECT_EQ(counts(find(m.id)), (Counts{{kParty, 2}, {kThumbsUp, 1}}));
}

TEST_F(SqliteStoreMessages, OnlyAKnownUserReactsToAStoredMessageOfTheRoom) {
  const int64_t other = create("other", RoomKind::kPublic, bob_).id;
  const Message m = append(room_, ann_, "m").message;
  react(987654, ann_, kThumbsUp, StoreStatus::kNotFound);
  react(m.id, ann_, kThumbsUp, StoreStatus::kNotFound, other);
  react(m.id, 987654, kThumbsUp, StoreStatus::kNotFound);
  EXPECT_TRUE(find(m.id).reactions.empty());
}

TEST_F(SqliteStoreMessages, EveryPageCarriesItsOwnMessagesReactions) {
  const int64_t other = create("other", RoomKind::kPublic, bob_).id;
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(append(room_, ann_, "m" + std::to_string(i + 1)).message.id);
    // Same seqs in another room, with reactions that must not leak.
    react(append(other, bob_, "noise").message.id, bob_, kHeart, StoreStatus::kOk, other);
  }
  react(ids[1], ann_, kThumbsUp);
  react(ids[1], bob_, kThumbsUp);
  react(ids[1], bob_, kParty);
  react(ids[3], ann_, kHeart);
  react(ids[4], bob_, kParty);
  const Counts none;
  const auto all = pageAfter(0, 10);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(counts(all[0]), none);
  EXPECT_EQ(counts(all[1]), (Counts{{kParty, 1}, {kThumbsUp, 2}}));
  EXPECT_EQ(counts(all[2]), none);
  EXPECT_EQ(counts(all[3]), (Counts{{kHeart, 1}}));
  EXPECT_EQ(counts(all[4]), (Counts{{kParty, 1}}));
  // A page holds only its own messages' reactions.
  const auto middle = pageAfter(1, 2);
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(counts(middle[0]), (Counts{{kParty, 1}, {kThumbsUp, 2}}));
  EXPECT_EQ(counts(middle[1]), none);
  const auto newest = pageBefore(6, 2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].seq, 4);
  EXPECT_EQ(counts(newest[0]), (Counts{{kHeart, 1}}));
  EXPECT_EQ(counts(newest[1]), (Counts{{kParty, 1}}));
  const auto oldest = pageBefore(3, 10);
  ASSERT_EQ(oldest.size(), 2u);
  EXPECT_EQ(counts(oldest[0]), none);
  EXPECT_EQ(counts(oldest[1]), (Counts{{kParty, 1}, {kThumbsUp, 2}}));
  EXPECT_EQ(counts(find(ids[3])), (Counts{{kHeart, 1}}));
  EXPECT_EQ(counts(find(ids[2])), none);
}

}  // namespace
}  // namespace chatd::store
