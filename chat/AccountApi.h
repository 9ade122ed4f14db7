// The account endpoints of the HTTP API:
//   POST /api/v1/register {username, password, nickname?} -> 201 {user, token, expires_at}
//   POST /api/v1/login    {username, password}            -> 200 {user, token, expires_at}
//   GET  /api/v1/me       (Authorization: Bearer TOKEN)     -> 200 {user}
//   POST /api/v1/logout   (Authorization: Bearer TOKEN)     -> 204; that token is
//        refused from then on (also after a restart) until it would have expired
// Passwords are hashed and checked on the worker pool, never on the loop,
// through a bounded line (HashingQueue: 503 when full); failed logins are
// throttled (LoginThrottle) and registrations per client address
// (RegistrationThrottle), both 429 with Retry-After. Owns the line and the
// throttles; borrows everything else, which the Server owns.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

#include "chat/ChatError.h"
#include "chat/HashingQueue.h"
#include "chat/HttpResponder.h"
#include "chat/LoginThrottle.h"
#include "chat/PasswordHasher.h"
#include "chat/RegistrationThrottle.h"
#include "chat/TokenService.h"
#include "chat/WallClock.h"
#include "proto/HttpRequest.h"
#include "proto/JsonFields.h"
#include "reactor/EventLoop.h"
#include "reactor/WorkerPool.h"
#include "store/Store.h"

namespace chatd::chat {

class AccountApi {
 public:
  // `hashWorkers` must do nothing but this API's hashing (see HashingQueue).
  // `registrationsPerHour`: per client address (RegistrationThrottle; 0: no limit).
  AccountApi(reactor::EventLoop& loop, store::Store& store, reactor::WorkerPool& hashWorkers, size_t maxPendingHashes,
             TokenService& tokens, const Argon2Params& argon2, uint32_t registrationsPerHour)
      : loop_(loop), store_(store), hashing_(hashWorkers, maxPendingHashes), tokens_(tokens), argon2_(argon2),
        registrations_(registrationsPerHour) {}

  // Answers and returns true when `request` is for one of these endpoints.
  bool handle(const proto::HttpRequest& request, const HttpResponder& responder);

  // Resolves the bearer token of `request` to a user, or answers 401 itself
  // (and never calls `then`). For every endpoint that needs a signed-in user.
  void withUser(const proto::HttpRequest& request, const HttpResponder& responder,
                std::function<void(const store::User&)> then);
  // The same for a bearer token kept from a request (empty: none was sent),
  // for a request that checks its caller again later (a long-poll's wake).
  void withToken(std::string_view token, const HttpResponder& responder, std::function<void(const store::User&)> then);

  // What a presented token resolves to.
  struct Resolved {
    enum class Outcome { kOk, kUnauthorized, kUnavailable } outcome = Outcome::kUnauthorized;
    std::string reason;  // why not, for the client
    store::User user;
    TokenService::Identity identity;
  };
  // Verifies `token` and finds (or, for an app backend's subject, creates)
  // its user. For the HTTP API and the WebSocket alike.
  void resolveToken(std::string_view token, std::function<void(Resolved)> done);
  // The same for a token already verified (TokenService::authenticate).
  void resolveIdentity(TokenService::Identity identity, std::function<void(Resolved)> done);

  // Called with the revocation key of every token logged out, so that the
  // sessions opened with it can be closed.
  void setLogoutListener(std::function<void(const std::string& revocationKey)> listener) {
    logoutListener_ = std::move(listener);
  }

  // For shutdown: password checks still waiting for a worker are dropped.
  void stopHashing() { hashing_.close(); }

 private:
  void registerUser(const proto::HttpRequest& request, const HttpResponder& responder);
  void login(const proto::HttpRequest& request, const HttpResponder& responder);
  void answerWithToken(int status, const store::User& user, const HttpResponder& responder) const;
  void logout(const proto::HttpRequest& request, const HttpResponder& responder);

  reactor::EventLoop& loop_;
  store::Store& store_;
  HashingQueue hashing_;
  TokenService& tokens_;
  Argon2Params argon2_;
  LoginThrottle throttle_;
  RegistrationThrottle registrations_;
  std::function<void(const std::string&)> logoutListener_;
};

// The JSON body of a POST, or nullopt after answering 415 or 400 (why there is none).
std::optional<proto::JsonFields> jsonBody(const proto::HttpRequest& request, const HttpResponder& responder);
// The HTTP answer to `error`: the status of its code (httpStatusOf), the
// code and the message; a 503 says when to retry (Retry-After).
proto::HttpResponse errorResponse(const ChatError& error);
// 405 for a path that answers only `methods`; HEAD is allowed with GET.
proto::HttpResponse wrongMethod(std::initializer_list<std::string_view> methods);

// {"id":..,"username":..,"nickname":..|null,"created_at":..}
std::string userJson(const store::User& user);

// The token of an `Authorization: Bearer TOKEN` header; nullopt when absent.
std::optional<std::string_view> bearerToken(const proto::HttpRequest& request);

}  // namespace chatd::chat
