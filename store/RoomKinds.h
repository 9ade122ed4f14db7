// What kind a room is and what role a member holds in it. Parsed once, where
// text comes in (the store's rows, an API request's body); everything inside
// compares enums. The names are the wire and column strings of today.
#pragma once

#include <optional>
#include <string_view>

namespace chatd::store {

enum class RoomKind { kPublic, kPrivate, kDirect };

// kNone: not a member (no role), named "" (JSON null).
enum class MemberRole { kNone, kMember, kAdmin, kOwner };

constexpr std::string_view roomKindName(RoomKind kind) {
  switch (kind) {
    case RoomKind::kPublic: return "public";
    case RoomKind::kPrivate: return "private";
    case RoomKind::kDirect: return "direct";
  }
  return {};
}

constexpr std::optional<RoomKind> parseRoomKind(std::string_view name) {
  for (RoomKind kind : {RoomKind::kPublic, RoomKind::kPrivate, RoomKind::kDirect}) {
    if (roomKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

constexpr std::string_view memberRoleName(MemberRole role) {
  switch (role) {
    case MemberRole::kNone: return "";
    case MemberRole::kMember: return "member";
    case MemberRole::kAdmin: return "admin";
    case MemberRole::kOwner: return "owner";
  }
  return {};
}

constexpr std::optional<MemberRole> parseMemberRole(std::string_view name) {
  for (MemberRole role : {MemberRole::kNone, MemberRole::kMember, MemberRole::kAdmin, MemberRole::kOwner}) {
    if (memberRoleName(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace chatd::store
