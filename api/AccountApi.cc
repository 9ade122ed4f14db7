#include "api/AccountApi.h"

#include <chrono>

#include "api/AvatarApi.h"
#include "auth/AuthEvents.h"
#include "chat/ChatFrames.h"
#include "proto/JsonWriter.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"

namespace chatd::api {

namespace {

using proto::jsonError;

bool isValidUsername(std::string_view name) {
  if (name.size() < 3 || name.size() > 32) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

proto::HttpResponse unauthorized(std::string_view message) {
  return jsonError(401, "unauthorized", message).header("WWW-Authenticate", "Bearer");
}

proto::HttpResponse invalidInvite() {
  return jsonError(403, "invalid_invite", "registration needs a valid invite code (\"invite\")");
}

proto::HttpResponse badRequest(std::string_view message) {
  return jsonError(400, chat::chat_error::kBadRequest, message);
}

// {"user":{...}}, as /api/v1/me answers.
proto::HttpResponse meResponse(const store::User& user) {
  return proto::jsonResponse(200, "{\"user\":" + chat::userJson(user) + "}");
}

chat::ChatError usernameTaken() { return chat::ChatError{chat::chat_error::kConflict, "username is taken"}; }

// The line of password checks is full (--max-pending-hashes), or closed for shutdown.
proto::HttpResponse tooBusyToHash() {
  return jsonError(503, "overloaded", "too many password checks waiting, retry later").header("Retry-After", "1");
}

}  // namespace

std::optional<proto::JsonFields> jsonBody(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  const auto type = request.header("content-type");
  if (!type || !proto::equalsIgnoreCase(proto::mediaTypeOf(*type), "application/json")) {
    responder.respond(jsonError(415, "unsupported_media_type", "send Content-Type: application/json"));
    return std::nullopt;
  }
  std::string error;
  auto fields = proto::JsonFields::parse(request.body, error);
  if (!fields) responder.respond(jsonError(400, "bad_request", error));
  return fields;
}

proto::HttpResponse errorResponse(const chat::ChatError& error) {
  proto::HttpResponse response = jsonError(chat::httpStatusOf(error.code), error.code, error.message);
  if (error.code == chat::chat_error::kUnavailable) response.header("Retry-After", "1");
  return response;
}

void AccountApi::addRoutes(server::Router& router) {
  using Handler = void (AccountApi::*)(const proto::HttpRequest&, const server::HttpResponder&);
  auto add = [this, &router](std::string_view method, std::string_view path, Handler handler) {
    router.add(method, path, [this, handler](const proto::HttpRequest& request, const server::PathParams&,
                                             const server::HttpResponder& responder) { (this->*handler)(request, responder); });
  };
  add("POST", "/api/v1/register", &AccountApi::registerUser);
  add("POST", "/api/v1/login", &AccountApi::login);
  add("POST", "/api/v1/logout", &AccountApi::logout);
  add("GET", "/api/v1/me", &AccountApi::me);
  add("PATCH", "/api/v1/me", &AccountApi::updateMe);
  add("POST", "/api/v1/token/refresh", &AccountApi::refresh);
}

void AccountApi::refresh(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  const auto token = proto::bearerToken(request);
  auth::TokenService::Identity identity;
  if (token && tokens_.authenticate(*token, reactor::unixSeconds(), identity) == auth::JwtError::kNone &&
      !identity.userId) {
    return responder.respond(jsonError(400, chat::chat_error::kBadRequest,
                                       "an application backend's token is refreshed by that backend"));
  }
  // The old token stays valid until it expires: the sessions that use it
  // move to the new one (auth on the open session), not all at once.
  withUser(request, responder, [this, responder](const store::User& user) { answerWithToken(200, user, responder); });
}

void AccountApi::me(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  withUser(request, responder, [responder](const store::User& user) {
    responder.respond(meResponse(user));
  });
}

void AccountApi::updateMe(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  auto refuse = [&responder](std::string_view message) { responder.respond(badRequest(message)); };
  if (request.body.empty()) return refuse("send a JSON object with nickname or avatar_file_id");
  const auto body = jsonBody(request, responder);
  if (!body) return;
  if (!body->has("nickname") && !body->has("avatar_file_id")) return refuse("give nickname or avatar_file_id");
  std::optional<std::string> nickname;
  if (body->has("nickname")) {
    nickname = body->string("nickname");
    if (!nickname || nickname->size() > 64) return refuse("nickname: a string of at most 64 bytes");
  }
  std::optional<std::string> avatar;  // "": none
  if (body->has("avatar_file_id")) {
    const bool none = body->typeOf("avatar_file_id") == proto::JsonFields::Type::kNull;
    avatar = none ? std::optional<std::string>("") : body->string("avatar_file_id");
    if (!avatar || (!none && avatar->empty())) return refuse("avatar_file_id: a file id, or null for none");
  }
  withUser(request, responder, [=, this](const store::User& user) {
    if (!avatar || avatar->empty()) return saveProfile(user.id, nickname, avatar, responder);
    store_.findFile(*avatar, [=, this, userId = user.id](store::StoreStatus status, const store::FileRecord& file) {
      if (status == store::StoreStatus::kNotFound) return responder.respond(badRequest("avatar_file_id: no such file"));
      if (status != store::StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
      if (const std::string refusal = avatarRefusal(file, userId); !refusal.empty()) {
        return responder.respond(badRequest(refusal));
      }
      saveProfile(userId, nickname, avatar, responder);
    });
  });
}

void AccountApi::saveProfile(int64_t userId, std::optional<std::string> nickname,
                             std::optional<std::string> avatarFileId, const server::HttpResponder& responder) {
  store_.updateProfile(userId, std::move(nickname), std::move(avatarFileId),
                       [this, responder](store::StoreStatus status, const store::User& user) {
                         if (status != store::StoreStatus::kOk) {
                           return responder.respond(errorResponse(chat::storeError(status)));
                         }
                         if (profileListener_) profileListener_(user);
                         responder.respond(meResponse(user));
                       });
}

void AccountApi::answerWithToken(int status, const store::User& user, const server::HttpResponder& responder) const {
  const auth::TokenService::Issued issued = tokens_.issue(user, reactor::unixSeconds());
  proto::JsonWriter w;
  w.beginObject().key("user").raw(chat::userJson(user)).key("token").value(issued.token);
  w.key("expires_at").value(issued.expiresAt).endObject();
  responder.respond(proto::jsonResponse(status, w.take()));
}

void AccountApi::registerUser(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  const auto body = jsonBody(request, responder);
  if (!body) return;
  const auto username = body->string("username");
  const auto password = body->string("password");
  const auto nickname = body->has("nickname") ? body->string("nickname") : std::optional<std::string>("");
  if (!username || !isValidUsername(*username)) {
    return responder.respond(jsonError(400, "invalid_username", "username: 3 to 32 of a-z, 0-9, _ . -"));
  }
  if (!password || !auth::isAcceptablePassword(*password)) {
    return responder.respond(jsonError(400, "invalid_password", "password: a string of 8 to 128 bytes"));
  }
  if (!nickname || nickname->size() > 64) {
    return responder.respond(jsonError(400, "invalid_nickname", "nickname: a string of at most 64 bytes"));
  }
  // Counted before the store or the hasher is asked anything: the attempt is what costs.
  if (const auto retry = registrations_.admit(responder.peerAddress(), loop_.nowMs())) {
    ++stats_.registrationsRateLimited;
    auth::logRegistrationThrottled(responder.peerAddress(), *retry);
    return responder.respond(jsonError(429, "rate_limited", "too many registrations from this address, retry later")
                                 .header("Retry-After", std::to_string(*retry)));
  }
  // Read from the store at each registration, so that a change made on any
  // node applies at once; checked, and an invite used up, before any hashing
  // is spent.
  NewAccount account{*username, *password, *nickname};
  const std::string invite = body->string("invite").value_or("");
  registration_.current(store_, [=, this](store::StoreStatus status, auth::RegistrationSetting setting) {
    if (status != store::StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
    if (setting.mode == auth::RegistrationMode::kClosed) {
      return responder.respond(jsonError(403, "registration_closed", "registration is closed on this server"));
    }
    if (setting.mode == auth::RegistrationMode::kOpen) return createAccount(account, std::nullopt, responder);
    if (invite.empty()) return responder.respond(invalidInvite());
    std::string digest = auth::RegistrationPolicy::inviteDigest(invite);
    store_.takeInvite(digest, reactor::unixSeconds(), [=, this](store::StoreStatus taken, int64_t expiresAt) {
      if (taken == store::StoreStatus::kNotFound) return responder.respond(invalidInvite());
      if (taken != store::StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(taken)));
      createAccount(account, TakenInvite{digest, expiresAt}, responder);
    });
  });
}

void AccountApi::createAccount(const NewAccount& account, std::optional<TakenInvite> invite,
                               const server::HttpResponder& responder) {
  // Every refusal from here on gives the invite back: no account came of it.
  auto refuse = [this, invite, responder](proto::HttpResponse response) {
    if (invite) {
      store_.restoreInvite(invite->digest, invite->expiresAt, [](store::StoreStatus status, bool) {
        if (status != store::StoreStatus::kOk) LOG_WARN("registration: an invite could not be given back");
      });
    }
    responder.respond(std::move(response));
  };
  // A taken name is refused before any hashing is spent on it.
  store_.findCredentials(store::usernameKey(account.username), [=, this](store::StoreStatus status,
                                                                         const store::Credentials&) {
    if (status == store::StoreStatus::kOk) return refuse(errorResponse(usernameTaken()));
    if (status == store::StoreStatus::kFailed) return refuse(errorResponse(chat::storeError(status)));
    auto hash = std::make_shared<std::string>();
    const bool queued = hashing_.submit(
        responder,
        [hash, password = account.password, params = argon2_] { *hash = auth::hashPassword(password, params); },
        [=, this](bool ran) {
          if (!ran) return refuse(tooBusyToHash());
          if (hash->empty()) return refuse(jsonError(500, "internal", "could not hash the password"));
          auto created = [=, this](store::StoreStatus stored, store::User user) {
            if (stored == store::StoreStatus::kConflict) return refuse(errorResponse(usernameTaken()));
            if (stored != store::StoreStatus::kOk) return refuse(errorResponse(chat::storeError(stored)));
            auth::logRegistered(responder.peerAddress(), user.username, user.id);
            answerWithToken(201, user, responder);
          };
          store_.createUser(account.username, account.nickname, *hash, std::move(created));
        });
    if (!queued) refuse(tooBusyToHash());
  });
}

void AccountApi::login(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  const auto body = jsonBody(request, responder);
  if (!body) return;
  const auto username = body->string("username");
  const auto password = body->string("password");
  if (!username || !password) {
    return responder.respond(jsonError(400, "bad_request", "username and password must be strings"));
  }
  const std::string key = store::usernameKey(*username);
  const std::string address = responder.peerAddress();
  if (const auto retry = throttle_.begin(address, key, loop_.nowMs())) {
    ++stats_.loginsThrottled;
    auth::logLoginThrottled(address, *username, *retry);
    return responder.respond(jsonError(429, "rate_limited", "too many failed logins, retry later")
                                 .header("Retry-After", std::to_string(*retry)));
  }
  // From here on the login counts as in flight: every path ends it.
  auto finish = [=, this](auth::LoginThrottle::Outcome outcome) { throttle_.finish(address, key, outcome); };
  store_.findCredentials(key, [=, this](store::StoreStatus status, store::Credentials credentials) {
    if (status == store::StoreStatus::kFailed) {
      finish(auth::LoginThrottle::Outcome::kNotChecked);
      return responder.respond(errorResponse(chat::storeError(status)));
    }
    auto verified = std::make_shared<bool>(false);
    const bool known = status == store::StoreStatus::kOk && !credentials.passwordHash.empty();
    const bool queued = hashing_.submit(
        responder,
        [=, hash = credentials.passwordHash, password = *password, params = argon2_] {
          // An unknown name costs as much time as a wrong password: no hint which names exist.
          if (known) {
            *verified = auth::verifyPassword(password, hash);
          } else {
            auth::burnVerificationTime(params);
          }
        },
        [=, this, user = credentials.user](bool ran) {
          if (!ran) {
            finish(auth::LoginThrottle::Outcome::kNotChecked);
            return responder.respond(tooBusyToHash());
          }
          // A deleted account answers as if it never existed.
          if (!*verified || user.state == store::UserState::kDeleted) {
            auth::logLoginFailed(address, *username);
            finish(auth::LoginThrottle::Outcome::kWrongPassword);
            ++stats_.loginsFailed;
            return responder.respond(unauthorized("wrong username or password"));
          }
          if (user.state == store::UserState::kBanned) {
            auth::logLoginBanned(address, user.username, user.id);
            finish(auth::LoginThrottle::Outcome::kNotChecked);
            ++stats_.loginsBanned;
            return responder.respond(jsonError(403, "banned", "this account is banned"));
          }
          finish(auth::LoginThrottle::Outcome::kLoggedIn);
          ++stats_.loginsOk;
          auth::logLoginSucceeded(address, user.username, user.id);
          answerWithToken(200, user, responder);
        });
    if (!queued) {
      finish(auth::LoginThrottle::Outcome::kNotChecked);
      responder.respond(tooBusyToHash());
    }
  });
}

void AccountApi::withUser(const proto::HttpRequest& request, const server::HttpResponder& responder,
                          std::function<void(const store::User&)> then) {
  withToken(proto::bearerToken(request).value_or(std::string_view()), responder, std::move(then));
}

void AccountApi::withToken(std::string_view token, const server::HttpResponder& responder,
                           std::function<void(const store::User&)> then) {
  if (token.empty()) return responder.respond(unauthorized("send Authorization: Bearer TOKEN"));
  identities_.resolveToken(token, [responder, then = std::move(then)](auth::IdentityResolver::Resolved resolved) {
    switch (resolved.outcome) {
      case auth::IdentityResolver::Resolved::Outcome::kOk: return then(resolved.user);
      case auth::IdentityResolver::Resolved::Outcome::kUnauthorized:
        auth::logTokenRefused(responder.peerAddress(), auth::TokenUse::kApi, resolved.reason);
        return responder.respond(unauthorized(resolved.reason));
      case auth::IdentityResolver::Resolved::Outcome::kUnavailable:
        return responder.respond(errorResponse(chat::storeError(store::StoreStatus::kFailed)));
    }
  });
}

void AccountApi::logout(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  const auto token = proto::bearerToken(request);
  if (!token) return responder.respond(unauthorized("send Authorization: Bearer TOKEN"));
  auth::TokenService::Identity identity;
  const auth::JwtError error = tokens_.authenticate(*token, reactor::unixSeconds(), identity);
  if (error != auth::JwtError::kNone) {
    auth::logTokenRefused(responder.peerAddress(), auth::TokenUse::kLogout, auth::jwtErrorMessage(error));
    return responder.respond(unauthorized(auth::jwtErrorMessage(error)));
  }
  // Answered once durable: a logout must hold across a restart.
  store_.revokeToken(identity.revocationKey, identity.expiresAt,
                     [this, responder, identity](store::StoreStatus status, bool) {
                       if (status != store::StoreStatus::kOk) {
                         return responder.respond(errorResponse(chat::storeError(status)));
                       }
                       tokens_.revoke(identity.revocationKey, identity.expiresAt, reactor::unixSeconds());
                       if (logoutListener_) logoutListener_(identity.revocationKey);
                       auth::logLogout(responder.peerAddress(), identity.userId, identity.subject);
                       proto::HttpResponse response;
                       response.status = 204;
                       responder.respond(std::move(response));
                     });
}

}  // namespace chatd::api
