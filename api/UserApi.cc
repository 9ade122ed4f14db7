#include "api/UserApi.h"

#include "chat/ChatFrames.h"
#include "proto/JsonWriter.h"

namespace chatd::api {

namespace {

using store::StoreStatus;

proto::HttpResponse noSuchUser() { return proto::jsonError(404, "not_found", "no such user"); }

}  // namespace

void UserApi::addRoutes(server::Router& router) {
  router.add("GET", "/api/v1/users/{user}",
             [this](const proto::HttpRequest& request, const server::PathParams& params,
                    const server::HttpResponder& responder) { show(request, responder, params.id("user")); });
}

void UserApi::show(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t userId) {
  accounts_.withUser(request, responder, [this, responder, userId](const store::User& me) {
    if (userId == me.id) return answer(responder, userId);
    store_.shareRoom(me.id, userId, [this, responder, userId](StoreStatus status, bool shared) {
      if (status != StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
      if (!shared) return responder.respond(noSuchUser());
      answer(responder, userId);
    });
  });
}

void UserApi::answer(const server::HttpResponder& responder, int64_t userId) {
  store_.findUser(userId, [this, responder](StoreStatus status, const store::User& user) {
    if (status == StoreStatus::kNotFound || user.state == store::UserState::kDeleted) {
      return responder.respond(noSuchUser());
    }
    if (status != StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
    hub_.roster().isOnline(user.id, [responder, user](bool online) {
      proto::JsonWriter w;
      w.beginObject().key("user");
      chat::writeUserOpen(w, user);
      w.key("last_seen_at");
      if (user.lastSeenAt == 0) {
        w.null();
      } else {
        w.value(user.lastSeenAt);
      }
      w.key("online").value(online).endObject().endObject();
      responder.respond(proto::jsonResponse(200, w.take()));
    });
  });
}

}  // namespace chatd::api
