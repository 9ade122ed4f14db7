#include "api/MessageApi.h"

#include <algorithm>

#include "api/RoomApi.h"
#include "chat/ChatFrames.h"
#include "chat/ClientMessage.h"
#include "chat/ReceiptCounts.h"

namespace chatd::api {

namespace {

using store::StoreStatus;
namespace err = chat::chat_error;

constexpr uint64_t kMaxWaitSeconds = 60;

// The request's bearer token, kept for checks after it is gone; empty when none.
std::string tokenOf(const proto::HttpRequest& request) { return std::string(proto::bearerToken(request).value_or("")); }

proto::HttpResponse badQuery(std::string_view message) { return proto::jsonError(400, err::kBadRequest, message); }

// An optional non-negative integer query parameter; false when present and not one.
bool queryNumber(const proto::HttpRequest& request, std::string_view name, std::optional<int64_t>& out) {
  const auto text = request.queryParam(name);
  if (!text) return true;
  if (*text == "0") {
    out = 0;
    return true;
  }
  out = proto::parseId(*text);
  return out.has_value();
}

// 200 {"messages":[...],"has_more":..,"last_seq":..} from a page fetched with one extra row.
proto::HttpResponse pageResponse(const store::MessagePage& page, int limit, bool older, int64_t lastSeq,
                                 std::string_view urlKey) {
  proto::JsonWriter w;
  w.beginObject();
  chat::writeHistoryPage(w, page, limit, older, urlKey);
  w.key("last_seq").value(lastSeq).endObject();
  return proto::jsonResponse(200, w.take());
}

}  // namespace

proto::HttpResponse postedResponse(const store::AppendResult& result, const store::User& sender,
                                   std::string_view urlKey) {
  store::Message message = result.message;
  message.senderUsername = sender.username;
  message.senderNickname = sender.nickname;
  message.senderAvatarFileId = sender.avatarFileId;
  proto::JsonWriter w;
  w.beginObject().key("message");
  chat::writeMessageData(w, message, urlKey);
  w.endObject();
  return proto::jsonResponse(result.duplicate ? 200 : 201, w.take());
}

void MessageApi::addRoutes(server::Router& router) {
  router.add("GET", "/api/v1/rooms/{room}/messages",
             [this](const proto::HttpRequest& request, const server::PathParams& params,
                    const server::HttpResponder& responder) { list(request, responder, params.id("room")); });
  router.add("POST", "/api/v1/rooms/{room}/messages",
             [this](const proto::HttpRequest& request, const server::PathParams& params,
                    const server::HttpResponder& responder) { post(request, responder, params.id("room")); });
  for (const bool read : {true, false}) {
    router.add("POST", read ? "/api/v1/rooms/{room}/read" : "/api/v1/rooms/{room}/received",
               [this, read](const proto::HttpRequest& request, const server::PathParams& params,
                            const server::HttpResponder& responder) { mark(request, responder, params.id("room"), read); });
  }
  router.add("GET", "/api/v1/rooms/{room}/online",
             [this](const proto::HttpRequest& request, const server::PathParams& params,
                    const server::HttpResponder& responder) {
               withVisibleRoom(tokenOf(request), responder, params.id("room"),
                               [this, responder](const store::User&, const store::Room& room) {
                                 hub_.onlineUsers(room.id, [responder](std::string users) {
                                   responder.respond(proto::jsonResponse(200, std::move(users)));
                                 });
                               });
             });
  router.add("GET", "/api/v1/online",
             [this](const proto::HttpRequest& request, const server::PathParams&, const server::HttpResponder& responder) {
               accounts_.withUser(request, responder, [this, responder](const store::User&) {
                 hub_.roster().countServer([responder](size_t count) {
                   responder.respond(proto::jsonResponse(200, "{\"count\":" + std::to_string(count) + "}"));
                 });
               });
             });
}

void MessageApi::post(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t roomId) {
  const auto body = jsonBody(request, responder);
  if (!body) return;
  const auto content = body->has("content") ? body->string("content") : std::optional<std::string>("");
  const auto clientId = body->has("client_id") ? body->string("client_id") : std::optional<std::string>("");
  if (!content) return responder.respond(badQuery("content must be a string"));
  if (!clientId || (body->has("client_id") && clientId->empty()) || clientId->size() > chat::kMaxClientIdBytes) {
    return responder.respond(badQuery("client_id must be a string of 1 to 64 bytes"));
  }
  chat::MessageDraft draft;
  if (std::string error; !chat::readMessageDraft(*body, content->empty(), draft, error)) {
    return responder.respond(badQuery(error));
  }
  accounts_.withUser(request, responder, [this, responder, roomId, content = *content, clientId = *clientId,
                                          draft = std::move(draft)](const store::User& user) {
    if (!hub_.takeMessageToken(user.id)) {
      return responder.respond(
          errorResponse(chat::ChatError{err::kRateLimited, "too many messages: slow down"}).header("Retry-After", "1"));
    }
    hub_.postMessage(chat::PostRequest{.senderId = user.id,
                                       .authorJson = chat::userSummaryJson(user),
                                       .roomId = roomId,
                                       .content = content,
                                       .clientId = clientId,
                                       .draft = draft},
                     [this, responder, user](std::optional<chat::ChatError> error, const store::AppendResult& result) {
                       if (error) return responder.respond(errorResponse(*error));
                       responder.respond(postedResponse(result, user, hub_.fileUrlKey()));
                     });
  });
}

void MessageApi::mark(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t roomId,
                      bool read) {
  const auto body = jsonBody(request, responder);
  if (!body) return;
  const auto seq = body->integer("seq");
  if (!seq || *seq < 0) return responder.respond(badQuery("seq must be an integer >= 0"));
  accounts_.withUser(request, responder, [this, responder, roomId, seq = *seq, read](const store::User& user) {
    hub_.moveMark(user.id, roomId, seq, read, [responder, userId = user.id](std::optional<chat::ChatError> error,
                                                                            int64_t stored) {
      if (error) return responder.respond(errorResponse(*error));
      proto::JsonWriter w;
      w.beginObject().key("user_id").value(userId).key("seq").value(stored).endObject();
      responder.respond(proto::jsonResponse(200, w.take()));
    });
  });
}

void MessageApi::list(const proto::HttpRequest& request, const server::HttpResponder& responder, int64_t roomId) {
  std::optional<int64_t> after, before, limit, wait;
  if (!queryNumber(request, "after", after) || !queryNumber(request, "before", before) ||
      !queryNumber(request, "limit", limit) || !queryNumber(request, "wait", wait)) {
    return responder.respond(badQuery("after, before, limit and wait are integers >= 0"));
  }
  if (after && before) return responder.respond(badQuery("give after or before, not both"));
  if (wait && !after) return responder.respond(badQuery("wait needs after=SEQ: it waits for what follows SEQ"));
  const int pageSize = static_cast<int>(std::clamp<int64_t>(limit.value_or(chat::kDefaultHistoryPage), 1, chat::kMaxHistoryPage));
  const uint64_t waitMs = std::min<uint64_t>(wait.value_or(0), kMaxWaitSeconds) * 1000;
  const std::string token = tokenOf(request);
  withVisibleRoom(token, responder, roomId, [=, this](const store::User&, const store::Room& room) {
    if (after) return answerAfter(responder, token, room, *after, pageSize, waitMs);
    store_.messagesBefore(roomId, before.value_or(room.lastSeq + 1), pageSize + 1,
                          chat::withReceiptCounts(store_, roomId, [=, this](StoreStatus status, const store::MessagePage& page) {
                            if (status != StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
                            responder.respond(pageResponse(page, pageSize, true, room.lastSeq, hub_.fileUrlKey()));
                          }));
  });
}

void MessageApi::answerAfter(const server::HttpResponder& responder, const std::string& token, const store::Room& room,
                             int64_t after, int limit, uint64_t waitMs) {
  store_.messagesAfter(room.id, after, limit + 1, chat::withReceiptCounts(store_, room.id, [=, this](StoreStatus status, const store::MessagePage& page) {
    if (status != StoreStatus::kOk) return responder.respond(errorResponse(chat::storeError(status)));
    if (page.messages.empty() && waitMs > 0 && responder.connectionOpen()) {
      // Nothing yet: wait for the next commit in the room (or the timeout),
      // then answer whatever there is, if the caller may still read it.
      const uint64_t ticket = hub_.longPolls().wait(room.id, after, waitMs, [=, this] {
        withVisibleRoom(token, responder, room.id, [=, this](const store::User&, const store::Room& now) {
          answerAfter(responder, token, now, after, limit, 0);
        });
      });
      return responder.onAbandoned([this, roomId = room.id, ticket] { hub_.longPolls().cancel(roomId, ticket); });
    }
    const int64_t lastSeq = std::max(room.lastSeq, page.messages.empty() ? int64_t{0} : page.messages.back().seq);
    responder.respond(pageResponse(page, limit, false, lastSeq, hub_.fileUrlKey()));
  }));
}

void MessageApi::withVisibleRoom(const std::string& token, const server::HttpResponder& responder, int64_t roomId,
                                 std::function<void(const store::User&, const store::Room&)> then) {
  accounts_.withToken(token, responder, [=, this](const store::User& user) {
    rooms_.findVisible(roomId, user.id, [=](std::optional<chat::ChatError> error, const store::Room& room) {
      if (error) return responder.respond(errorResponse(*error));
      then(user, room);
    });
  });
}

}  // namespace chatd::api
