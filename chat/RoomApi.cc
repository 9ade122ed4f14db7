#include "chat/RoomApi.h"

#include <algorithm>
#include <memory>

#include "chat/ChatError.h"
#include "chat/WallClock.h"
#include "proto/JsonWriter.h"

namespace chatd::chat {

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

bool consumePrefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

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
RoomService::Done<T> answering(const HttpResponder& responder, Then then) {
  return [responder, then = std::move(then)](std::optional<ChatError> error, const T& result) {
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
std::optional<PageRequest> pageRequest(const proto::HttpRequest& request, const HttpResponder& responder) {
  PageRequest page;
  if (const auto limit = request.queryParam("limit")) {
    const auto n = parseId(*limit);
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
  if (status != StoreStatus::kOk) return errorResponse(storeError(status));
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
  const auto joinedAt = text.substr(0, dot) == "0" ? std::optional<int64_t>(0) : parseId(text.substr(0, dot));
  const auto userId = parseId(text.substr(dot + 1));
  if (!joinedAt || !userId) return std::nullopt;
  return store::MemberCursor{*joinedAt, *userId};
}

std::string memberJson(const store::RoomMember& member) {
  proto::JsonWriter w;
  w.beginObject().key("user").raw(userJson(member.user)).key("role").value(store::memberRoleName(member.role));
  w.key("joined_at").value(member.joinedAt).endObject();
  return w.take();
}

}  // namespace

std::optional<int64_t> parseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return std::nullopt;
  return value;
}

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

bool RoomApi::handle(const proto::HttpRequest& request, const HttpResponder& responder) {
  struct Method {
    std::string_view name;
    Handler handler = nullptr;
  };
  Method methods[2];
  int64_t roomId = 0;
  int64_t userId = 0;
  std::string_view path = request.path();
  if (consumePrefix(path, "/api/v1/direct/")) {
    const auto id = parseId(path);
    if (!id) return false;
    userId = *id;
    methods[0] = {"POST", &RoomApi::openDirect};
  } else if (path == "/api/v1/rooms") {
    methods[0] = {"GET", &RoomApi::list};
    methods[1] = {"POST", &RoomApi::create};
  } else if (consumePrefix(path, "/api/v1/rooms/")) {
    const size_t slash = path.find('/');
    const auto id = parseId(path.substr(0, slash));
    if (!id) return false;
    roomId = *id;
    std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    if (rest.empty()) {
      methods[0] = {"GET", &RoomApi::show};
      methods[1] = {"DELETE", &RoomApi::remove};
    } else if (rest == "/join" || rest == "/leave") {
      methods[0] = {"POST", rest == "/join" ? &RoomApi::join : &RoomApi::leave};
    } else if (rest == "/members") {
      methods[0] = {"GET", &RoomApi::members};
      methods[1] = {"POST", &RoomApi::setMember};
    } else if (consumePrefix(rest, "/members/")) {
      const auto member = parseId(rest);
      if (!member) return false;
      userId = *member;
      methods[0] = {"DELETE", &RoomApi::kick};
    } else {
      return false;
    }
  } else {
    return false;
  }
  Handler handler = nullptr;
  for (const Method& m : methods) {
    if (m.handler && m.name == request.method) handler = m.handler;
  }
  if (!handler) {
    responder.respond(wrongMethod({methods[0].name, methods[1].name}));
    return true;
  }
  auto call = std::make_shared<Call>(Call{request, responder, {}, roomId, userId});
  accounts_.withUser(request, responder, [this, call, handler](const store::User& me) {
    call->me = me;
    (this->*handler)(*call);
  });
  return true;
}

void RoomApi::list(const Call& call) {
  const auto page = pageRequest(call.request, call.responder);
  if (!page) return;
  std::optional<int64_t> after = page->cursor.empty() ? std::optional<int64_t>(0) : parseId(page->cursor);
  if (!after) return call.responder.respond(badCursor());
  auto roomCursor = [](const store::Room& room) { return std::to_string(room.id); };
  store_.listRooms(call.me.id, *after, page->limit + 1,
                   [responder = call.responder, limit = page->limit, roomCursor](StoreStatus status,
                                                                                 std::vector<store::Room> rooms) {
                     responder.respond(pageResponse(status, "rooms", rooms, limit, roomJson, roomCursor));
                   });
}

void RoomApi::create(const Call& call) {
  const HttpResponder& responder = call.responder;
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
      const int64_t waitMs = room.createdAt + kHourMs - unixMs();
      return responder.respond(jsonError(429, chat_error::kTooManyRooms, "too many rooms created in the last hour")
                                   .header("Retry-After", std::to_string(std::max<int64_t>(1, (waitMs + 999) / 1000))));
    }
    if (status != StoreStatus::kOk) {
      return responder.respond(errorResponse(storeError(status, {chat_error::kNotFound, "no such room or user"})));
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
  rooms_.leave(call.roomId, call.me.id, [responder](std::optional<ChatError> error, const store::Room& room) {
    // Over HTTP, leaving a room one is not in is a conflict with its state: 409.
    if (error && error->code == chat_error::kNotMember) {
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
  const HttpResponder& responder = call.responder;
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
  auto answer = [responder](const RoomService::RoleChange& change) {
    const std::string body = "{\"member\":" + memberJson(change.member) + "}";
    responder.respond(proto::jsonResponse(change.added ? 201 : 200, body));
  };
  rooms_.setRole(call.roomId, call.me.id, *userId, *role, answering<RoomService::RoleChange>(responder, answer));
}

void RoomApi::kick(const Call& call) {
  const HttpResponder& responder = call.responder;
  rooms_.kick(call.roomId, call.me.id, call.userId,
              answering<bool>(responder, [responder](bool) { responder.respond(noContent()); }));
}

void RoomApi::openDirect(const Call& call) {
  const HttpResponder& responder = call.responder;
  if (call.userId == call.me.id) {
    return responder.respond(jsonError(400, "invalid_user", "a direct room needs another user"));
  }
  rooms_.openDirect(call.me.id, call.userId,
                    answering<store::DirectRoom>(responder, [responder](const store::DirectRoom& direct) {
                      responder.respond(roomResponse(direct.created ? 201 : 200, direct.room));
                    }));
}

}  // namespace chatd::chat
