// Who may see a room and who may manage it: one rule for the HTTP API and
// the WebSocket, so neither tells an outsider more than the other.
#pragma once

#include <string_view>

#include "store/Store.h"

namespace chatd::chat {

// `room` as looked up for one user (its role is that user's). Private and
// direct rooms do not exist for those outside them: they get "no such room",
// the same answer as for an id that was never used.
inline bool visibleToUser(const store::Room& room) { return room.kind == "public" || !room.role.empty(); }

// Owners and admins add and kick members and delete others' messages.
inline bool canModerate(std::string_view role) { return role == "owner" || role == "admin"; }

}  // namespace chatd::chat
