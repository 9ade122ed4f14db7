// The hub harness's FakeStore: it answers from the loop, never inside the
// call, keeps the Store contract's semantics the hub relies on, and its test
// controls do what they say.
#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "tests/unit/fakes/FakeStore.h"

namespace chatd::test {
namespace {

using store::StoreStatus;

class FakeStoreTest : public ::testing::Test {
 protected:
  void runUntilIdle() { store_.runLoopUntilIdle(); }
  // One call, answered: its status and value.
  template <typename T, typename Call>
  std::pair<StoreStatus, T> await(Call call) {
    std::optional<std::pair<StoreStatus, T>> answer;
    call([&](StoreStatus status, T value) { answer.emplace(status, std::move(value)); });
    EXPECT_FALSE(answer) << "answered inside the call";
    runUntilIdle();
    EXPECT_TRUE(answer) << "never answered";
    return answer ? std::move(*answer) : std::pair<StoreStatus, T>{StoreStatus::kFailed, T{}};
  }
  store::AppendResult append(int64_t room, int64_t sender, const std::string& clientId) {
    return await<store::AppendResult>([&](auto done) { store_.appendMessage(room, sender, "hi", clientId, nullptr, done); })
        .second;
  }

  reactor::EventLoop loop_;
  FakeStore store_{loop_};
  store::User ann_ = store_.addUser("ann");
  store::User bob_ = store_.addUser("bob");
};

TEST_F(FakeStoreTest, NumbersEachRoomsMessagesFromOneAndSendsEachClientIdOnce) {
  const int64_t room = store_.addRoom("r", store::RoomKind::kPublic, ann_.id).id;
  const int64_t other = store_.addRoom("o", store::RoomKind::kPublic, ann_.id).id;
  EXPECT_EQ(append(room, ann_.id, "a").message.seq, 1);
  EXPECT_EQ(append(room, bob_.id, "").message.seq, 2);
  EXPECT_EQ(append(other, ann_.id, "").message.seq, 1);
  const store::AppendResult retry = append(room, ann_.id, "a");
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.message.seq, 1);
  EXPECT_EQ(append(room, bob_.id, "a").message.seq, 3) << "client ids are per sender";
  EXPECT_EQ(store_.calls("append"), 5u);
}

TEST_F(FakeStoreTest, ReadsPagesInSeqOrderAndMarksReadUpToTheLastSeq) {
  const int64_t room = store_.addRoom("r", store::RoomKind::kPrivate, ann_.id).id;
  for (int i = 0; i < 5; ++i) append(room, ann_.id, "");
  auto seqs = [](const std::vector<store::Message>& page) {
    std::vector<int64_t> out;
    for (const store::Message& m : page) out.push_back(m.seq);
    return out;
  };
  const auto after = await<store::MessagePage>([&](auto done) { store_.messagesAfter(room, 1, 2, done); });
  EXPECT_EQ(seqs(after.second.messages), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(after.second.messages[0].senderUsername, "ann");
  const auto before = await<store::MessagePage>([&](auto done) { store_.messagesBefore(room, 5, 2, done); });
  EXPECT_EQ(seqs(before.second.messages), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ((await<int64_t>([&](auto done) { store_.markRead(room, ann_.id, 99, done); }).second), 5);
  EXPECT_EQ((await<int64_t>([&](auto done) { store_.markRead(room, bob_.id, 1, done); }).first),
            StoreStatus::kNotFound);
  // A private room is seen by its members only; the store tells anyone its role.
  EXPECT_EQ((await<store::Room>([&](auto done) { store_.findRoom(room, bob_.id, done); }).second.role), store::MemberRole::kNone);
  EXPECT_EQ((await<store::Room>([&](auto done) { store_.findRoom(room, ann_.id, done); }).second.role), store::MemberRole::kOwner);
}

TEST_F(FakeStoreTest, OpensOneDirectRoomPerPair) {
  const auto first = await<store::DirectRoom>([&](auto done) { store_.openDirectRoom(ann_.id, bob_.id, done); });
  const auto again = await<store::DirectRoom>([&](auto done) { store_.openDirectRoom(bob_.id, ann_.id, done); });
  EXPECT_TRUE(first.second.created);
  EXPECT_FALSE(again.second.created);
  EXPECT_EQ(first.second.room.id, again.second.room.id);
  EXPECT_EQ(again.second.room.kind, store::RoomKind::kDirect);
  EXPECT_EQ(again.second.room.role, store::MemberRole::kMember);
}

TEST_F(FakeStoreTest, HoldsCompletionsWhilePausedAndFailsTheNextCalls) {
  const int64_t room = store_.addRoom("r", store::RoomKind::kPublic, ann_.id).id;
  std::vector<StoreStatus> answers;
  auto record = [&](StoreStatus status, const store::AppendResult&) { answers.push_back(status); };
  store_.pause();
  store_.failNext(1);
  store_.appendMessage(room, ann_.id, "x", "", nullptr, record);
  store_.appendMessage(room, ann_.id, "y", "", nullptr, record);
  runUntilIdle();
  EXPECT_TRUE(answers.empty());
  EXPECT_EQ(store_.heldCompletions(), 2u);
  store_.release();
  runUntilIdle();
  EXPECT_EQ(answers, (std::vector<StoreStatus>{StoreStatus::kFailed, StoreStatus::kOk}));
  EXPECT_EQ(append(room, ann_.id, "").message.seq, 2) << "the failed call used no seq";
}

TEST_F(FakeStoreTest, AMessageFromAnotherNodeTakesTheNextSeqWithoutACall) {
  const int64_t room = store_.addRoom("r", store::RoomKind::kPublic, ann_.id).id;
  append(room, ann_.id, "");
  EXPECT_EQ(store_.appendFromAnotherNode(room, bob_.id, "elsewhere").seq, 2);
  EXPECT_EQ(store_.calls("append"), 1u);
  EXPECT_EQ(append(room, ann_.id, "").message.seq, 3);
}

}  // namespace
}  // namespace chatd::test
