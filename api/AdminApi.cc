#include "api/AdminApi.h"

#include <algorithm>

#include "api/AccountApi.h"
#include "api/MessageApi.h"
#include "chat/ChatFrames.h"
#include "proto/JsonWriter.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"

namespace chatd::api {

namespace {

using store::StoreStatus;
namespace err = chat::chat_error;

// The external subject of the user system messages come from: no password,
// no entry among registered names, so nobody signs in as it.
constexpr std::string_view kSystemSubject = "chatd:system";
constexpr size_t kMaxIdempotencyKeyBytes = chat::kMaxClientIdBytes;
constexpr int64_t kDefaultOnlinePage = 100;
constexpr int64_t kMaxOnlinePage = store::Store::kMaxUsersFound;

proto::HttpResponse noContent() {
  proto::HttpResponse response;
  response.status = 204;
  return response;
}

proto::HttpResponse badRequest(std::string_view message) { return proto::jsonError(400, err::kBadRequest, message); }

proto::HttpResponse storeFailure(StoreStatus status) {
  if (status == StoreStatus::kNotFound) return proto::jsonError(404, err::kNotFound, "no such user");
  if (status == StoreStatus::kConflict) return proto::jsonError(409, err::kConflict, "the user is deleted");
  return errorResponse(chat::storeError(status));
}

std::string_view stateName(store::UserState state) {
  switch (state) {
    case store::UserState::kActive: return "active";
    case store::UserState::kBanned: return "banned";
    case store::UserState::kDeleted: return "deleted";
  }
  return "active";
}

// {"user":{id, username, nickname, avatar_url?, created_at, state, last_seen_at, online?}}
proto::HttpResponse userResponse(int status, const store::User& user, std::optional<bool> online = std::nullopt) {
  proto::JsonWriter w;
  w.beginObject().key("user").beginObject().key("id").value(user.id).key("username").value(user.username);
  w.key("nickname");
  if (user.nickname.empty()) {
    w.null();
  } else {
    w.value(user.nickname);
  }
  if (!user.avatarFileId.empty()) w.key("avatar_url").value(chat::avatarUrl(user.avatarFileId));
  w.key("created_at").value(user.createdAt);
  w.key("state").value(stateName(user.state)).key("last_seen_at");
  if (user.lastSeenAt == 0) {
    w.null();
  } else {
    w.value(user.lastSeenAt);
  }
  if (online) w.key("online").value(*online);
  w.endObject().endObject();
  return proto::jsonResponse(status, w.take());
}

// {"mode", "source": "admin_api" | "config"}
proto::HttpResponse settingResponse(auth::RegistrationSetting setting) {
  proto::JsonWriter w;
  w.beginObject().key("mode").value(auth::registrationModeName(setting.mode));
  w.key("source").value(setting.fromAdminApi ? "admin_api" : "config").endObject();
  return proto::jsonResponse(200, w.take());
}

}  // namespace

void AdminApi::addRoutes(server::Router& router) {
  auto add = [this, &router](std::string_view method, std::string_view path, Handler handler) {
    router.add(method, path, [this, handler](const proto::HttpRequest& request, const server::PathParams& params,
                                             const server::HttpResponder& responder) {
      gate_.admit(request, responder, [&] {
        (this->*handler)(Call{request, responder, params.id("id")});
      });
    });
  };
  add("POST", "/api/v1/admin/rooms/{id}/messages", &AdminApi::publish);
  add("POST", "/api/v1/admin/users/{id}/disconnect", &AdminApi::disconnect);
  add("POST", "/api/v1/admin/users/{id}/ban", &AdminApi::ban);
  add("POST", "/api/v1/admin/users/{id}/unban", &AdminApi::unban);
  add("DELETE", "/api/v1/admin/users/{id}", &AdminApi::remove);
  add("GET", "/api/v1/admin/users/{id}", &AdminApi::showUser);
  add("GET", "/api/v1/admin/registration", &AdminApi::showRegistration);
  add("PUT", "/api/v1/admin/registration", &AdminApi::setRegistration);
  add("DELETE", "/api/v1/admin/registration", &AdminApi::clearRegistration);
  add("POST", "/api/v1/admin/invites", &AdminApi::mintInvite);
  add("GET", "/api/v1/admin/online", &AdminApi::online);
}

void AdminApi::withSystemUser(std::function<void(StoreStatus, const store::User&)> then) {
  if (systemUser_) return then(StoreStatus::kOk, *systemUser_);
  store_.findOrCreateExternalUser(std::string(kSystemSubject), "system",
                                  [this, then = std::move(then)](StoreStatus status, const store::User& user) {
                                    if (status == StoreStatus::kOk) systemUser_ = user;
                                    then(status, user);
                                  });
}

void AdminApi::publish(const Call& call) {
  const auto body = jsonBody(call.request, call.responder);
  if (!body) return;
  const auto content = body->string("content");
  const auto key = body->has("idempotency_key") ? body->string("idempotency_key") : std::optional<std::string>("");
  if (!content || content->empty()) return call.responder.respond(badRequest("content must be a non-empty string"));
  if (!key || (body->has("idempotency_key") && key->empty()) || key->size() > kMaxIdempotencyKeyBytes) {
    return call.responder.respond(badRequest("idempotency_key must be a string of 1 to 64 bytes"));
  }
  const server::HttpResponder responder = call.responder;
  const int64_t roomId = call.id;
  LOG_INFO("admin API: publish to room %lld from %s", static_cast<long long>(roomId), responder.peerAddress().c_str());
  withSystemUser([this, responder, roomId, content = *content, key = *key](StoreStatus status, const store::User& system) {
    if (status != StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
    hub_.postMessage(chat::PostRequest{.senderId = system.id,
                                       .authorJson = chat::userSummaryJson(system),
                                       .roomId = roomId,
                                       .content = content,
                                       .clientId = key,
                                       .byOperator = true},
                     [this, responder, system](std::optional<chat::ChatError> error, const store::AppendResult& result) {
                       if (error) return responder.respond(errorResponse(*error));
                       responder.respond(postedResponse(result, system, hub_.fileUrlKey()));
                     });
  });
}

void AdminApi::disconnect(const Call& call) {
  LOG_INFO("admin API: disconnect user %lld from %s", static_cast<long long>(call.id),
           call.responder.peerAddress().c_str());
  store_.findUser(call.id, [this, call](StoreStatus status, const store::User& user) {
    if (status != StoreStatus::kOk) return call.responder.respond(storeFailure(status));
    hub_.closeUserSessions(user.id, chat::chat_close::kDisconnected, "disconnected by an operator");
    call.responder.respond(noContent());
  });
}

void AdminApi::ban(const Call& call) { changeState(call, store::UserState::kBanned, 200); }
void AdminApi::unban(const Call& call) { changeState(call, store::UserState::kActive, 200); }
void AdminApi::remove(const Call& call) { changeState(call, store::UserState::kDeleted, 204); }

void AdminApi::changeState(const Call& call, store::UserState state, int status) {
  LOG_INFO("admin API: %s user %lld from %s",
           state == store::UserState::kActive   ? "unban"
           : state == store::UserState::kBanned ? "ban"
                                                : "delete",
           static_cast<long long>(call.id), call.responder.peerAddress().c_str());
  store_.setUserState(call.id, state, [this, call, state, status](StoreStatus stored, const store::User& user) {
    // A delete that failed may have stopped after the account was marked
    // (Redis erases room by room): its sessions end all the same, and a
    // repeated DELETE finishes the erasure.
    const bool deleteFailed = state == store::UserState::kDeleted && stored == StoreStatus::kFailed;
    if (state != store::UserState::kActive && (stored == StoreStatus::kOk || deleteFailed)) {
      hub_.closeUserSessions(call.id, chat::chat_close::kUnauthorized,
                             state == store::UserState::kBanned ? "banned" : "account deleted");
    }
    if (stored != StoreStatus::kOk) return call.responder.respond(storeFailure(stored));
    call.responder.respond(status == 204 ? noContent() : userResponse(status, user));
  });
}

void AdminApi::showUser(const Call& call) {
  store_.findUser(call.id, [this, call](StoreStatus status, const store::User& user) {
    if (status != StoreStatus::kOk) return call.responder.respond(storeFailure(status));
    hub_.roster().isOnline(user.id, [call, user](bool online) {
      call.responder.respond(userResponse(200, user, online));
    });
  });
}

void AdminApi::showRegistration(const Call& call) {
  registration_.current(store_, [call](StoreStatus status, auth::RegistrationSetting setting) {
    if (status != StoreStatus::kOk) return call.responder.respond(errorResponse(chat::storeError(status)));
    call.responder.respond(settingResponse(setting));
  });
}

void AdminApi::setRegistration(const Call& call) {
  const auto body = jsonBody(call.request, call.responder);
  if (!body) return;
  const auto mode = auth::registrationModeNamed(body->string("mode").value_or(""));
  if (!mode) return call.responder.respond(badRequest("mode must be \"open\", \"closed\" or \"invite\""));
  const std::string name(auth::registrationModeName(*mode));
  LOG_INFO("admin API: registration %s from %s", name.c_str(), call.responder.peerAddress().c_str());
  store_.setRegistrationMode(name, [call, mode = *mode](StoreStatus status, bool) {
    if (status != StoreStatus::kOk) return call.responder.respond(errorResponse(chat::storeError(status)));
    call.responder.respond(settingResponse({mode, true}));
  });
}

void AdminApi::clearRegistration(const Call& call) {
  LOG_INFO("admin API: registration back to --registration from %s", call.responder.peerAddress().c_str());
  store_.clearRegistrationMode([this, call](StoreStatus status, bool) {
    if (status != StoreStatus::kOk) return call.responder.respond(errorResponse(chat::storeError(status)));
    call.responder.respond(settingResponse(registration_.inForce("")));
  });
}

void AdminApi::mintInvite(const Call& call) {
  int64_t seconds = auth::RegistrationPolicy::kDefaultInviteSeconds;
  if (!call.request.body.empty()) {
    const auto body = jsonBody(call.request, call.responder);
    if (!body) return;
    if (body->has("expires_in")) {
      const auto given = body->integer("expires_in");
      if (!given || *given < 1 || *given > auth::RegistrationPolicy::kMaxInviteSeconds) {
        return call.responder.respond(badRequest("expires_in: seconds, 1 to 2592000 (30 days)"));
      }
      seconds = *given;
    }
  }
  const auto code = auth::RegistrationPolicy::newInviteCode();
  if (!code) return call.responder.respond(proto::jsonError(500, "internal", "no randomness for an invite code"));
  const int64_t now = reactor::unixSeconds();
  auto stored = [call, code = *code, expiresAt = now + seconds](StoreStatus status, bool) {
    if (status == StoreStatus::kOverQuota) {
      return call.responder.respond(proto::jsonError(429, "too_many_invites", "too many unused invites waiting"));
    }
    if (status != StoreStatus::kOk) return call.responder.respond(errorResponse(chat::storeError(status)));
    LOG_INFO("admin API: invite minted from %s", call.responder.peerAddress().c_str());
    proto::JsonWriter w;
    w.beginObject().key("code").value(code).key("expires_at").value(expiresAt).endObject();
    call.responder.respond(proto::jsonResponse(201, w.take()));
  };
  store_.createInvite(auth::RegistrationPolicy::inviteDigest(*code), now + seconds, now,
                      auth::RegistrationPolicy::kMaxInvites, std::move(stored));
}

void AdminApi::online(const Call& call) {
  const auto limitText = call.request.queryParam("limit");
  const auto cursorText = call.request.queryParam("cursor");
  const auto limit = limitText ? proto::parseId(*limitText) : std::optional<int64_t>(kDefaultOnlinePage);
  const auto cursor = cursorText ? proto::parseId(*cursorText) : std::optional<int64_t>(0);
  if (!limit || !cursor) return call.responder.respond(badRequest("limit and cursor are integers > 0"));
  const server::HttpResponder responder = call.responder;
  hub_.roster().listServer(*cursor, static_cast<size_t>(std::min(*limit, kMaxOnlinePage)),
                           [responder](std::string json) { responder.respond(proto::jsonResponse(200, std::move(json))); });
}

}  // namespace chatd::api
