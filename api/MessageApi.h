// The messaging endpoints of the HTTP API, for bots, scripts and clients
// that cannot hold a WebSocket; every one for a signed-in user:
//   POST /api/v1/rooms/{id}/messages {content, client_id?, kind?, attachments?}
//        -> 201 {message} (200 with the original for a resent client_id);
//        the same path as a WebSocket message: checks, commit, fan-out.
//   GET  /api/v1/rooms/{id}/messages?after=SEQ|before=SEQ&limit=N&wait=SECONDS
//        -> 200 {messages, has_more, last_seq}; with `after` and `wait`, an
//        empty answer waits up to `wait` seconds (at most 60) for the next
//        message (long-poll).
//   POST /api/v1/rooms/{id}/read {seq}, POST /api/v1/rooms/{id}/received {seq}
//        -> 200 {user_id, seq}: the user's read or received mark as stored
//        (never backwards, capped at the room's newest seq), told to the room.
//   GET  /api/v1/rooms/{id}/online -> 200 {users}
//   GET  /api/v1/online -> 200 {count}: how many users are online on the
//        server (every node); no list, which is the operators' (admin API)
// Errors carry the chat protocol's codes (403 not_member, 413 too_large,
// 429 rate_limited, ...). Posts spend the user's one message budget, shared
// with its WebSocket sessions (Hub::takeMessageToken). Borrows everything.
#pragma once

#include <cstdint>
#include <functional>

#include "api/AccountApi.h"
#include "chat/Hub.h"
#include "chat/RoomService.h"
#include "proto/HttpRequest.h"
#include "server/HttpResponder.h"
#include "server/Router.h"
#include "store/Store.h"

namespace chatd::api {

class MessageApi {
 public:
  MessageApi(store::Store& store, chat::RoomService& rooms, AccountApi& accounts, chat::Hub& hub)
      : store_(store), rooms_(rooms), accounts_(accounts), hub_(hub) {}

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

 private:
  void post(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t roomId);
  void list(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t roomId);
  // POST .../read and .../received {seq}: the user's mark, moved as the chat protocol moves it.
  void mark(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t roomId, bool read);
  // Calls `then` when the bearer `token` is valid (not expired, not logged
  // out) and its user may read the room (a member, or any public room);
  // answers 401/404/503 otherwise.
  void withVisibleRoom(const std::string& token, const server::HttpResponder& responder, int64_t roomId,
                       std::function<void(const store::User&, const store::Room&)> then);
  // Answers the page after `after`, or (with `waitMs`) waits for one first.
  // A wait woken later checks `token` and the room's access again: the user
  // may have logged out or been removed while it waited.
  void answerAfter(const server::HttpResponder& responder, const std::string& token, const store::Room& room, int64_t after,
                   int limit, uint64_t waitMs);

  store::Store& store_;
  chat::RoomService& rooms_;
  AccountApi& accounts_;
  chat::Hub& hub_;
};

// 201 {message} for a posted message, 200 with the original for a resent
// client id; the message named as from `sender`.
proto::HttpResponse postedResponse(const store::AppendResult& result, const store::User& sender,
                                   std::string_view urlKey);

}  // namespace chatd::api
