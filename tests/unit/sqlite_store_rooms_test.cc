#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/unit/store_test_fixture.h"

namespace chatd::store {
namespace {

// Sequence numbers move here by hand (exec()); sqlite_store_messages_test.cc
// moves them by storing messages.
class SqliteStoreRooms : public StoreTest {};

TEST_F(SqliteStoreRooms, UnreadIsTheRoomsLastSeqMinusTheMembersLastRead) {
  const Room room = create("busy", RoomKind::kPublic, ann_);
  EXPECT_EQ(room.role, MemberRole::kOwner);
  exec("UPDATE rooms SET last_seq = 7 WHERE name = 'busy'");
  exec("UPDATE room_members SET last_read_seq = 3");
  const auto rooms = await<std::vector<Room>>([&](auto done) { store_->listRooms(ann_, 0, 1000, done); });
  ASSERT_EQ(rooms.size(), 2u);  // the lobby and this one
  EXPECT_EQ(rooms[0].name, "lobby");
  EXPECT_EQ(rooms[0].role, MemberRole::kNone);
  EXPECT_EQ(rooms[1].lastSeq - rooms[1].lastReadSeq, 4);
  const Room seenByBob = await<Room>([&](auto done) { store_->findRoom(room.id, bob_, done); });
  EXPECT_EQ(seenByBob.role, MemberRole::kNone);
  EXPECT_EQ(seenByBob.lastReadSeq, 0);
}

TEST_F(SqliteStoreRooms, ListingShowsPublicRoomsAndOnlyMyPrivateOnes) {
  create("annsecret", RoomKind::kPrivate, ann_);
  create("bobsecret", RoomKind::kPrivate, bob_);
  const auto rooms = await<std::vector<Room>>([&](auto done) { store_->listRooms(ann_, 0, 1000, done); });
  std::vector<std::string> names;
  for (const Room& r : rooms) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"lobby", "annsecret"}));
}

TEST_F(SqliteStoreRooms, AnOwnerCreatesAtMostTheHourlyLimitOfRooms) {
  auto createWithin = [&](int64_t owner, uint32_t perHour, StoreStatus expected = StoreStatus::kOk) {
    return await<Room>(
        [&](auto done) { store_->createRoom("r", RoomKind::kPublic, std::nullopt, owner, perHour, done); }, expected);
  };
  const Room first = createWithin(ann_, 2);
  createWithin(ann_, 2);
  // Refused, and the answer says since when the hour's rooms count.
  EXPECT_EQ(createWithin(ann_, 2, StoreStatus::kOverQuota).createdAt, first.createdAt);
  createWithin(bob_, 2);  // each owner has the limit
  exec("UPDATE rooms SET created_at = created_at - 3600001");  // an hour later
  createWithin(ann_, 2);
}

TEST_F(SqliteStoreRooms, RoomsAndMembersArePagedAfterACursor) {
  create("a", RoomKind::kPublic, ann_);
  create("hidden", RoomKind::kPrivate, bob_);
  const Room b = create("b", RoomKind::kPrivate, ann_);
  auto names = [&](int64_t after, int limit) {
    std::vector<std::string> out;
    for (const Room& r : await<std::vector<Room>>([&](auto done) { store_->listRooms(ann_, after, limit, done); })) {
      out.push_back(r.name);
    }
    return out;
  };
  EXPECT_EQ(names(0, 2), (std::vector<std::string>{"lobby", "a"}));
  EXPECT_EQ(names(1, 2), (std::vector<std::string>{"a", "b"}));  // bob's private room is not ann's to see
  EXPECT_EQ(names(b.id, 2), std::vector<std::string>{});
  await<RoomMember>([&](auto done) { store_->setMemberRole(b.id, bob_, MemberRole::kMember, done); });
  auto members = [&](MemberCursor after) {
    return await<std::vector<RoomMember>>([&](auto done) { store_->listMembers(b.id, after, 1, done); });
  };
  const auto first = members({});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].user.id, ann_);
  const auto second = members({first[0].joinedAt, first[0].user.id});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].user.id, bob_);
  EXPECT_TRUE(members({second[0].joinedAt, second[0].user.id}).empty());
}

TEST_F(SqliteStoreRooms, TheOwnersMembershipNeverChanges) {
  const Room room = create("mine", RoomKind::kPrivate, ann_);
  await<RoomMember>([&](auto done) { store_->setMemberRole(room.id, ann_, MemberRole::kMember, done); },
                    StoreStatus::kConflict);
  await<bool>([&](auto done) { store_->removeMember(room.id, ann_, done); }, StoreStatus::kConflict);
  await<bool>([&](auto done) { store_->removeMember(room.id, bob_, done); }, StoreStatus::kNotFound);
  const Room joined = await<Room>([&](auto done) { store_->joinRoom(room.id, ann_, done); });
  EXPECT_EQ(joined.role, MemberRole::kOwner);
}

TEST_F(SqliteStoreRooms, MissingRoomsAndUsersAreNotFound) {
  const Room room = create("r", RoomKind::kPublic, ann_);
  await<RoomMember>([&](auto done) { store_->setMemberRole(room.id, 999, MemberRole::kMember, done); },
                    StoreStatus::kNotFound);
  await<Room>([&](auto done) { store_->joinRoom(999, bob_, done); }, StoreStatus::kNotFound);
  await<bool>([&](auto done) { store_->deleteRoom(999, done); }, StoreStatus::kNotFound);
  await<DirectRoom>([&](auto done) { store_->openDirectRoom(ann_, 999, done); }, StoreStatus::kNotFound);
}

TEST_F(SqliteStoreRooms, DeletingARoomTakesItsMembersAndMessages) {
  const Room room = create("doomed", RoomKind::kPublic, ann_);
  exec("INSERT INTO messages (room_id, seq, sender_id, content, created_at) SELECT id, 1, created_by, 'hi', 0 "
       "FROM rooms WHERE name = 'doomed'");
  await<bool>([&](auto done) { store_->deleteRoom(room.id, done); });
  await<Room>([&](auto done) { store_->findRoom(room.id, ann_, done); }, StoreStatus::kNotFound);
  auto db = file_.open();
  SqliteStatement* left = db->prepare("SELECT (SELECT count(*) FROM room_members) + (SELECT count(*) FROM messages)");
  ASSERT_EQ(left->step(), SqliteStatement::Step::kRow);
  EXPECT_EQ(left->columnInt(0), 0);
}

TEST_F(SqliteStoreRooms, ADirectRoomIsCreatedOnceEvenWhenAskedTwiceInOneBatch) {
  std::vector<DirectRoom> opened;
  for (int i = 0; i < 2; ++i) {
    store_->openDirectRoom(i == 0 ? ann_ : bob_, i == 0 ? bob_ : ann_, [&](StoreStatus status, DirectRoom direct) {
      EXPECT_EQ(status, StoreStatus::kOk);
      opened.push_back(direct);
      if (opened.size() == 2) loop_.stop();
    });
  }
  loop_.run();
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_TRUE(opened[0].created);
  EXPECT_FALSE(opened[1].created);
  EXPECT_EQ(opened[0].room.id, opened[1].room.id);
  EXPECT_EQ(opened[0].room.name, "ann & bob");
  EXPECT_EQ(opened[1].room.role, MemberRole::kMember);
  const DirectRoom later = await<DirectRoom>([&](auto done) { store_->openDirectRoom(ann_, bob_, done); });
  EXPECT_FALSE(later.created);
  EXPECT_EQ(later.room.id, opened[0].room.id);
  const auto members =
      await<std::vector<RoomMember>>([&](auto done) { store_->listMembers(later.room.id, {}, 1000, done); });
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].role, MemberRole::kMember);
  EXPECT_EQ(members[1].role, MemberRole::kMember);
}

}  // namespace
}  // namespace chatd::store
