// Reading script answers (RedisScript's convention) into store types: the
// decoding shared by the accounts, rooms and messages parts of RedisStore.
// Lua hands numbers back as integers and strings as bulk strings; a field a
// script left out (Lua false) arrives as nil.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/Store.h"
#include "store/redis/RedisReply.h"

namespace chatd::store {

// The status a script put first in its answer (StoreStatus's values);
// kFailed for anything else.
StoreStatus scriptStatus(const RedisReply& reply);

// An integer reply, or a string holding a decimal integer; 0 otherwise.
int64_t replyInt(const RedisReply& reply);
// A string or status reply's text; empty otherwise (nil included).
std::string replyText(const RedisReply& reply);

// For the writes that answer only their status.
inline bool applied(const std::vector<RedisReply>&) { return true; }

// A user row as the prelude's user_row() returns it: {id, username, nickname,
// created_at, state, last_seen, avatar}.
User decodeUser(const RedisReply& row);

}  // namespace chatd::store
