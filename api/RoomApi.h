// The room endpoints of the HTTP API, every one for a signed-in user:
//   GET    /api/v1/rooms?limit=N&cursor=C         -> 200 {rooms, next_cursor}: public ones and mine
//   POST   /api/v1/rooms {name, kind, topic?}     -> 201 {room}; the creator owns it;
//          429 too_many_rooms past --rooms-per-hour
//   GET    /api/v1/rooms/{id}                     -> 200 {room}
//   DELETE /api/v1/rooms/{id}                     -> 204, owner only
//   POST   /api/v1/rooms/{id}/join                -> 200 {room}, public rooms only
//   POST   /api/v1/rooms/{id}/leave               -> 200 {room}
//   GET    /api/v1/rooms/{id}/members?limit&cursor -> 200 {members, next_cursor}; a member
//          is {user, role, joined_at, last_seen_at}
//   POST   /api/v1/rooms/{id}/members {user_id, role?} -> 201 (added) / 200 (role changed) {member}
//   DELETE /api/v1/rooms/{id}/members/{user_id}   -> 204 (kick)
//   POST   /api/v1/direct/{user_id}               -> 201 (created) / 200 {room}
//
// The rules (who sees, leaves, manages, deletes) are RoomService's; its
// errors answer with their codes' statuses (a hidden room is 404 as if it did
// not exist), except leaving when not a member: 409.
// The lists are paged: at most `limit` items (default 100, at most 500), and
// `next_cursor` (null on the last page) is the `cursor` of the next page.
// Path ids are digits only and > 0, else 404. Borrows the store, the room
// service and accounts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/AccountApi.h"
#include "chat/RoomService.h"
#include "proto/HttpRequest.h"
#include "server/HttpResponder.h"
#include "server/Router.h"
#include "store/Store.h"

namespace chatd::api {

class RoomApi {
 public:
  // `roomsPerHour`: rooms one user may create in any hour (0: no limit).
  RoomApi(store::Store& store, chat::RoomService& rooms, AccountApi& accounts, uint32_t roomsPerHour)
      : store_(store), rooms_(rooms), accounts_(accounts), roomsPerHour_(roomsPerHour) {}
  // The quota from the next creation on (a SIGHUP reload).
  void setRoomsPerHour(uint32_t roomsPerHour) { roomsPerHour_ = roomsPerHour; }

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

  // Room creations refused (429) past --rooms-per-hour, for /metrics.
  uint64_t roomsRateLimited() const { return roomsRateLimited_; }

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

  store::Store& store_;
  chat::RoomService& rooms_;
  AccountApi& accounts_;
  uint32_t roomsPerHour_;  // reloadable: setRoomsPerHour()
  uint64_t roomsRateLimited_ = 0;
};

// {"id","name","kind","topic"|null,"created_at","role"|null,"unread"}
std::string roomJson(const store::Room& room);

}  // namespace chatd::api
