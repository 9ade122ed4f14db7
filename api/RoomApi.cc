#include "api/RoomApi.h"

#include <algorithm>
#include <memory>

#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "proto/JsonWriter.h"
#include "reactor/WallClock.h"

namespace chatd::api {

using server::HttpResponder;

namespace {

using proto::jsonError;
using store::MemberRole;
using store::RoomKind;
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

proto::HttpResponse noContent() {
  proto::HttpResponse response;
  response.status = 204;
  return response;
}

// Calls `then` with a RoomService result, or answers its error.
template <typename T, typename Then>
chat::RoomService::Done<T> answering(const HttpResponder& responder, Then then) {
  return [responder, then = std::move(then)](std::optional<chat::ChatError> error, const T& result) {
    if (error) return responder.respond(errorResponse(*error));
    then(result);
  };
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
  if (status != StoreStatus::kOk) return errorResponse(chat::storeError(status));
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
  w.beginObject().key("user").raw(chat::userJson(member.user)).key("role").value(store::memberRoleName(member.role));
  w.key("joined_at").value(member.joinedAt).key("last_seen_at");
  if (member.user.lastSeenAt == 0) {
    w.null();
  } else {
    w.value(member.user.lastSeenAt);
  }
  w.endObject();
  return w.take();
}

}  // namespace

std::string roomJson(const store::Room& room) {
  proto::JsonWriter w;
  w.beginObject().key("id").value(room.id).key("name").value(room.name);
  w.key("kind").value(store::roomKindName(room.kind)).key("topic");
  if (room.topic) {
    w.value(*room.topic);
  } else {
    w.null();
  }
  w.key("created_at").value(room.createdAt).key("role");
  const bool member = room.role != MemberRole::kNone;
  if (member) {
    w.value(store::memberRoleName(room.role));
  } else {
    w.null();
  }
  const int64_t unread = !member ? 0 : std::max<int64_t>(0, room.lastSeq - room.lastReadSeq);
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
  const auto kindName = body->string("kind");
  const auto kind = kindName ? store::parseRoomKind(*kindName) : std::nullopt;
  if (kind == RoomKind::kDirect) {
    return responder.respond(jsonError(400, "invalid_kind", "direct rooms are opened with POST /api/v1/direct/{user_id}"));
  }
  if (!kind) {
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
    if (status != StoreStatus::kOk) {
      return responder.respond(errorResponse(chat::storeError(status, {chat::chat_error::kNotFound, "no such room or user"})));
    }
    responder.respond(roomResponse(201, room));
  });
}

void RoomApi::show(const Call& call) {
  const HttpResponder& responder = call.responder;
  rooms_.findVisible(call.roomId, call.me.id, answering<store::Room>(responder, [responder](const store::Room& room) {
    responder.respond(roomResponse(200, room));
  }));
}

void RoomApi::remove(const Call& call) {
  const HttpResponder& responder = call.responder;
  rooms_.remove(call.roomId, call.me.id,
                answering<bool>(responder, [responder](bool) { responder.respond(noContent()); }));
}

void RoomApi::join(const Call& call) {
  const HttpResponder& responder = call.responder;
  rooms_.join(call.roomId, call.me.id, answering<store::Room>(responder, [responder](const store::Room& room) {
    responder.respond(roomResponse(200, room));
  }));
}

void RoomApi::leave(const Call& call) {
  const HttpResponder& responder = call.responder;
  rooms_.leave(call.roomId, call.me.id, [responder](std::optional<chat::ChatError> error, const store::Room& room) {
    // Over HTTP, leaving a room one is not in is a conflict with its state: 409.
    if (error && error->code == chat::chat_error::kNotMember) {
      return responder.respond(jsonError(409, error->code, error->message));
    }
    if (error) return responder.respond(errorResponse(*error));
    responder.respond(roomResponse(200, room));
  });
}

void RoomApi::members(const Call& call) {
  const auto page = pageRequest(call.request, call.responder);
  if (!page) return;
  const auto after = parseMemberCursor(page->cursor);
  if (!after) return call.responder.respond(badCursor());
  const HttpResponder& responder = call.responder;
  auto listPage = [this, responder, after = *after, limit = page->limit](const store::Room& room) {
    store_.listMembers(room.id, after, limit + 1,
                       [responder, limit](StoreStatus status, std::vector<store::RoomMember> members) {
                         responder.respond(pageResponse(status, "members", members, limit, memberJson, memberCursor));
                       });
  };
  rooms_.findVisible(call.roomId, call.me.id, answering<store::Room>(responder, listPage));
}

void RoomApi::setMember(const Call& call) {
  const server::HttpResponder& responder = call.responder;
  const auto body = jsonBody(call.request, responder);
  if (!body) return;
  const auto userId = body->integer("user_id");
  if (!userId || *userId <= 0) return responder.respond(jsonError(400, "invalid_user_id", "user_id: a user's id"));
  std::optional<MemberRole> role = MemberRole::kMember;
  if (body->has("role")) {
    const auto name = body->string("role");
    role = name ? store::parseMemberRole(*name) : std::nullopt;
  }
  if (role != MemberRole::kMember && role != MemberRole::kAdmin) {
    return responder.respond(jsonError(400, "invalid_role", "role: \"member\" or \"admin\""));
  }
  auto answer = [responder](const chat::RoomService::RoleChange& change) {
    const std::string body = "{\"member\":" + memberJson(change.member) + "}";
    responder.respond(proto::jsonResponse(change.added ? 201 : 200, body));
  };
  rooms_.setRole(call.roomId, call.me.id, *userId, *role, answering<chat::RoomService::RoleChange>(responder, answer));
}

void RoomApi::kick(const Call& call) {
  const HttpResponder& responder = call.responder;
  rooms_.kick(call.roomId, call.me.id, call.userId,
              answering<bool>(responder, [responder](bool) { responder.respond(noContent()); }));
}

void RoomApi::openDirect(const Call& call) {
  const server::HttpResponder& responder = call.responder;
  if (call.userId == call.me.id) {
    return responder.respond(jsonError(400, "invalid_user", "a direct room needs another user"));
  }
  rooms_.openDirect(call.me.id, call.userId,
                    answering<store::DirectRoom>(responder, [responder](const store::DirectRoom& direct) {
                      responder.respond(roomResponse(direct.created ? 201 : 200, direct.room));
                    }));
}

}  // namespace chatd::api
