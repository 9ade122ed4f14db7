#include "api/RoomApi.h"

#include <algorithm>
#include <memory>

#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "chat/RoomAccess.h"
#include "reactor/WallClock.h"
#include "proto/JsonWriter.h"

namespace chatd::api {

namespace {

using proto::jsonError;
using store::StoreStatus;

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxTopicBytes = 256;
constexpr int64_t kHourMs = 3'600'000;
// GET /api/v1/rooms and .../members pages: so many items unless ?limit= says
// fewer or more, and never more than the maximum.
constexpr int kDefaultListPage = 100;
constexpr int kMaxListPage = 500;

proto::HttpResponse roomResponse(int status, const store::Room& room) {
  return proto::jsonResponse(status, "{\"room\":" + roomJson(room) + "}");
}

proto::HttpResponse forbidden(std::string_view message) { return jsonError(403, "forbidden", message); }

proto::HttpResponse noSuchRoom() { return jsonError(404, "not_found", "no such room"); }

proto::HttpResponse noContent() {
  proto::HttpResponse response;
  response.status = 204;
  return response;
}

// The answer to a store write that did not succeed; kConflict means the
// owner's membership was in the way.
proto::HttpResponse writeFailed(StoreStatus status) {
  if (status == StoreStatus::kNotFound) return jsonError(404, "not_found", "no such room or user");
  if (status == StoreStatus::kConflict) return forbidden("the owner's membership cannot change");
  return storeUnavailable();
}

// A list endpoint's page, from ?limit=N&cursor=C.
struct PageRequest {
  int limit = kDefaultListPage;
  std::string cursor;  // empty: the first page
};

// The page asked for, or nullopt after answering 400.
std::optional<PageRequest> pageRequest(const proto::HttpRequest& request, const server::HttpResponder& responder) {
  PageRequest page;
  if (const auto limit = request.queryParam("limit")) {
    const auto n = proto::parseId(*limit);
    if (!n || *n > kMaxListPage) {
      responder.respond(jsonError(400, "bad_request", "limit: 1 to " + std::to_string(kMaxListPage)));
      return std::nullopt;
    }
    page.limit = static_cast<int>(*n);
  }
  page.cursor = request.queryParam("cursor").value_or("");
  return page;
}

// 200 {"<key>":[...],"next_cursor":C|null} from `items`, read with one more
// than the page's limit: that one says whether a next page exists, which
// starts after the page's last item (`cursorOf`). 503 when the store failed.
template <typename T, typename ToJson, typename CursorOf>
proto::HttpResponse pageResponse(StoreStatus status, std::string_view key, const std::vector<T>& items, int limit,
                                 ToJson toJson, CursorOf cursorOf) {
  if (status != StoreStatus::kOk) return storeUnavailable();
  const size_t shown = std::min(items.size(), static_cast<size_t>(limit));
  proto::JsonWriter w;
  w.beginObject().key(key).beginArray();
  for (size_t i = 0; i < shown; ++i) w.raw(toJson(items[i]));
  w.endArray().key("next_cursor");
  if (items.size() > shown) {
    w.value(cursorOf(items[shown - 1]));
  } else {
    w.null();
  }
  w.endObject();
  return proto::jsonResponse(200, w.take());
}

proto::HttpResponse badCursor() { return jsonError(400, "bad_request", "cursor: a next_cursor this list answered"); }

// A member cursor is "JOINED_AT.USER_ID".
std::string memberCursor(const store::RoomMember& member) {
  return std::to_string(member.joinedAt) + "." + std::to_string(member.user.id);
}

std::optional<store::MemberCursor> parseMemberCursor(std::string_view text) {
  if (text.empty()) return store::MemberCursor{};
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto joinedAt = text.substr(0, dot) == "0" ? std::optional<int64_t>(0) : proto::parseId(text.substr(0, dot));
  const auto userId = proto::parseId(text.substr(dot + 1));
  if (!joinedAt || !userId) return std::nullopt;
  return store::MemberCursor{*joinedAt, *userId};
}

std::string memberJson(const store::RoomMember& member) {
  proto::JsonWriter w;
  w.beginObject().key("user").raw(chat::userJson(member.user)).key("role").value(member.role);
  w.key("joined_at").value(member.joinedAt).endObject();
  return w.take();
}

}  // namespace

std::string roomJson(const store::Room& room) {
  proto::JsonWriter w;
  w.beginObject().key("id").value(room.id).key("name").value(room.name).key("kind").value(room.kind).key("topic");
  if (room.topic) {
    w.value(*room.topic);
  } else {
    w.null();
  }
  w.key("created_at").value(room.createdAt).key("role");
  if (room.role.empty()) {
    w.null();
  } else {
    w.value(room.role);
  }
  const int64_t unread = room.role.empty() ? 0 : std::max<int64_t>(0, room.lastSeq - room.lastReadSeq);
  w.key("unread").value(unread).endObject();
  return w.take();
}

void RoomApi::addRoutes(server::Router& router) {
  // Every one for a signed-in user: the call starts once the token resolved.
  auto add = [this, &router](std::string_view method, std::string_view pattern, Handler handler) {
    router.add(method, pattern, [this, handler](const proto::HttpRequest& request, const server::PathParams& params,
                                                const server::HttpResponder& responder) {
      auto call = std::make_shared<Call>(Call{request, responder, {}, params.id("room"), params.id("user")});
      accounts_.withUser(request, responder, [this, call, handler](const store::User& me) {
        call->me = me;
        (this->*handler)(*call);
      });
    });
  };
  add("POST", "/api/v1/direct/{user}", &RoomApi::openDirect);
  add("GET", "/api/v1/rooms", &RoomApi::list);
  add("POST", "/api/v1/rooms", &RoomApi::create);
  add("GET", "/api/v1/rooms/{room}", &RoomApi::show);
  add("DELETE", "/api/v1/rooms/{room}", &RoomApi::remove);
  add("POST", "/api/v1/rooms/{room}/join", &RoomApi::join);
  add("POST", "/api/v1/rooms/{room}/leave", &RoomApi::leave);
  add("GET", "/api/v1/rooms/{room}/members", &RoomApi::members);
  add("POST", "/api/v1/rooms/{room}/members", &RoomApi::setMember);
  add("DELETE", "/api/v1/rooms/{room}/members/{user}", &RoomApi::kick);
}

void RoomApi::withVisibleRoom(const Call& call, std::function<void(const store::Room&)> then) {
  store_.findRoom(call.roomId, call.me.id, [responder = call.responder, then = std::move(then)](StoreStatus status,
                                                                                               store::Room room) {
    if (status == StoreStatus::kFailed) return responder.respond(storeUnavailable());
    if (status == StoreStatus::kNotFound || !chat::visibleToUser(room)) {
      return responder.respond(noSuchRoom());
    }
    then(room);
  });
}

void RoomApi::list(const Call& call) {
  const auto page = pageRequest(call.request, call.responder);
  if (!page) return;
  std::optional<int64_t> after = page->cursor.empty() ? std::optional<int64_t>(0) : proto::parseId(page->cursor);
  if (!after) return call.responder.respond(badCursor());
  auto roomCursor = [](const store::Room& room) { return std::to_string(room.id); };
  store_.listRooms(call.me.id, *after, page->limit + 1,
                   [responder = call.responder, limit = page->limit, roomCursor](StoreStatus status,
                                                                                 std::vector<store::Room> rooms) {
                     responder.respond(pageResponse(status, "rooms", rooms, limit, roomJson, roomCursor));
                   });
}

void RoomApi::create(const Call& call) {
  const server::HttpResponder& responder = call.responder;
  const auto body = jsonBody(call.request, responder);
  if (!body) return;
  const auto name = body->string("name");
  if (!name || name->empty() || name->size() > kMaxNameBytes) {
    return responder.respond(jsonError(400, "invalid_name", "name: a string of 1 to 64 bytes"));
  }
  const auto kind = body->string("kind");
  if (kind == "direct") {
    return responder.respond(jsonError(400, "invalid_kind", "direct rooms are opened with POST /api/v1/direct/{user_id}"));
  }
  if (kind != "public" && kind != "private") {
    return responder.respond(jsonError(400, "invalid_kind", "kind: \"public\" or \"private\""));
  }
  std::optional<std::string> topic;
  if (body->has("topic") && body->typeOf("topic") != proto::JsonFields::Type::kNull) {
    topic = body->string("topic");
    if (!topic || topic->size() > kMaxTopicBytes) {
      return responder.respond(jsonError(400, "invalid_topic", "topic: a string of at most 256 bytes, or null"));
    }
    if (topic->empty()) topic.reset();
  }
  store_.createRoom(*name, *kind, std::move(topic), call.me.id, roomsPerHour_, [responder](StoreStatus status,
                                                                                          store::Room room) {
    if (status == StoreStatus::kOverQuota) {
      // The next one may come once the oldest of the hour's rooms is an hour old.
      const int64_t waitMs = room.createdAt + kHourMs - reactor::unixMs();
      return responder.respond(jsonError(429, chat::chat_error::kTooManyRooms, "too many rooms created in the last hour")
                                   .header("Retry-After", std::to_string(std::max<int64_t>(1, (waitMs + 999) / 1000))));
    }
    if (status != StoreStatus::kOk) return responder.respond(writeFailed(status));
    responder.respond(roomResponse(201, room));
  });
}

void RoomApi::show(const Call& call) {
  withVisibleRoom(call, [responder = call.responder](const store::Room& room) {
    responder.respond(roomResponse(200, room));
  });
}

void RoomApi::remove(const Call& call) {
  withVisibleRoom(call, [this, responder = call.responder](const store::Room& room) {
    if (room.role != "owner") return responder.respond(forbidden("only the owner deletes a room"));
    store_.deleteRoom(room.id, [this, responder, roomId = room.id](StoreStatus status, bool) {
      if (status != StoreStatus::kOk) return responder.respond(writeFailed(status));
      if (membershipEnded_) membershipEnded_(roomId, 0);
      responder.respond(noContent());
    });
  });
}

void RoomApi::join(const Call& call) {
  store_.findRoom(call.roomId, call.me.id, [this, call](StoreStatus status, const store::Room& room) {
    const server::HttpResponder& responder = call.responder;
    if (status == StoreStatus::kFailed) return responder.respond(storeUnavailable());
    // A private room one is not in answers as a missing one (RoomAccess.h):
    // no outsider learns which ids are private rooms.
    if (status == StoreStatus::kNotFound || !chat::visibleToUser(room)) return responder.respond(noSuchRoom());
    if (!room.role.empty()) return responder.respond(roomResponse(200, room));  // already in: nothing to do
    store_.joinRoom(room.id, call.me.id, [responder](StoreStatus joined, store::Room now) {
      if (joined != StoreStatus::kOk) return responder.respond(writeFailed(joined));
      responder.respond(roomResponse(200, now));
    });
  });
}

void RoomApi::leave(const Call& call) {
  withVisibleRoom(call, [this, call](const store::Room& room) {
    const server::HttpResponder& responder = call.responder;
    if (room.role.empty()) return responder.respond(jsonError(409, "not_member", "you are not a member of this room"));
    if (room.kind == "direct") return responder.respond(forbidden("direct rooms cannot be left"));
    if (room.role == "owner") return responder.respond(forbidden("the owner cannot leave; delete the room instead"));
    store_.removeMember(room.id, call.me.id, [this, responder, room, userId = call.me.id](StoreStatus status, bool) {
      if (status == StoreStatus::kNotFound) {
        return responder.respond(jsonError(409, "not_member", "you are not a member of this room"));
      }
      if (status != StoreStatus::kOk) return responder.respond(writeFailed(status));
      if (membershipEnded_) membershipEnded_(room.id, userId);
      store::Room left = room;
      left.role.clear();
      responder.respond(roomResponse(200, left));
    });
  });
}

void RoomApi::members(const Call& call) {
  const auto page = pageRequest(call.request, call.responder);
  if (!page) return;
  const auto after = parseMemberCursor(page->cursor);
  if (!after) return call.responder.respond(badCursor());
  withVisibleRoom(call, [this, responder = call.responder, after = *after,
                         limit = page->limit](const store::Room& room) {
    store_.listMembers(room.id, after, limit + 1,
                       [responder, limit](StoreStatus status, std::vector<store::RoomMember> members) {
                         responder.respond(pageResponse(status, "members", members, limit, memberJson, memberCursor));
                       });
  });
}

void RoomApi::setMember(const Call& call) {
  const server::HttpResponder& responder = call.responder;
  const auto body = jsonBody(call.request, responder);
  if (!body) return;
  const auto userId = body->integer("user_id");
  if (!userId || *userId <= 0) return responder.respond(jsonError(400, "invalid_user_id", "user_id: a user's id"));
  const auto role = body->has("role") ? body->string("role") : std::optional<std::string>("member");
  if (role != "member" && role != "admin") {
    return responder.respond(jsonError(400, "invalid_role", "role: \"member\" or \"admin\""));
  }
  withVisibleRoom(call, [this, responder, userId = *userId, role = *role](const store::Room& room) {
    if (room.kind == "direct") return responder.respond(forbidden("direct rooms have no members to manage"));
    if (!chat::canModerate(room.role)) return responder.respond(forbidden("only the owner and admins add members"));
    store_.findRoom(room.id, userId, [=, this, myRole = room.role](StoreStatus status, const store::Room& theirs) {
      if (status != StoreStatus::kOk) return responder.respond(writeFailed(status));
      if (theirs.role == "owner") return responder.respond(forbidden("the owner's role cannot change"));
      if ((role == "admin" || theirs.role == "admin") && myRole != "owner") {
        return responder.respond(forbidden("only the owner grants or revokes admin"));
      }
      const int created = theirs.role.empty() ? 201 : 200;
      store_.setMemberRole(room.id, userId, role, [responder, created](StoreStatus set, store::RoomMember member) {
        if (set != StoreStatus::kOk) return responder.respond(writeFailed(set));
        responder.respond(proto::jsonResponse(created, "{\"member\":" + memberJson(member) + "}"));
      });
    });
  });
}

void RoomApi::kick(const Call& call) {
  withVisibleRoom(call, [this, responder = call.responder, userId = call.userId](const store::Room& room) {
    if (room.kind == "direct") return responder.respond(forbidden("nobody is kicked from a direct room"));
    if (!chat::canModerate(room.role)) return responder.respond(forbidden("only the owner and admins kick members"));
    store_.findRoom(room.id, userId, [=, this, myRole = room.role](StoreStatus status, const store::Room& theirs) {
      if (status != StoreStatus::kOk) return responder.respond(writeFailed(status));
      if (theirs.role.empty()) return responder.respond(jsonError(404, "not_found", "no such member"));
      if (theirs.role == "owner") return responder.respond(forbidden("the owner cannot be kicked"));
      if (theirs.role == "admin" && myRole != "owner") {
        return responder.respond(forbidden("only the owner kicks an admin"));
      }
      store_.removeMember(room.id, userId, [this, responder, roomId = room.id, userId](StoreStatus removed, bool) {
        if (removed != StoreStatus::kOk) return responder.respond(writeFailed(removed));
        if (membershipEnded_) membershipEnded_(roomId, userId);
        responder.respond(noContent());
      });
    });
  });
}

void RoomApi::openDirect(const Call& call) {
  const server::HttpResponder& responder = call.responder;
  if (call.userId == call.me.id) {
    return responder.respond(jsonError(400, "invalid_user", "a direct room needs another user"));
  }
  store_.findUser(call.userId, [this, responder, me = call.me.id](StoreStatus status, const store::User& other) {
    if (status == StoreStatus::kNotFound) return responder.respond(jsonError(404, "not_found", "no such user"));
    if (status != StoreStatus::kOk) return responder.respond(storeUnavailable());
    store_.openDirectRoom(me, other.id, [responder](StoreStatus opened, store::DirectRoom direct) {
      if (opened != StoreStatus::kOk) return responder.respond(writeFailed(opened));
      responder.respond(roomResponse(direct.created ? 201 : 200, direct.room));
    });
  });
}

}  // namespace chatd::api
