#include "chat/AccountApi.h"

#include <chrono>

#include "proto/JsonWriter.h"

namespace chatd::chat {

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

ChatError usernameTaken() { return ChatError{chat_error::kConflict, "username is taken"}; }

// The line of password checks is full (--max-pending-hashes), or closed for shutdown.
proto::HttpResponse tooBusyToHash() {
  return jsonError(503, "overloaded", "too many password checks waiting, retry later").header("Retry-After", "1");
}

}  // namespace

std::optional<std::string_view> bearerToken(const proto::HttpRequest& request) {
  const auto header = request.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || header->size() <= kBearer.size() || !proto::equalsIgnoreCase(header->substr(0, kBearer.size()), kBearer)) {
    return std::nullopt;
  }
  return header->substr(kBearer.size());
}

std::optional<proto::JsonFields> jsonBody(const proto::HttpRequest& request, const HttpResponder& responder) {
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

proto::HttpResponse errorResponse(const ChatError& error) {
  proto::HttpResponse response = jsonError(httpStatusOf(error.code), error.code, error.message);
  if (error.code == chat_error::kUnavailable) response.header("Retry-After", "1");
  return response;
}

proto::HttpResponse wrongMethod(std::initializer_list<std::string_view> methods) {
  std::string allow;
  for (std::string_view method : methods) {
    if (method.empty()) continue;
    if (!allow.empty()) allow += ", ";
    allow += method;
    if (method == "GET") allow += ", HEAD";  // HEAD arrives as GET (Connection)
  }
  return proto::methodNotAllowed(allow);
}

std::string userJson(const store::User& user) {
  proto::JsonWriter w;
  w.beginObject().key("id").value(user.id).key("username").value(user.username).key("nickname");
  if (user.nickname.empty()) {
    w.null();
  } else {
    w.value(user.nickname);
  }
  w.key("created_at").value(user.createdAt).endObject();
  return w.take();
}

bool AccountApi::handle(const proto::HttpRequest& request, const HttpResponder& responder) {
  const std::string_view path = request.path();
  auto method = [&](std::string_view allowed) {
    if (request.method == allowed) return true;
    responder.respond(wrongMethod({allowed}));
    return false;
  };
  if (path == "/api/v1/register") {
    if (method("POST")) registerUser(request, responder);
  } else if (path == "/api/v1/login") {
    if (method("POST")) login(request, responder);
  } else if (path == "/api/v1/logout") {
    if (method("POST")) logout(request, responder);
  } else if (path == "/api/v1/me") {
    if (method("GET")) {
      withUser(request, responder, [responder](const store::User& user) {
        responder.respond(proto::jsonResponse(200, "{\"user\":" + userJson(user) + "}"));
      });
    }
  } else {
    return false;
  }
  return true;
}

void AccountApi::answerWithToken(int status, const store::User& user, const HttpResponder& responder) const {
  const TokenService::Issued issued = tokens_.issue(user, unixSeconds());
  proto::JsonWriter w;
  w.beginObject().key("user").raw(userJson(user)).key("token").value(issued.token);
  w.key("expires_at").value(issued.expiresAt).endObject();
  responder.respond(proto::jsonResponse(status, w.take()));
}

void AccountApi::registerUser(const proto::HttpRequest& request, const HttpResponder& responder) {
  const auto body = jsonBody(request, responder);
  if (!body) return;
  const auto username = body->string("username");
  const auto password = body->string("password");
  const auto nickname = body->has("nickname") ? body->string("nickname") : std::optional<std::string>("");
  if (!username || !isValidUsername(*username)) {
    return responder.respond(jsonError(400, "invalid_username", "username: 3 to 32 of a-z, 0-9, _ . -"));
  }
  if (!password || !isAcceptablePassword(*password)) {
    return responder.respond(jsonError(400, "invalid_password", "password: a string of 8 to 128 bytes"));
  }
  if (!nickname || nickname->size() > 64) {
    return responder.respond(jsonError(400, "invalid_nickname", "nickname: a string of at most 64 bytes"));
  }
  // Counted before the store or the hasher is asked anything: the attempt is what costs.
  if (const auto retry = registrations_.admit(responder.peerAddress(), loop_.nowMs())) {
    return responder.respond(jsonError(429, "rate_limited", "too many registrations from this address, retry later")
                                 .header("Retry-After", std::to_string(*retry)));
  }
  // A taken name is refused before any hashing is spent on it.
  store_.findCredentials(store::usernameKey(*username), [=, this](store::StoreStatus status, const store::Credentials&) {
    if (status == store::StoreStatus::kOk) return responder.respond(errorResponse(usernameTaken()));
    if (status == store::StoreStatus::kFailed) return responder.respond(errorResponse(storeError(status)));
    auto hash = std::make_shared<std::string>();
    const bool queued = hashing_.submit(
        responder, [hash, password = *password, params = argon2_] { *hash = hashPassword(password, params); },
        [=, this](bool ran) {
          if (!ran) return responder.respond(tooBusyToHash());
          if (hash->empty()) return responder.respond(jsonError(500, "internal", "could not hash the password"));
          store_.createUser(*username, *nickname, *hash, [=, this](store::StoreStatus created, store::User user) {
            if (created == store::StoreStatus::kConflict) return responder.respond(errorResponse(usernameTaken()));
            if (created != store::StoreStatus::kOk) return responder.respond(errorResponse(storeError(created)));
            answerWithToken(201, user, responder);
          });
        });
    if (!queued) responder.respond(tooBusyToHash());
  });
}

void AccountApi::login(const proto::HttpRequest& request, const HttpResponder& responder) {
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
    return responder.respond(jsonError(429, "rate_limited", "too many failed logins, retry later")
                                 .header("Retry-After", std::to_string(*retry)));
  }
  // From here on the login counts as in flight: every path ends it.
  auto finish = [=, this](LoginThrottle::Outcome outcome) { throttle_.finish(address, key, outcome); };
  store_.findCredentials(key, [=, this](store::StoreStatus status, store::Credentials credentials) {
    if (status == store::StoreStatus::kFailed) {
      finish(LoginThrottle::Outcome::kNotChecked);
      return responder.respond(errorResponse(storeError(status)));
    }
    auto verified = std::make_shared<bool>(false);
    const bool known = status == store::StoreStatus::kOk && !credentials.passwordHash.empty();
    const bool queued = hashing_.submit(
        responder,
        [=, hash = credentials.passwordHash, password = *password, params = argon2_] {
          // An unknown name costs as much time as a wrong password: no hint which names exist.
          if (known) {
            *verified = verifyPassword(password, hash);
          } else {
            burnVerificationTime(params);
          }
        },
        [=, this, user = credentials.user](bool ran) {
          if (!ran) {
            finish(LoginThrottle::Outcome::kNotChecked);
            return responder.respond(tooBusyToHash());
          }
          if (!*verified) {
            finish(LoginThrottle::Outcome::kWrongPassword);
            return responder.respond(unauthorized("wrong username or password"));
          }
          finish(LoginThrottle::Outcome::kLoggedIn);
          answerWithToken(200, user, responder);
        });
    if (!queued) {
      finish(LoginThrottle::Outcome::kNotChecked);
      responder.respond(tooBusyToHash());
    }
  });
}

void AccountApi::withUser(const proto::HttpRequest& request, const HttpResponder& responder,
                          std::function<void(const store::User&)> then) {
  withToken(bearerToken(request).value_or(std::string_view()), responder, std::move(then));
}

void AccountApi::withToken(std::string_view token, const HttpResponder& responder,
                           std::function<void(const store::User&)> then) {
  if (token.empty()) return responder.respond(unauthorized("send Authorization: Bearer TOKEN"));
  resolveToken(token, [responder, then = std::move(then)](Resolved resolved) {
    switch (resolved.outcome) {
      case Resolved::Outcome::kOk: return then(resolved.user);
      case Resolved::Outcome::kUnauthorized: return responder.respond(unauthorized(resolved.reason));
      case Resolved::Outcome::kUnavailable:
        return responder.respond(errorResponse(storeError(store::StoreStatus::kFailed)));
    }
  });
}

void AccountApi::resolveToken(std::string_view token, std::function<void(Resolved)> done) {
  TokenService::Identity identity;
  const JwtError error = tokens_.authenticate(token, unixSeconds(), identity);
  if (error != JwtError::kNone) {
    Resolved refused;
    refused.reason = jwtErrorMessage(error);
    return done(std::move(refused));
  }
  resolveIdentity(std::move(identity), std::move(done));
}

void AccountApi::resolveIdentity(TokenService::Identity identity, std::function<void(Resolved)> done) {
  Resolved resolved;
  resolved.identity = std::move(identity);
  const std::optional<int64_t> userId = resolved.identity.userId;
  const std::string subject = resolved.identity.subject;
  const std::string name = resolved.identity.name;
  auto found = [resolved = std::move(resolved), done = std::move(done)](store::StoreStatus status,
                                                                        const store::User& user) mutable {
    if (status == store::StoreStatus::kOk) {
      resolved.outcome = Resolved::Outcome::kOk;
      resolved.user = user;
    } else if (status == store::StoreStatus::kNotFound) {
      resolved.reason = "the token's user does not exist";
    } else {
      resolved.outcome = Resolved::Outcome::kUnavailable;
      resolved.reason = "the store is unavailable";
    }
    done(std::move(resolved));
  };
  if (userId) {
    store_.findUser(*userId, std::move(found));
  } else {
    store_.findOrCreateExternalUser(subject, name, std::move(found));
  }
}

void AccountApi::logout(const proto::HttpRequest& request, const HttpResponder& responder) {
  const auto token = bearerToken(request);
  if (!token) return responder.respond(unauthorized("send Authorization: Bearer TOKEN"));
  TokenService::Identity identity;
  const JwtError error = tokens_.authenticate(*token, unixSeconds(), identity);
  if (error != JwtError::kNone) return responder.respond(unauthorized(jwtErrorMessage(error)));
  // Answered once durable: a logout must hold across a restart.
  store_.revokeToken(identity.revocationKey, identity.expiresAt,
                     [this, responder, identity](store::StoreStatus status, bool) {
                       if (status != store::StoreStatus::kOk) {
                         return responder.respond(errorResponse(storeError(status)));
                       }
                       tokens_.revoke(identity.revocationKey, identity.expiresAt, unixSeconds());
                       if (logoutListener_) logoutListener_(identity.revocationKey);
                       proto::HttpResponse response;
                       response.status = 204;
                       responder.respond(std::move(response));
                     });
}

}  // namespace chatd::chat
