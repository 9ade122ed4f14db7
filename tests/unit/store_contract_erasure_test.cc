// The store contract for deleting a user (setUserState to kDeleted): their
// traces erased as if they had deleted each of their messages and left every
// room, in one call. The Redis backends walk room logs in slices of
// RedisShardsBackend::kEraseSlice seqs; the rooms here are longer.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

template <typename Backend>
class StoreContractErasure : public StoreContract<Backend> {
 protected:
  int64_t post(int64_t room, int64_t sender, std::string content) {
    return this->template await<AppendResult>([&](auto done) {
             this->store_->appendMessage(room, sender, content, "", nullptr, done);
           })
        .message.id;
  }
  void join(int64_t room, int64_t user) {
    this->template await<Room>([&](auto done) { this->store_->joinRoom(room, user, done); });
  }
  void react(int64_t room, int64_t message, int64_t user, std::string emoji) {
    this->template await<ReactionChange>(
        [&](auto done) { this->store_->toggleReaction(room, message, user, emoji, 10, done); });
  }
  std::vector<Message> history(int64_t room) {
    return this->template await<MessagePage>([&](auto done) { this->store_->messagesAfter(room, 0, 100, done); })
        .messages;
  }
  std::vector<int64_t> members(int64_t room) {
    std::vector<int64_t> ids;
    for (const RoomMember& m : this->template await<std::vector<RoomMember>>(
             [&](auto done) { this->store_->listMembers(room, {}, 100, done); })) {
      ids.push_back(m.user.id);
    }
    return ids;
  }
  void erase(int64_t user) {
    EXPECT_EQ(this->template await<User>([&](auto done) {
                this->store_->setUserState(user, UserState::kDeleted, done);
              }).state,
              UserState::kDeleted);
  }
  // How many of the room's messages `sender` sent; each must be a tombstone
  // as deleteMessage() leaves it, and every other message untouched.
  int tombstonesOf(int64_t room, int64_t sender) {
    int count = 0;
    for (const Message& m : history(room)) {
      if (m.senderId == sender) {
        ++count;
        EXPECT_TRUE(m.deleted) << "message " << m.id;
        EXPECT_EQ(m.content, "") << "message " << m.id;
        EXPECT_TRUE(m.reactions.empty()) << "message " << m.id;
      } else {
        EXPECT_FALSE(m.deleted) << "message " << m.id;
        EXPECT_NE(m.content, "") << "message " << m.id;
      }
    }
    return count;
  }
};

TYPED_TEST_SUITE(StoreContractErasure, StoreBackends);

TYPED_TEST(StoreContractErasure, ADeletedUsersMessagesReactionsAndMembershipsAreGoneEverywhere) {
  const int64_t ann = this->ann_;
  const int64_t bob = this->bob_;
  const int64_t owned = this->create("owned", RoomKind::kPublic, ann).id;  // ann the owner
  const int64_t joined = this->create("joined", RoomKind::kPrivate, bob).id;
  const int64_t left = this->create("left", RoomKind::kPublic, bob).id;
  this->join(owned, bob);
  this->join(joined, ann);
  this->join(left, ann);
  const int64_t direct =
      this->template await<DirectRoom>([&](auto done) { this->store_->openDirectRoom(ann, bob, done); }).room.id;

  // Longer than several slices, ann's messages among bob's.
  int64_t annsFirst = 0;
  for (int i = 0; i < 15; ++i) {
    const int64_t id = this->post(owned, ann, "ann " + std::to_string(i));
    if (i == 0) annsFirst = id;
    if (i % 4 == 0) this->post(owned, bob, "bob " + std::to_string(i));
  }
  const int64_t bobsLast = this->post(owned, bob, "bob last");
  this->react(owned, annsFirst, bob, "❤");
  this->react(owned, bobsLast, ann, "👍");
  this->react(owned, bobsLast, bob, "👍");
  this->react(owned, bobsLast, ann, "🎉");
  this->post(joined, ann, "in joined");
  this->post(left, ann, "before leaving");
  this->template await<bool>([&](auto done) { this->store_->removeMember(left, ann, done); });
  this->post(direct, ann, "hi");
  this->post(direct, bob, "hey");

  this->erase(ann);

  EXPECT_EQ(this->tombstonesOf(owned, ann), 15);
  EXPECT_EQ(this->tombstonesOf(joined, ann), 1);
  EXPECT_EQ(this->tombstonesOf(left, ann), 1);  // a room left before: the messages stayed, and go now
  EXPECT_EQ(this->tombstonesOf(direct, ann), 1);
  const Message last = this->history(owned).back();
  ASSERT_EQ(last.id, bobsLast);
  ASSERT_EQ(last.reactions.size(), 1u);  // ann's 🎉 gone, and her 👍 from bob's
  EXPECT_EQ(last.reactions[0].emoji, "👍");
  EXPECT_EQ(last.reactions[0].count, 1);

  // Memberships: out of every room, as owner too; the direct room stays bob's.
  for (const int64_t room : {owned, joined, left, direct}) EXPECT_EQ(this->members(room), std::vector<int64_t>{bob});
  for (const Room& room : this->template await<std::vector<Room>>(
           [&](auto done) { this->store_->listRooms(ann, 0, 100, done); })) {
    EXPECT_EQ(room.role, MemberRole::kNone) << "room " << room.id;
    EXPECT_NE(room.kind, RoomKind::kPrivate) << "room " << room.id;
    EXPECT_NE(room.kind, RoomKind::kDirect) << "room " << room.id;
  }
  EXPECT_EQ(this->template await<Room>([&](auto done) { this->store_->findRoom(direct, bob, done); }).role,
            MemberRole::kMember);

  // Again (a retry after a crash midway): nothing more changes.
  this->erase(ann);
  EXPECT_EQ(this->tombstonesOf(owned, ann), 15);
  EXPECT_EQ(this->history(owned).back().reactions.size(), 1u);
  EXPECT_EQ(this->members(direct), std::vector<int64_t>{bob});
}

}  // namespace
}  // namespace chatd::store
