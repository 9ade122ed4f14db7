// The room endpoints of the HTTP API, every one for a signed-in user:
//   GET    /api/v1/rooms?limit=N&cursor=C         -> 200 {rooms, next_cursor}: public ones and mine
//   POST   /api/v1/rooms {name, kind, topic?}     -> 201 {room}; the creator owns it;
//          429 too_many_rooms past --rooms-per-hour
//   GET    /api/v1/rooms/{id}                     -> 200 {room}
//   DELETE /api/v1/rooms/{id}                     -> 204, owner only
//   POST   /api/v1/rooms/{id}/join                -> 200 {room}, public rooms only
//   POST   /api/v1/rooms/{id}/leave               -> 200 {room}
//   GET    /api/v1/rooms/{id}/members?limit&cursor -> 200 {members, next_cursor}
//   POST   /api/v1/rooms/{id}/members {user_id, role?} -> 201 (added) / 200 (role changed) {member}
//   DELETE /api/v1/rooms/{id}/members/{user_id}   -> 204 (kick)
//   POST   /api/v1/direct/{user_id}               -> 201 (created) / 200 {room}
//
// Rules, all checked here:
// - A private or direct room is visible only to its members: to anyone else
//   it answers 404 as if it did not exist (join too: private rooms are joined
//   by invitation, and an outsider cannot tell them from missing ids).
// - Leaving: not a member 409; the owner cannot leave (403: delete the room);
//   nobody leaves a direct room (403).
// - Owners and admins add members; only the owner grants or revokes admin;
//   nobody changes the owner's role; direct rooms have no roles to manage (403).
// - Owners and admins kick members; only the owner kicks an admin; nobody
//   kicks the owner (403).
// - Only the owner deletes a room.
// The lists are paged: at most `limit` items (default 100, at most 500), and
// `next_cursor` (null on the last page) is the `cursor` of the next page.
// Path ids are digits only and > 0, else 404. Borrows the store and accounts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "api/AccountApi.h"
#include "server/HttpResponder.h"
#include "server/Router.h"
#include "proto/HttpRequest.h"
#include "store/Store.h"

namespace chatd::api {

class RoomApi {
 public:
  // `roomsPerHour`: rooms one user may create in any hour (0: no limit).
  RoomApi(store::Store& store, AccountApi& accounts, uint32_t roomsPerHour)
      : store_(store), accounts_(accounts), roomsPerHour_(roomsPerHour) {}

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

  // Called once a user's membership ended (left, kicked; userId) or the room
  // was deleted (userId 0), so live sessions stop hearing from it.
  void setMembershipEndedListener(std::function<void(int64_t roomId, int64_t userId)> listener) {
    membershipEnded_ = std::move(listener);
  }

  // One authenticated request, kept (copied) until it is answered.
  struct Call {
    proto::HttpRequest request;
    server::HttpResponder responder;
    store::User me;
    int64_t roomId = 0;  // the path's {id}
    int64_t userId = 0;  // the path's {user_id}
  };

 private:
  using Handler = void (RoomApi::*)(const Call& call);

  void list(const Call& call);
  void create(const Call& call);
  void show(const Call& call);
  void remove(const Call& call);
  void join(const Call& call);
  void leave(const Call& call);
  void members(const Call& call);
  void setMember(const Call& call);
  void kick(const Call& call);
  void openDirect(const Call& call);

  // Calls `then` with the room as the caller sees it, or answers 404 when it
  // does not exist or is private to others (503 when the store fails).
  void withVisibleRoom(const Call& call, std::function<void(const store::Room&)> then);

  store::Store& store_;
  AccountApi& accounts_;
  uint32_t roomsPerHour_;
  std::function<void(int64_t, int64_t)> membershipEnded_;
};

// {"id","name","kind","topic"|null,"created_at","role"|null,"unread"}
std::string roomJson(const store::Room& room);

}  // namespace chatd::api
