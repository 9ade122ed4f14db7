// The Lua scripts of RedisStore's message log (RedisStoreMessages.cc), one
// per MessageLog call, over the keys and records of RedisKeys.h.
//
// A message travels back as one flat row, which RedisStoreMessages.cc
// decodes: id, seq, sender id, kind, content, client id ("" when none),
// created_at, edited_at (0: never), deleted (0 or 1), its details
// (store/MessageDetails.h; "" for none), the sender's username,
// nickname and avatar ("" when the user is gone or has none), then its reactions as
// (emoji, count) pairs in emoji byte order (none where a script says so).
// The names are read from this instance: on a shard that is not the
// directory they are "", and RedisStore fills them in.
#pragma once

#include "store/redis/RedisScript.h"

namespace chatd::store::message_scripts {

// ARGV: room, sender, content, client id, history max (0: keep all), the
// most one append trims, shard count, the room's shard, users here (1: this
// instance is the directory, RedisShards.h), kind, details
// (MessageDetails.h), the attached file ids joined by ',' ("" for none; the
// room's `files` hash counts them), then the announcement
// (MessageAnnouncement.h): the event's bytes before and after its seq
// (RoomEventWire.h; "" before: announce nothing), the payload's four parts
// around the id, the seq and created_at, and the direct room's other
// member (0: not a direct room). NOT_FOUND when the room does not exist, or
// the sender where the users are here (no seq used); else {OK, duplicate
// (0/1), row}: the original for a known (sender, client id), the new
// message otherwise, both without reactions. A new message trims the room
// to its newest `history max` messages, moves the room's first_seq past
// the ones it deleted, and is PUBLISHed (the room's channel; the users'
// channels of a direct message where the users are here). Message ids are
// msg:next * shard count + shard: unique across shards, and msg:next itself
// with one.
extern const RedisScript kAppend;
// ARGV: room, seq, limit (already clamped), "after" or "before".
// {OK, first seq, rows...}: where the room starts, and the messages with
// seq > `seq` (or < `seq`, the nearest ones) from there on, oldest first.
extern const RedisScript kPage;
// ARGV: room, user, seq. NOT_FOUND for a non-member; else {OK, stored mark}.
// kMarkRead moves the received mark to at least the read one.
extern const RedisScript kMarkRead;
extern const RedisScript kMarkReceived;
// ARGV: room, from seq, most. {OK, (user, received, read)...}: the members
// who received `from` or later, furthest first, at most `most`.
extern const RedisScript kWatermarks;
// ARGV: room, message id. NOT_FOUND when the room has no such message; else {OK, row}.
extern const RedisScript kFind;
// ARGV: room, message id, content. NOT_FOUND for no such live message; else {OK, row}.
extern const RedisScript kEdit;
// ARGV: room, message id. NOT_FOUND as kEdit; else {OK, row, file ids...}
// (no reactions or details: they are dropped; the ids of the files it
// carried follow, which the room's `files` hash no longer counts for it).
extern const RedisScript kDelete;
// ARGV: room, message id, user, emoji, max distinct emoji per user, users
// here (as kAppend's). NOT_FOUND as kEdit, or for a user who does not exist
// (checked only where the users are here); OVER_QUOTA when
// adding would pass the limit; else {OK, row without reactions, added (0/1),
// how many users now have the emoji}.
extern const RedisScript kToggleReaction;
// ARGV: room, user, from seq, budget. One slice of a deleted user's erasure
// in one room: the user's messages among the `budget` seqs from `from`
// tombstoned as kDelete does, the user's reactions there taken off the
// others' messages; after the last slice the user's membership ends (even an
// owner's). {OK, the seq to go on from, or 0 when the room is done (or does
// not exist)}. Repeating a slice changes nothing more.
extern const RedisScript kEraseUser;

}  // namespace chatd::store::message_scripts
