// The store contract for rooms: listing, memberships and roles, quotas,
// deletion and direct rooms.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

template <typename Backend>
class StoreContractRooms : public StoreContract<Backend> {
 protected:
  Room seenBy(int64_t room, int64_t user, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<Room>([&](auto done) { this->store_->findRoom(room, user, done); }, expected);
  }
  std::vector<RoomMember> members(int64_t room) {
    return this->template await<std::vector<RoomMember>>(
        [&](auto done) { this->store_->listMembers(room, {}, 1000, done); });
  }
};

TYPED_TEST_SUITE(StoreContractRooms, StoreBackends);

TYPED_TEST(StoreContractRooms, TwoUsersShareARoomWhileBothAreMembers) {
  auto shared = [&](int64_t a, int64_t b) {
    return this->template await<bool>([&](auto done) { this->store_->shareRoom(a, b, done); });
  };
  const User carl = this->template await<User>([&](auto done) { this->store_->createUser("carl", "", "h", done); });
  EXPECT_FALSE(shared(this->ann_, this->bob_));
  const Room den = this->create("den", RoomKind::kPrivate, this->ann_);
  this->template await<Room>([&](auto done) { this->store_->joinRoom(den.id, this->bob_, done); });
  EXPECT_TRUE(shared(this->ann_, this->bob_));
  EXPECT_TRUE(shared(this->bob_, this->ann_));
  EXPECT_FALSE(shared(this->ann_, carl.id));
  this->template await<bool>([&](auto done) { this->store_->removeMember(den.id, this->bob_, done); });
  EXPECT_FALSE(shared(this->ann_, this->bob_));
  this->template await<DirectRoom>([&](auto done) { this->store_->openDirectRoom(carl.id, this->bob_, done); });
  EXPECT_TRUE(shared(carl.id, this->bob_)) << "a direct room counts";
}

TYPED_TEST(StoreContractRooms, AFreshStoreHasThePublicLobbyAsRoomOne) {
  const Room lobby = this->seenBy(1, this->ann_);
  EXPECT_EQ(lobby.name, "lobby");
  EXPECT_EQ(lobby.kind, store::RoomKind::kPublic);
  EXPECT_EQ(lobby.lastSeq, 0);
  EXPECT_EQ(lobby.role, store::MemberRole::kNone);
}

TYPED_TEST(StoreContractRooms, ACreatedRoomHasItsOwnerAsTheOnlyMember) {
  const Room room = this->template await<Room>(
      [&](auto done) { this->store_->createRoom("plans", store::RoomKind::kPrivate, std::string("what next"), this->ann_, 0, done); });
  EXPECT_GT(room.id, 1);
  EXPECT_EQ(room.name, "plans");
  EXPECT_EQ(room.kind, store::RoomKind::kPrivate);
  EXPECT_EQ(room.topic, std::optional<std::string>("what next"));
  EXPECT_GT(room.createdAt, 0);
  EXPECT_EQ(room.lastSeq, 0);
  EXPECT_EQ(room.role, store::MemberRole::kOwner);
  EXPECT_EQ(this->create("untitled", store::RoomKind::kPublic, this->bob_).topic, std::nullopt);
  const auto members = this->members(room.id);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].user.id, this->ann_);
  EXPECT_EQ(members[0].user.username, "ann");
  EXPECT_EQ(members[0].role, store::MemberRole::kOwner);
  EXPECT_EQ(this->seenBy(room.id, this->bob_).role, store::MemberRole::kNone);  // found, but not a member
}

TYPED_TEST(StoreContractRooms, JoiningRolesAndRemovalChangeTheMembership) {
  const Room room = this->create("club", store::RoomKind::kPublic, this->ann_);
  EXPECT_EQ(this->template await<Room>([&](auto done) { this->store_->joinRoom(room.id, this->bob_, done); }).role,
            store::MemberRole::kMember);
  const RoomMember admin = this->template await<RoomMember>(
      [&](auto done) { this->store_->setMemberRole(room.id, this->bob_, store::MemberRole::kAdmin, done); });
  EXPECT_EQ(admin.user.id, this->bob_);
  EXPECT_EQ(admin.role, store::MemberRole::kAdmin);
  // Joining again keeps the role.
  EXPECT_EQ(this->template await<Room>([&](auto done) { this->store_->joinRoom(room.id, this->bob_, done); }).role,
            store::MemberRole::kAdmin);
  EXPECT_TRUE(this->template await<bool>([&](auto done) { this->store_->removeMember(room.id, this->bob_, done); }));
  EXPECT_EQ(this->seenBy(room.id, this->bob_).role, store::MemberRole::kNone);
  EXPECT_EQ(this->members(room.id).size(), 1u);
  // setMemberRole adds a member who is not one.
  const User carl = this->template await<User>([&](auto done) { this->store_->createUser("carl", "", "h", done); });
  EXPECT_EQ(this->template await<RoomMember>(
                    [&](auto done) { this->store_->setMemberRole(room.id, carl.id, store::MemberRole::kMember, done); })
                .role,
            store::MemberRole::kMember);
  EXPECT_EQ(this->members(room.id).size(), 2u);
}

TYPED_TEST(StoreContractRooms, DeletingARoomTakesItsMembersAndMessages) {
  const Room room = this->create("doomed", store::RoomKind::kPublic, this->ann_);
  this->template await<AppendResult>(
      [&](auto done) { this->store_->appendMessage(room.id, this->ann_, "hi", "", nullptr, done); });
  this->template await<bool>([&](auto done) { this->store_->deleteRoom(room.id, done); });
  this->seenBy(room.id, this->ann_, StoreStatus::kNotFound);
  EXPECT_TRUE(this->members(room.id).empty());
  EXPECT_TRUE(
      this->template await<MessagePage>([&](auto done) { this->store_->messagesAfter(room.id, 0, 10, done); }).messages
          .empty());
  this->template await<bool>([&](auto done) { this->store_->deleteRoom(room.id, done); }, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractRooms, ADirectRoomIsOnePerPairWhoeverOpensIt) {
  const DirectRoom first =
      this->template await<DirectRoom>([&](auto done) { this->store_->openDirectRoom(this->bob_, this->ann_, done); });
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.room.kind, store::RoomKind::kDirect);
  EXPECT_EQ(first.room.role, store::MemberRole::kMember);
  const User carl = this->template await<User>([&](auto done) { this->store_->createUser("carl", "", "h", done); });
  const DirectRoom other =
      this->template await<DirectRoom>([&](auto done) { this->store_->openDirectRoom(this->ann_, carl.id, done); });
  EXPECT_TRUE(other.created);
  EXPECT_NE(other.room.id, first.room.id);
  // Direct rooms are listed to their members only.
  std::vector<int64_t> bobs;
  for (const Room& r : this->template await<std::vector<Room>>(
           [&](auto done) { this->store_->listRooms(this->bob_, 0, 1000, done); })) {
    bobs.push_back(r.id);
  }
  EXPECT_EQ(bobs, (std::vector<int64_t>{1, first.room.id}));
}

TYPED_TEST(StoreContractRooms, ListingShowsPublicRoomsAndOnlyMyPrivateOnes) {
  this->create("annsecret", store::RoomKind::kPrivate, this->ann_);
  this->create("bobsecret", store::RoomKind::kPrivate, this->bob_);
  const auto rooms =
      this->template await<std::vector<Room>>([&](auto done) { this->store_->listRooms(this->ann_, 0, 1000, done); });
  std::vector<std::string> names;
  for (const Room& r : rooms) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"lobby", "annsecret"}));
}

TYPED_TEST(StoreContractRooms, AnOwnerCreatesAtMostTheHourlyLimitOfRooms) {
  auto createWithin = [&](int64_t owner, uint32_t perHour, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<Room>(
        [&](auto done) { this->store_->createRoom("r", store::RoomKind::kPublic, std::nullopt, owner, perHour, done); }, expected);
  };
  const Room first = createWithin(this->ann_, 2);
  createWithin(this->ann_, 2);
  // Refused, and the answer says since when the hour's rooms count.
  EXPECT_EQ(createWithin(this->ann_, 2, StoreStatus::kOverQuota).createdAt, first.createdAt);
  createWithin(this->bob_, 2);  // each owner has the limit
}

TYPED_TEST(StoreContractRooms, RoomsAndMembersArePagedAfterACursor) {
  this->create("a", store::RoomKind::kPublic, this->ann_);
  this->create("hidden", store::RoomKind::kPrivate, this->bob_);
  const Room b = this->create("b", store::RoomKind::kPrivate, this->ann_);
  auto names = [&](int64_t after, int limit) {
    std::vector<std::string> out;
    for (const Room& r : this->template await<std::vector<Room>>(
             [&](auto done) { this->store_->listRooms(this->ann_, after, limit, done); })) {
      out.push_back(r.name);
    }
    return out;
  };
  EXPECT_EQ(names(0, 2), (std::vector<std::string>{"lobby", "a"}));
  EXPECT_EQ(names(1, 2), (std::vector<std::string>{"a", "b"}));  // bob's private room is not ann's to see
  EXPECT_EQ(names(b.id, 2), std::vector<std::string>{});
  this->template await<RoomMember>([&](auto done) { this->store_->setMemberRole(b.id, this->bob_, store::MemberRole::kMember, done); });
  auto members = [&](MemberCursor after) {
    return this->template await<std::vector<RoomMember>>(
        [&](auto done) { this->store_->listMembers(b.id, after, 1, done); });
  };
  const auto first = members({});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].user.id, this->ann_);
  const auto second = members({first[0].joinedAt, first[0].user.id});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].user.id, this->bob_);
  EXPECT_TRUE(members({second[0].joinedAt, second[0].user.id}).empty());
}

TYPED_TEST(StoreContractRooms, TheOwnersMembershipNeverChanges) {
  const Room room = this->create("mine", store::RoomKind::kPrivate, this->ann_);
  this->template await<RoomMember>([&](auto done) { this->store_->setMemberRole(room.id, this->ann_, store::MemberRole::kMember, done); },
                                   StoreStatus::kConflict);
  this->template await<bool>([&](auto done) { this->store_->removeMember(room.id, this->ann_, done); },
                             StoreStatus::kConflict);
  this->template await<bool>([&](auto done) { this->store_->removeMember(room.id, this->bob_, done); },
                             StoreStatus::kNotFound);
  const Room joined = this->template await<Room>([&](auto done) { this->store_->joinRoom(room.id, this->ann_, done); });
  EXPECT_EQ(joined.role, store::MemberRole::kOwner);
}

TYPED_TEST(StoreContractRooms, MissingRoomsAndUsersAreNotFound) {
  const Room room = this->create("r", store::RoomKind::kPublic, this->ann_);
  this->template await<RoomMember>([&](auto done) { this->store_->setMemberRole(room.id, 999, store::MemberRole::kMember, done); },
                                   StoreStatus::kNotFound);
  this->template await<Room>([&](auto done) { this->store_->joinRoom(999, this->bob_, done); }, StoreStatus::kNotFound);
  this->template await<bool>([&](auto done) { this->store_->deleteRoom(999, done); }, StoreStatus::kNotFound);
  this->template await<DirectRoom>([&](auto done) { this->store_->openDirectRoom(this->ann_, 999, done); },
                                   StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractRooms, ADirectRoomIsCreatedOnceEvenWhenAskedTwiceInOneBatch) {
  std::vector<DirectRoom> opened;
  for (int i = 0; i < 2; ++i) {
    this->store_->openDirectRoom(i == 0 ? this->ann_ : this->bob_, i == 0 ? this->bob_ : this->ann_,
                                 [&](StoreStatus status, DirectRoom direct) {
                                   EXPECT_EQ(status, StoreStatus::kOk);
                                   opened.push_back(direct);
                                   if (opened.size() == 2) this->loop_.stop();
                                 });
  }
  this->loop_.run();
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_TRUE(opened[0].created);
  EXPECT_FALSE(opened[1].created);
  EXPECT_EQ(opened[0].room.id, opened[1].room.id);
  EXPECT_EQ(opened[0].room.name, "ann & bob");
  EXPECT_EQ(opened[1].room.role, store::MemberRole::kMember);
  const DirectRoom later =
      this->template await<DirectRoom>([&](auto done) { this->store_->openDirectRoom(this->ann_, this->bob_, done); });
  EXPECT_FALSE(later.created);
  EXPECT_EQ(later.room.id, opened[0].room.id);
  const auto members = this->template await<std::vector<RoomMember>>(
      [&](auto done) { this->store_->listMembers(later.room.id, {}, 1000, done); });
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].role, store::MemberRole::kMember);
  EXPECT_EQ(members[1].role, store::MemberRole::kMember);
}

}  // namespace
}  // namespace chatd::store
