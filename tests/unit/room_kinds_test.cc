#include <gtest/gtest.h>

#include "store/RoomKinds.h"

namespace chatd::store {
namespace {

TEST(RoomKinds, EveryKindRoundTripsThroughItsWireName) {
  EXPECT_EQ(roomKindName(RoomKind::kPublic), "public");
  EXPECT_EQ(roomKindName(RoomKind::kPrivate), "private");
  EXPECT_EQ(roomKindName(RoomKind::kDirect), "direct");
  for (RoomKind kind : {RoomKind::kPublic, RoomKind::kPrivate, RoomKind::kDirect}) {
    EXPECT_EQ(parseRoomKind(roomKindName(kind)), kind);
  }
}

TEST(RoomKinds, EveryRoleRoundTripsThroughItsWireName) {
  EXPECT_EQ(memberRoleName(MemberRole::kNone), "");
  EXPECT_EQ(memberRoleName(MemberRole::kMember), "member");
  EXPECT_EQ(memberRoleName(MemberRole::kAdmin), "admin");
  EXPECT_EQ(memberRoleName(MemberRole::kOwner), "owner");
  for (MemberRole role : {MemberRole::kNone, MemberRole::kMember, MemberRole::kAdmin, MemberRole::kOwner}) {
    EXPECT_EQ(parseMemberRole(memberRoleName(role)), role);
  }
}

TEST(RoomKinds, OtherTextIsNoKindAndNoRole) {
  for (const char* text : {"", "Public", "public ", "group", "dm"}) EXPECT_EQ(parseRoomKind(text), std::nullopt) << text;
  for (const char* text : {"Owner", "admin ", "moderator", "none"}) EXPECT_EQ(parseMemberRole(text), std::nullopt) << text;
}

}  // namespace
}  // namespace chatd::store
