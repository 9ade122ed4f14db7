// The admin API, for an operator's scripts and an app backend; every call
// needs an API key (AdminGate) and is logged (what, on whom, from where):
//   POST   /api/v1/admin/rooms/{id}/messages {content, idempotency_key?}
//          -> 201 {message} (200 with the original for a resent key): a
//          system message from the user "system#ID" through the one send path
//   POST   /api/v1/admin/users/{id}/disconnect -> 204: the user's sessions close (4002)
//   POST   /api/v1/admin/users/{id}/ban        -> 200 {user}: sessions close (4001),
//          logins and tokens refused
//   POST   /api/v1/admin/users/{id}/unban      -> 200 {user}
//   DELETE /api/v1/admin/users/{id}            -> 204: like a ban, for good
//   GET    /api/v1/admin/users/{id}            -> 200 {user}: with state, online, last_seen_at
//   GET    /api/v1/admin/registration          -> 200 {mode, source}
//   PUT    /api/v1/admin/registration {mode}   -> 200 {mode, source}: kept in the
//          store (every node, across restarts), over --registration
//   DELETE /api/v1/admin/registration          -> 200 {mode, source}: back to --registration
//   POST   /api/v1/admin/invites {expires_in?} -> 201 {code, expires_at}
//   GET    /api/v1/admin/online?limit&cursor   -> 200 {count, users, next_cursor}
// docs/admin-api.md has the details. Borrows everything.
#pragma once

#include <cstdint>
#include <optional>

#include "api/AdminGate.h"
#include "auth/RegistrationPolicy.h"
#include "chat/Hub.h"
#include "server/Router.h"
#include "store/Store.h"

namespace chatd::api {

class AdminApi {
 public:
  AdminApi(reactor::EventLoop& loop, const auth::ApiKeys& keys, store::Store& store, chat::Hub& hub,
           const auth::RegistrationPolicy& registration)
      : gate_(loop, keys), store_(store), hub_(hub), registration_(registration) {}

  void addRoutes(server::Router& router);

  // One admitted request, kept (copied) until it is answered.
  struct Call {
    proto::HttpRequest request;
    server::HttpResponder responder;
    int64_t id = 0;  // the path's {id}
  };

 private:
  using Handler = void (AdminApi::*)(const Call& call);

  void publish(const Call& call);
  void disconnect(const Call& call);
  void ban(const Call& call);
  void unban(const Call& call);
  void remove(const Call& call);
  void showUser(const Call& call);
  void showRegistration(const Call& call);
  void setRegistration(const Call& call);
  void clearRegistration(const Call& call);
  void mintInvite(const Call& call);
  void online(const Call& call);

  // Sets the user's state, closes their sessions unless now active, answers `status`.
  void changeState(const Call& call, store::UserState state, int status);
  // The system user (found or created once, then kept), or an error.
  void withSystemUser(std::function<void(store::StoreStatus, const store::User&)> then);

  AdminGate gate_;
  store::Store& store_;
  chat::Hub& hub_;
  const auth::RegistrationPolicy& registration_;
  std::optional<store::User> systemUser_;
};

}  // namespace chatd::api
