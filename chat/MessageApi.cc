#include "chat/MessageApi.h"

#include <algorithm>

#include "chat/ChatFrames.h"
#include "chat/ClientMessage.h"
#include "chat/RoomApi.h"
#include "chat/RoomAccess.h"

namespace chatd::chat {

namespace {

using store::StoreStatus;
namespace err = chat_error;

constexpr uint64_t kMaxWaitSeconds = 60;

proto::HttpResponse errorResponse(const ChatError& error) {
  return proto::jsonError(httpStatusOf(error.code), error.code, error.message);
}

// The request's bearer token, kept for checks after it is gone; empty when none.
std::string tokenOf(const proto::HttpRequest& request) { return std::string(bearerToken(request).value_or("")); }

proto::HttpResponse badQuery(std::string_view message) { return proto::jsonError(400, err::kBadRequest, message); }

// An optional non-negative integer query parameter; false when present and not one.
bool queryNumber(const proto::HttpRequest& request, std::string_view name, std::optional<int64_t>& out) {
  const auto text = request.queryParam(name);
  if (!text) return true;
  if (*text == "0") {
    out = 0;
    return true;
  }
  out = parseId(*text);
  return out.has_value();
}

// 200 {"messages":[...],"has_more":..,"last_seq":..} from a page fetched with one extra row.
proto::HttpResponse pageResponse(const std::vector<store::Message>& page, int limit, bool older, int64_t lastSeq) {
  proto::JsonWriter w;
  w.beginObject();
  writeHistoryPage(w, page, limit, older);
  w.key("last_seq").value(lastSeq).endObject();
  return proto::jsonResponse(200, w.take());
}

}  // namespace

bool MessageApi::handle(const proto::HttpRequest& request, const HttpResponder& responder) {
  std::string_view path = request.path();
  constexpr std::string_view kPrefix = "/api/v1/rooms/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  path.remove_prefix(kPrefix.size());
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) return false;
  const auto roomId = parseId(path.substr(0, slash));
  const std::string_view rest = path.substr(slash);
  if (!roomId || (rest != "/messages" && rest != "/online")) return false;
  const bool get = request.method == "GET";
  if (rest == "/online") {
    if (!get) {
      responder.respond(proto::methodNotAllowed("GET, HEAD"));
      return true;
    }
    withVisibleRoom(tokenOf(request), responder, *roomId,
                    [this, responder](const store::User&, const store::Room& room) {
                      responder.respond(proto::jsonResponse(200, hub_.onlineUsersJson(room.id)));
                    });
  } else if (get) {
    list(request, responder, *roomId);
  } else if (request.method == "POST") {
    post(request, responder, *roomId);
  } else {
    responder.respond(proto::methodNotAllowed("GET, HEAD, POST"));
  }
  return true;
}

void MessageApi::post(const proto::HttpRequest& request, const HttpResponder& responder, int64_t roomId) {
  const auto body = jsonBody(request, responder);
  if (!body) return;
  const auto content = body->string("content");
  const auto clientId = body->has("client_id") ? body->string("client_id") : std::optional<std::string>("");
  if (!content || content->empty()) return responder.respond(badQuery("content must be a non-empty string"));
  if (!clientId || (body->has("client_id") && clientId->empty()) || clientId->size() > kMaxClientIdBytes) {
    return responder.respond(badQuery("client_id must be a string of 1 to 64 bytes"));
  }
  accounts_.withUser(request, responder, [this, responder, roomId, content = *content,
                                          clientId = *clientId](const store::User& user) {
    if (!hub_.takeMessageToken(user.id)) {
      return responder.respond(
          errorResponse(ChatError{err::kRateLimited, "too many messages: slow down"}).header("Retry-After", "1"));
    }
    hub_.postMessage(PostRequest{.senderId = user.id,
                                 .authorJson = userSummaryJson(user.id, user.username, user.nickname),
                                 .roomId = roomId,
                                 .content = content,
                                 .clientId = clientId},
                     [responder, user](std::optional<ChatError> error, const store::AppendResult& result) {
                       if (error) return responder.respond(errorResponse(*error));
                       store::Message message = result.message;
                       message.senderUsername = user.username;
                       message.senderNickname = user.nickname;
                       proto::JsonWriter w;
                       w.beginObject().key("message");
                       writeMessageData(w, message);
                       w.endObject();
                       responder.respond(proto::jsonResponse(result.duplicate ? 200 : 201, w.take()));
                     });
  });
}

void MessageApi::list(const proto::HttpRequest& request, const HttpResponder& responder, int64_t roomId) {
  std::optional<int64_t> after, before, limit, wait;
  if (!queryNumber(request, "after", after) || !queryNumber(request, "before", before) ||
      !queryNumber(request, "limit", limit) || !queryNumber(request, "wait", wait)) {
    return responder.respond(badQuery("after, before, limit and wait are integers >= 0"));
  }
  if (after && before) return responder.respond(badQuery("give after or before, not both"));
  if (wait && !after) return responder.respond(badQuery("wait needs after=SEQ: it waits for what follows SEQ"));
  const int pageSize = static_cast<int>(std::clamp<int64_t>(limit.value_or(kDefaultHistoryPage), 1, kMaxHistoryPage));
  const uint64_t waitMs = std::min<uint64_t>(wait.value_or(0), kMaxWaitSeconds) * 1000;
  const std::string token = tokenOf(request);
  withVisibleRoom(token, responder, roomId, [=, this](const store::User&, const store::Room& room) {
    if (after) return answerAfter(responder, token, room, *after, pageSize, waitMs);
    store_.messagesBefore(roomId, before.value_or(room.lastSeq + 1), pageSize + 1,
                          [=](StoreStatus status, std::vector<store::Message> page) {
                            if (status != StoreStatus::kOk) return responder.respond(storeUnavailable());
                            responder.respond(pageResponse(page, pageSize, true, room.lastSeq));
                          });
  });
}

void MessageApi::answerAfter(const HttpResponder& responder, const std::string& token, const store::Room& room,
                             int64_t after, int limit, uint64_t waitMs) {
  store_.messagesAfter(room.id, after, limit + 1, [=, this](StoreStatus status, std::vector<store::Message> page) {
    if (status != StoreStatus::kOk) return responder.respond(storeUnavailable());
    if (page.empty() && waitMs > 0 && responder.connectionOpen()) {
      // Nothing yet: wait for the next commit in the room (or the timeout),
      // then answer whatever there is, if the caller may still read it.
      const uint64_t ticket = hub_.longPolls().wait(room.id, after, waitMs, [=, this] {
        withVisibleRoom(token, responder, room.id, [=, this](const store::User&, const store::Room& now) {
          answerAfter(responder, token, now, after, limit, 0);
        });
      });
      return responder.onAbandoned([this, roomId = room.id, ticket] { hub_.longPolls().cancel(roomId, ticket); });
    }
    const int64_t lastSeq = std::max(room.lastSeq, page.empty() ? int64_t{0} : page.back().seq);
    responder.respond(pageResponse(page, limit, false, lastSeq));
  });
}

void MessageApi::withVisibleRoom(const std::string& token, const HttpResponder& responder, int64_t roomId,
                                 std::function<void(const store::User&, const store::Room&)> then) {
  accounts_.withToken(token, responder, [=, this](const store::User& user) {
    store_.findRoom(roomId, user.id, [=](StoreStatus status, const store::Room& room) {
      if (status == StoreStatus::kNotFound || (status == StoreStatus::kOk && !visibleToUser(room))) {
        return responder.respond(proto::jsonError(404, err::kNotFound, "no such room"));
      }
      if (status != StoreStatus::kOk) return responder.respond(storeUnavailable());
      then(user, room);
    });
  });
}

}  // namespace chatd::chat
