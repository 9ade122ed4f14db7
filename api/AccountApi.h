// The account endpoints of the HTTP API:
//   POST /api/v1/register {username, password, nickname?, invite?} -> 201 {user, token, expires_at};
//        403 registration_closed / invalid_invite as the mode in force says
//        (RegistrationPolicy: the store's, else --registration)
//   POST /api/v1/login    {username, password}            -> 200 {user, token, expires_at}
//   GET  /api/v1/me       (Authorization: Bearer TOKEN)     -> 200 {user}
//   PATCH /api/v1/me      (Bearer) {nickname?, avatar_file_id?: id | null} -> 200 {user};
//        400 bad_request for anything else, or a file that may not be the
//        caller's avatar (avatarRefusal(), api/AvatarApi.h)
//   POST /api/v1/token/refresh (Bearer TOKEN, one chatd issued) -> 200 {user, token, expires_at}
//   POST /api/v1/logout   (Authorization: Bearer TOKEN)     -> 204; that token is
//        refused from then on (also after a restart) until it would have expired
// Passwords are hashed and checked on the worker pool, never on the loop,
// through a bounded line (HashingQueue: 503 when full); failed logins are
// throttled (LoginThrottle) and registrations per client address
// (reactor::RatePerAddress), both 429 with Retry-After. Owns the line and the
// throttles; borrows everything else, which the Application owns.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

#include "api/HashingQueue.h"
#include "auth/IdentityResolver.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "auth/RegistrationPolicy.h"
#include "auth/TokenService.h"
#include "chat/ChatError.h"
#include "proto/HttpRequest.h"
#include "proto/JsonFields.h"
#include "reactor/EventLoop.h"
#include "reactor/RatePerAddress.h"
#include "reactor/WallClock.h"
#include "reactor/WorkerPool.h"
#include "server/HttpResponder.h"
#include "server/Router.h"
#include "store/Store.h"

namespace chatd::api {

class AccountApi {
 public:
  // `hashWorkers` must do nothing but this API's hashing (see HashingQueue).
  // `registrationsPerHour`: per client address (0: no limit).
  AccountApi(reactor::EventLoop& loop, store::Store& store, reactor::WorkerPool& hashWorkers, size_t maxPendingHashes,
             auth::TokenService& tokens, auth::IdentityResolver& identities, const auth::Argon2Params& argon2,
             uint32_t registrationsPerHour, const auth::RegistrationPolicy& registration)
      : loop_(loop), store_(store), hashing_(hashWorkers, maxPendingHashes), tokens_(tokens), identities_(identities),
        argon2_(argon2), registrations_(registrationsPerHour, kHourMs), registration_(registration) {}
  // The per-address quota from the next registration on (a SIGHUP reload).
  void setRegistrationsPerHour(uint32_t registrationsPerHour) { registrations_.setPerPeriod(registrationsPerHour); }

  // Adds these endpoints to the server's route table.
  void addRoutes(server::Router& router);

  // Resolves the bearer token of `request` to a user, or answers 401 itself
  // (and never calls `then`). For every endpoint that needs a signed-in user.
  void withUser(const proto::HttpRequest& request, const server::HttpResponder& responder,
                std::function<void(const store::User&)> then);
  // The same for a bearer token kept from a request (empty: none was sent),
  // for a request that checks its caller again later (a long-poll's wake).
  void withToken(std::string_view token, const server::HttpResponder& responder, std::function<void(const store::User&)> then);

  // Called with the revocation key of every token logged out, so that the
  // sessions opened with it can be closed.
  void setLogoutListener(std::function<void(const std::string& revocationKey)> listener) {
    logoutListener_ = std::move(listener);
  }
  // Called with the user as PATCH /api/v1/me left them, so that their open
  // sessions name them so.
  void setProfileListener(std::function<void(const store::User&)> listener) {
    profileListener_ = std::move(listener);
  }

  // For /metrics.
  struct Stats {
    uint64_t loginsOk = 0;
    uint64_t loginsFailed = 0;            // wrong username or password
    uint64_t loginsThrottled = 0;         // refused (429) by the LoginThrottle
    uint64_t loginsBanned = 0;            // the right password for a banned account (403)
    uint64_t registrationsRateLimited = 0;  // refused (429) past --registrations-per-hour
  };
  const Stats& stats() const { return stats_; }

  // For shutdown: password checks still waiting for a worker are dropped.
  void stopHashing() { hashing_.close(); }

 private:
  // What a registration asks for, once checked.
  struct NewAccount {
    std::string username;
    std::string password;
    std::string nickname;
  };
  // An invite used up by a registration, given back when no account comes of it.
  struct TakenInvite {
    std::string digest;
    int64_t expiresAt = 0;
  };
  void registerUser(const proto::HttpRequest& request, const server::HttpResponder& responder);
  // The account made (a taken name refused first), its password hashed on the workers.
  void createAccount(const NewAccount& account, std::optional<TakenInvite> invite,
                     const server::HttpResponder& responder);
  void login(const proto::HttpRequest& request, const server::HttpResponder& responder);
  void me(const proto::HttpRequest& request, const server::HttpResponder& responder);
  void updateMe(const proto::HttpRequest& request, const server::HttpResponder& responder);
  // Stores the checked change of `userId`'s profile and answers the user.
  void saveProfile(int64_t userId, std::optional<std::string> nickname, std::optional<std::string> avatarFileId,
                   const server::HttpResponder& responder);
  void refresh(const proto::HttpRequest& request, const server::HttpResponder& responder);
  void answerWithToken(int status, const store::User& user, const server::HttpResponder& responder) const;
  void logout(const proto::HttpRequest& request, const server::HttpResponder& responder);

  reactor::EventLoop& loop_;
  store::Store& store_;
  HashingQueue hashing_;
  auth::TokenService& tokens_;
  auth::IdentityResolver& identities_;
  auth::Argon2Params argon2_;
  auth::LoginThrottle throttle_;
  static constexpr uint64_t kHourMs = 3'600'000;
  reactor::RatePerAddress registrations_;
  std::function<void(const std::string&)> logoutListener_;
  std::function<void(const store::User&)> profileListener_;
  const auth::RegistrationPolicy& registration_;
  Stats stats_;
};

// The JSON body of a POST, or nullopt after answering 415 or 400 (why there is none).
std::optional<proto::JsonFields> jsonBody(const proto::HttpRequest& request, const server::HttpResponder& responder);
// The HTTP answer to `error`: the status of its code (httpStatusOf), the
// code and the message; a 503 says when to retry (Retry-After).
proto::HttpResponse errorResponse(const chat::ChatError& error);

}  // namespace chatd::api
