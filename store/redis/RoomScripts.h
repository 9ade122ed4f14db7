// The Lua scripts of RedisStore's rooms (RedisStoreRooms.cc), over the keys
// of RedisKeys.h. Each runs on one instance: "room side" scripts on the
// room's shard (a room's own keys: its row, roles, joins, reads), "directory"
// scripts on shard 0 (ids, the users' room lists, the public list, the
// direct pairs, the hourly quota); RedisShards.h. A call that needs both
// runs them in turn, room side before listing, directory before allocating.
//
// A room row is {id, name, kind, topic (false: none), created_at, last_seq,
// role, last read seq} as one user sees it.
#pragma once

#include <string_view>

#include "store/redis/RedisScript.h"

namespace chatd::store::room_scripts {

// Lua for every script that ends a membership (these and
// message_scripts::kEraseUser): pad(id), a member of room:<id>:joined, and
// drop_member(room, user), which takes the user's role, read mark and join
// out of the room whatever the role.
extern const std::string_view kLuaMembership;

// --- room side ---
// ARGV: user, room ids... {OK, rows}: the rows of the rooms that exist.
extern const RedisScript kRoomRows;
// ARGV: room, user. NOT_FOUND for no room; else {OK, row}.
extern const RedisScript kFindRoom;
// ARGV: room, name, kind, owner, created_at, topic (absent: none). Makes the
// room with its owner; {OK, the owner's row}.
extern const RedisScript kMakeRoom;
// ARGV: room, user. NOT_FOUND for no room; else makes the user a member
// unless one already; {OK, row}.
extern const RedisScript kJoinRoom;
// ARGV: room, user, role. NOT_FOUND for no room; the owner's membership is
// left alone, whoever asks: CONFLICT, with the owner's member row. Else
// {OK, member row}, a member row being {role, joined_at} (the user's own row
// is the directory's).
extern const RedisScript kSetMemberRole;
// ARGV: room, user. NOT_FOUND for a non-member, CONFLICT for the owner; else {OK, 1}.
extern const RedisScript kRemoveMember;
// ARGV: room. NOT_FOUND for no room; else deletes every key of the room and
// answers {OK, {user, role, ...}, its direct pair (nil: none)}.
extern const RedisScript kDeleteRoom;
// ARGV: room, joined_at and user id of the cursor, limit. {OK, {user, role, joined_at}...}.
extern const RedisScript kListMembers;
// ARGV: room, direct pair, name, user, other. Makes the direct room unless
// it exists, and both members; {OK, the user's row, made (0/1)}.
extern const RedisScript kMakeDirectRoom;

// --- directory ---
// ARGV: user, after room id, limit. {OK, ids}: public rooms and the user's,
// merged by id, at most `limit` of each.
extern const RedisScript kListRoomIds;
// ARGV: owner, rooms allowed per hour (0: no limit). NOT_FOUND for no such
// user; OVER_QUOTA with when the oldest of the hour's rooms was created; else
// a new room id counted in the owner's hour: {OK, id, created_at} (the room
// is stamped as the hour counts it).
extern const RedisScript kClaimRoomId;
// ARGV: room, public (1/0), users... Lists the room in each user's rooms
// (and the public list).
extern const RedisScript kListRoom;
// ARGV: room, direct pair ("" for none), then (user, owner 1/0) pairs: the
// room's place in its members' rooms, the owner's hour, the public list and
// the direct pairs, taken out.
extern const RedisScript kUnlistRoom;
// ARGV: user, other. NOT_FOUND unless both are users; else {OK, the pair's
// room id (a new one when it has none), the pair, the room's name}.
extern const RedisScript kClaimDirectRoomId;

}  // namespace chatd::store::room_scripts
