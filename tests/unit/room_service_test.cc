#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "chat/RoomService.h"
#include "tests/unit/store_test_fixture.h"

namespace chatd::chat {
namespace {

using store::MemberRole;
using store::Room;
using store::RoomKind;

Room roomSeenAs(RoomKind kind, MemberRole role) {
  Room room;
  room.kind = kind;
  room.role = role;
  return room;
}

// Both checks of a rule, as RoomService makes them.
std::optional<ChatError> refusal(RoomKind kind, MemberRole actor, RoomAction action, MemberRole target) {
  if (auto refused = refusalFor(action, roomSeenAs(kind, actor))) return refused;
  return refusalFor(action, actor, target);
}

TEST(RoomRules, PublicRoomsAreVisibleToAllOthersOnlyToTheirMembers) {
  for (RoomKind kind : {RoomKind::kPublic, RoomKind::kPrivate, RoomKind::kDirect}) {
    EXPECT_EQ(visibleToUser(roomSeenAs(kind, MemberRole::kNone)), kind == RoomKind::kPublic);
    for (MemberRole role : {MemberRole::kMember, MemberRole::kAdmin, MemberRole::kOwner}) {
      EXPECT_TRUE(visibleToUser(roomSeenAs(kind, role)));
    }
  }
}

TEST(RoomRules, WhoMayDoWhatInAPublicOrPrivateRoom) {
  struct Row {
    const char* what;
    RoomAction action;
    MemberRole target;
    // Allowed for a non-member, a member, an admin, the owner.
    bool byNone, byMember, byAdmin, byOwner;
  };
  const Row table[] = {
      {"delete the room", RoomAction::kDelete, MemberRole::kNone, false, false, false, true},
      {"leave", RoomAction::kLeave, MemberRole::kNone, false, true, true, false},
      {"add a member", RoomAction::kMakeMember, MemberRole::kNone, false, false, true, true},
      {"add an admin", RoomAction::kMakeAdmin, MemberRole::kNone, false, false, false, true},
      {"make a member admin", RoomAction::kMakeAdmin, MemberRole::kMember, false, false, false, true},
      {"revoke an admin", RoomAction::kMakeMember, MemberRole::kAdmin, false, false, false, true},
      {"change the owner's role", RoomAction::kMakeMember, MemberRole::kOwner, false, false, false, false},
      {"kick a member", RoomAction::kKick, MemberRole::kMember, false, false, true, true},
      {"kick an admin", RoomAction::kKick, MemberRole::kAdmin, false, false, false, true},
      {"kick the owner", RoomAction::kKick, MemberRole::kOwner, false, false, false, false},
      {"kick a non-member", RoomAction::kKick, MemberRole::kNone, false, false, false, false},
  };
  for (RoomKind kind : {RoomKind::kPublic, RoomKind::kPrivate}) {
    for (const Row& row : table) {
      const std::pair<MemberRole, bool> byRole[] = {{MemberRole::kNone, row.byNone},
                                                    {MemberRole::kMember, row.byMember},
                                                    {MemberRole::kAdmin, row.byAdmin},
                                                    {MemberRole::kOwner, row.byOwner}};
      for (const auto& [actor, allowed] : byRole) {
        EXPECT_EQ(!refusal(kind, actor, row.action, row.target), allowed)
            << row.what << " by " << store::memberRoleName(actor) << " in a " << store::roomKindName(kind) << " room";
      }
    }
  }
}

TEST(RoomRules, NobodyLeavesOrManagesADirectRoom) {
  for (RoomAction action : {RoomAction::kLeave, RoomAction::kMakeMember, RoomAction::kMakeAdmin, RoomAction::kKick}) {
    const auto refused = refusal(RoomKind::kDirect, MemberRole::kMember, action, MemberRole::kMember);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, chat_error::kForbidden);
  }
}

TEST(RoomRules, RefusalsSayWhatIsMissing) {
  EXPECT_EQ(refusal(RoomKind::kPublic, MemberRole::kNone, RoomAction::kLeave, MemberRole::kNone)->code,
            chat_error::kNotMember);
  EXPECT_EQ(refusal(RoomKind::kPublic, MemberRole::kOwner, RoomAction::kKick, MemberRole::kNone)->code,
            chat_error::kNotFound);
  EXPECT_EQ(refusal(RoomKind::kPublic, MemberRole::kAdmin, RoomAction::kKick, MemberRole::kAdmin)->code,
            chat_error::kForbidden);
  EXPECT_TRUE(canModerate(MemberRole::kOwner));
  EXPECT_TRUE(canModerate(MemberRole::kAdmin));
  EXPECT_FALSE(canModerate(MemberRole::kMember));
  EXPECT_FALSE(canModerate(MemberRole::kNone));
}

// The service's operations on a real store: the rule, the write, the listener.
class RoomServiceTest : public store::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    service_.emplace(*store_);
    service_->setMembershipEndedListener([this](int64_t roomId, int64_t userId) { ended_.emplace_back(roomId, userId); });
  }

  // Runs one service call until it answers; its error (nullopt: success).
  template <typename T, typename Call>
  std::optional<ChatError> run(Call call, T* result = nullptr) {
    std::optional<ChatError> error;
    bool answered = false;
    call([&](std::optional<ChatError> e, const T& value) {
      error = std::move(e);
      if (result) *result = value;
      answered = true;
      loop_.stop();
    });
    if (!answered) loop_.run();
    return error;
  }

  std::optional<RoomService> service_;  // made once the store is open
  std::vector<std::pair<int64_t, int64_t>> ended_;
};

TEST_F(RoomServiceTest, AHiddenRoomAnswersAsAMissingOne) {
  const int64_t secret = create("secret", RoomKind::kPrivate, ann_).id;
  const auto hidden = run<Room>([&](auto done) { service_->findVisible(secret, bob_, done); });
  const auto missing = run<Room>([&](auto done) { service_->findVisible(secret + 100, bob_, done); });
  ASSERT_TRUE(hidden && missing);
  EXPECT_EQ(hidden->code, chat_error::kNotFound);
  EXPECT_EQ(hidden->message, missing->message);
  EXPECT_FALSE(run<Room>([&](auto done) { service_->findVisible(secret, ann_, done); }));
}

TEST_F(RoomServiceTest, EndedMembershipsAreToldAndRefusedChangesAreNot) {
  const int64_t room = create("r", RoomKind::kPublic, ann_).id;
  Room joined;
  EXPECT_FALSE(run<Room>([&](auto done) { service_->join(room, bob_, done); }, &joined));
  EXPECT_EQ(joined.role, MemberRole::kMember);
  EXPECT_EQ(run<bool>([&](auto done) { service_->kick(room, bob_, ann_, done); })->code, chat_error::kForbidden);
  EXPECT_EQ(run<Room>([&](auto done) { service_->leave(room, ann_, done); })->code, chat_error::kForbidden);
  EXPECT_TRUE(ended_.empty());

  RoomService::RoleChange change;
  EXPECT_FALSE(run<RoomService::RoleChange>(
      [&](auto done) { service_->setRole(room, ann_, bob_, MemberRole::kAdmin, done); }, &change));
  EXPECT_FALSE(change.added);
  EXPECT_EQ(change.member.role, MemberRole::kAdmin);
  EXPECT_FALSE(run<bool>([&](auto done) { service_->kick(room, ann_, bob_, done); }));
  EXPECT_FALSE(run<RoomService::RoleChange>(
      [&](auto done) { service_->setRole(room, ann_, bob_, MemberRole::kMember, done); }, &change));
  EXPECT_TRUE(change.added);
  Room left;
  EXPECT_FALSE(run<Room>([&](auto done) { service_->leave(room, bob_, done); }, &left));
  EXPECT_EQ(left.role, MemberRole::kNone);
  EXPECT_FALSE(run<bool>([&](auto done) { service_->remove(room, ann_, done); }));
  const std::vector<std::pair<int64_t, int64_t>> expected = {{room, bob_}, {room, bob_}, {room, 0}};
  EXPECT_EQ(ended_, expected);
}

TEST_F(RoomServiceTest, ADirectRoomNeedsAnExistingUser) {
  store::DirectRoom direct;
  EXPECT_FALSE(run<store::DirectRoom>([&](auto done) { service_->openDirect(ann_, bob_, done); }, &direct));
  EXPECT_TRUE(direct.created);
  EXPECT_EQ(direct.room.kind, RoomKind::kDirect);
  EXPECT_EQ(run<store::DirectRoom>([&](auto done) { service_->openDirect(ann_, 999, done); })->code,
            chat_error::kNotFound);
}

}  // namespace
}  // namespace chatd::chat
