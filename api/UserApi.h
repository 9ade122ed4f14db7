// GET /api/v1/users/{id} (Bearer): another user as someone who shares a room
// with them sees them -> 200 {"user":{id, username, nickname, avatar_url?,
// created_at, last_seen_at (null: never seen), online}}; 404 for a user one
// shares no room with, so that the endpoint is no directory of accounts (the
// admin API is). Oneself is always visible. Borrows the store, the account
// API (who asks) and the hub (who is online, on any node).
#pragma once

#include "api/AccountApi.h"
#include "chat/Hub.h"
#include "server/Router.h"
#include "store/Store.h"

namespace chatd::api {

class UserApi {
 public:
  UserApi(store::Store& store, AccountApi& accounts, chat::Hub& hub) : store_(store), accounts_(accounts), hub_(hub) {}

  void addRoutes(server::Router& router);

 private:
  void show(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t userId);
  // Answers the user, with whether they are online now.
  void answer(const server::HttpResponder& responder, int64_t userId);

  store::Store& store_;
  AccountApi& accounts_;
  chat::Hub& hub_;
};

}  // namespace chatd::api
