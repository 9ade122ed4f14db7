#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/unit/store_test_fixture.h"

namespace chatd::store {
namespace {

// SqliteStore's rooms beyond the store contract (store_contract_rooms_test.cc):
// what takes SQL on a second connection to set up or to see. Sequence
// numbers and clocks move here by hand (exec()).
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

TEST_F(SqliteStoreRooms, AnHourAfterTheLimitWasReachedAnOwnerCreatesRoomsAgain) {
  auto createWithin = [&](StoreStatus expected = StoreStatus::kOk) {
    return await<Room>([&](auto done) { store_->createRoom("r", store::RoomKind::kPublic, std::nullopt, ann_, 1, done); }, expected);
  };
  createWithin();
  createWithin(StoreStatus::kOverQuota);
  exec("UPDATE rooms SET created_at = created_at - 3600001");  // an hour later
  createWithin();
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

}  // namespace
}  // namespace chatd::store
