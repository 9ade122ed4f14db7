#include "chat/HubCommands.h"

#include "chat/AttachmentCheck.h"
#include "chat/ChatFrames.h"
#include "chat/ReceiptCounts.h"
#include "reactor/EventLoop.h"
#include "reactor/WallClock.h"

namespace chatd::chat {

namespace {

using store::RoomEvent;
using store::StoreStatus;
namespace err = chat_error;

// {"type":"read"|"received","room_id":..,"data":{"user_id":..,"seq":..}[,"ref":..]}
std::string markEvent(bool read, int64_t roomId, int64_t userId, int64_t seq, std::string_view ref) {
  ServerMessage event(read ? "read" : "received", roomId);
  event.writer().key("data").beginObject().key("user_id").value(userId).key("seq").value(seq).endObject();
  return event.finish(ref);
}

}  // namespace

void HubCommands::handle(ChatSession& session, ClientMessage m) {
  switch (m.type) {
    case ClientType::kAuth:
      break;  // ChatEndpoint's
    // Answers that can be large wait for room in the session's queue.
    case ClientType::kJoinRoom:
      return p_.backlogs.whenQueueHasRoom(session, m.ref, [this, m](ChatSession& s, std::function<void()> done) {
        joinRoom(s, m.roomId, m.since, m.ref, std::move(done));
      });
    case ClientType::kLeaveRoom: return leaveRoom(session, m);
    case ClientType::kMessage: return sendChatMessage(session, std::move(m));
    case ClientType::kTyping: return typing(session, m);
    case ClientType::kRead:
    case ClientType::kReceived: return markFrom(session, m);
    case ClientType::kHistory:
      return p_.backlogs.whenQueueHasRoom(
          session, m.ref, [this, m](ChatSession& s, std::function<void()> done) { history(s, m, std::move(done)); });
    case ClientType::kEdit: return p_.changes.edit(session, m);
    case ClientType::kDelete: return p_.changes.remove(session, m);
    case ClientType::kReact: return p_.changes.react(session, m);
    case ClientType::kSync: return sync(session, m);
    case ClientType::kCallInvite:
    case ClientType::kCallAccept:
    case ClientType::kCallReject:
    case ClientType::kCallOffer:
    case ClientType::kCallAnswer:
    case ClientType::kCallIce:
    case ClientType::kCallHangup: return p_.calls.handle(session, m);
    case ClientType::kPing: {
      ServerMessage pong("pong");
      pong.writer().key("server_time").value(reactor::unixMs());
      return session.send(pong.finish(m.ref));
    }
  }
}

// --- join, leave, sync -------------------------------------------------------

void HubCommands::joinRoom(ChatSession& session, int64_t roomId, std::optional<int64_t> since, std::string ref,
                           std::function<void()> then) {
  // Joining a public room one is not in makes one a member (RoomService::join).
  p_.roomService.join(roomId, session.user->id,
                      [this, sessionId = session.id, roomId, since, ref, then](std::optional<ChatError> error,
                                                                               const store::Room& room) {
                        ChatSession* s = p_.sessions.find(sessionId);
                        if (!s) return;  // gone: nothing more to do for it
                        if (error) {
                          s->sendError(error->code, error->message, ref, roomId);
                          return then();  // whether or not the join succeeds: sync goes on to the next room
                        }
                        enterRoom(*s, room, since, ref, then);
                      });
}

void HubCommands::enterRoom(ChatSession& session, const store::Room& room, std::optional<int64_t> since,
                            const std::string& ref, std::function<void()> then) {
  LiveRoom& live = p_.rooms.get(room.id, room.kind, room.lastSeq);
  if (!session.subscription(room.id)) p_.rooms.subscribe(session, live);
  ServerMessage joined("joined", room.id);
  joined.writer().key("last_seq").value(live.lastSeq);
  session.send(joined.finish(ref));
  // online_users closes the replay (unless the queue fills first), once the roster answered.
  auto finish = [this, sessionId = session.id, roomId = room.id, then] {
    if (!p_.sessions.find(sessionId)) return;
    p_.roster.list(roomId, [this, sessionId, roomId, then](std::string users) {
      ChatSession* s = p_.sessions.find(sessionId);
      if (!s) return;
      ServerMessage online("online_users", roomId);
      online.writer().key("data").raw(users);
      s->send(online.finish());
      then();
    });
  };
  // Resume: everything after `since`, before any new message.
  if (since && *since < live.lastSeq) return p_.delivery.resume(session, live, *since + 1, std::move(finish));
  finish();
}

void HubCommands::leaveRoom(ChatSession& session, const ClientMessage& m) {
  p_.rooms.unsubscribe(session, m.roomId);
  ServerMessage left("left", m.roomId);
  session.send(left.finish(m.ref));
}

void HubCommands::sync(ChatSession& session, const ClientMessage& m) {
  auto state = std::make_shared<SyncState>(SyncState{m.syncRooms, 0, m.ref, session.id});
  p_.backlogs.whenQueueHasRoom(
      session, m.ref, [this, state](ChatSession&, std::function<void()> done) { syncNext(state, std::move(done)); });
}

// Rooms one after the other, so each room's replay is whole before the next,
// and each waits for room in the queue as a request of its own would.
void HubCommands::syncNext(const std::shared_ptr<SyncState>& state, std::function<void()> done) {
  ChatSession* s = p_.sessions.find(state->sessionId);
  if (!s) return;
  if (state->next == state->rooms.size()) {
    ServerMessage synced("synced");
    synced.writer().key("rooms").beginArray();
    for (const auto& [roomId, since] : state->rooms) synced.writer().value(roomId);
    synced.writer().endArray();
    s->send(synced.finish(state->ref));
    return done();
  }
  const auto [roomId, since] = state->rooms[state->next++];
  joinRoom(*s, roomId, since, {}, [this, state, done] {
    if (ChatSession* s = p_.sessions.find(state->sessionId)) {
      p_.backlogs.whenQueueHasRoom(
          *s, state->ref, [this, state](ChatSession&, std::function<void()> next) { syncNext(state, std::move(next)); },
          true);
    }
    done();
  });
}

// --- messages ----------------------------------------------------------------

void HubCommands::sendChatMessage(ChatSession& session, ClientMessage m) {
  PostRequest request{.senderId = session.user->id,
                      .authorJson = session.user->summaryJson,
                      .roomId = m.roomId,
                      .toUserId = m.toUserId,
                      .content = std::move(m.content),
                      .clientId = std::move(m.clientId),
                      .originSessionId = session.id,
                      .draft = std::move(m.draft)};
  postMessage(std::move(request), [this, sessionId = session.id, ref = m.ref,
                                    receivedUs = reactor::EventLoop::monotonicUs()](
                                       std::optional<ChatError> error, const store::AppendResult& result) {
    ChatSession* s = p_.sessions.find(sessionId);
    if (!s) return;
    if (error) return s->sendError(error->code, error->message, ref);
    s->send(ackMessage(result.message, ref));
    p_.stats.sendToAck.record(reactor::EventLoop::monotonicUs() - receivedUs);
  });
}

void HubCommands::postMessage(PostRequest request, PostDone done) {
  if (request.content.size() > p_.config.maxContentBytes) {
    return done(ChatError{err::kTooLarge, "content is over " + std::to_string(p_.config.maxContentBytes) + " bytes"},
                {});
  }
  if (!request.draft.attachments.empty()) {
    const int64_t senderId = request.senderId;
    const std::string kind = request.draft.kind;
    std::vector<store::Attachment> attachments = std::move(request.draft.attachments);
    return checkAttachments(p_.store, senderId, kind, std::move(attachments),
                            [this, request = std::move(request), done](std::optional<ChatError> error,
                                                                       std::vector<store::Attachment> checked) mutable {
                              if (error) return done(std::move(error), {});
                              request.draft.attachments = std::move(checked);
                              postChecked(std::move(request), std::move(done));
                            });
  }
  postChecked(std::move(request), std::move(done));
}

void HubCommands::postChecked(PostRequest request, PostDone done) {
  if (request.toUserId != 0) {
    if (request.toUserId == request.senderId) return done(ChatError{err::kBadRequest, "to_user_id is yourself"}, {});
    const int64_t senderId = request.senderId;
    const int64_t toUserId = request.toUserId;
    return p_.store.openDirectRoom(
        senderId, toUserId,
        [this, request = std::move(request), done](StoreStatus status, const store::DirectRoom& direct) mutable {
          if (status == StoreStatus::kNotFound) return done(ChatError{err::kNotFound, "no such user"}, {});
          if (status != StoreStatus::kOk) return done(ChatError{err::kUnavailable, "store unavailable, retry"}, {});
          const int64_t peerId = request.toUserId;
          append(std::move(request), direct.room.id, peerId, done);
        });
  }
  const int64_t roomId = request.roomId;
  if (request.byOperator) {
    return p_.store.findRoom(roomId, 0, [this, request = std::move(request), done](StoreStatus status,
                                                                                   const store::Room&) mutable {
      if (status == StoreStatus::kNotFound) return done(ChatError{err::kNotFound, "no such room"}, {});
      if (status != StoreStatus::kOk) return done(ChatError{err::kUnavailable, "store unavailable, retry"}, {});
      const int64_t roomId = request.roomId;
      append(std::move(request), roomId, 0, done);
    });
  }
  const int64_t senderId = request.senderId;
  p_.lookups.withPostableRoom(
      roomId, senderId,
      [this, roomId, request = std::move(request), done](std::optional<ChatError> error, int64_t directPeerId) mutable {
        if (error) return done(std::move(error), {});
        append(std::move(request), roomId, directPeerId, done);
      });
}

void HubCommands::append(PostRequest request, int64_t roomId, int64_t directPeerId, PostDone done) {
  auto announce = std::make_shared<const store::MessageAnnouncement>(announcement(request, roomId, directPeerId));
  auto committed = [this, announce, done = std::move(done)](StoreStatus status, store::AppendResult result) {
    if (status == StoreStatus::kNotFound) return done(ChatError{err::kNotFound, "no such room"}, result);
    if (status != StoreStatus::kOk) return done(ChatError{err::kUnavailable, "store unavailable, retry"}, result);
    if (!result.duplicate) {
      ++p_.stats.messagesPosted;
      const store::Message& m = result.message;
      RoomEvent event = announce->filledIn(m.id, m.seq, m.createdAt);
      p_.webhooks.messageCreated(event.roomId, event.payload);
      if (result.announced) {
        p_.bus.deliverAnnounced(std::move(event));
      } else {
        p_.bus.publish(std::move(event));
      }
    }
    done(std::nullopt, result);
  };
  p_.store.append(store::NewMessage{.roomId = roomId,
                                    .senderId = request.senderId,
                                    .kind = std::move(request.draft.kind),
                                    .content = std::move(request.content),
                                    .clientId = std::move(request.clientId),
                                    .attachments = std::move(request.draft.attachments),
                                    .call = std::move(request.call)},
                  std::move(announce), std::move(committed));
}

store::MessageAnnouncement HubCommands::announcement(const PostRequest& request, int64_t roomId,
                                                     int64_t directPeerId) const {
  // The message as appendMessage() will store it, but for what the store decides.
  store::Message draft;
  draft.roomId = roomId;
  draft.senderId = request.senderId;
  draft.kind = request.draft.kind;
  draft.content = request.content;
  draft.clientId = request.clientId;
  draft.attachments = request.draft.attachments;
  draft.call = request.call;
  return store::MessageAnnouncement{
      .event = RoomEvent{.kind = directPeerId != 0 ? RoomEvent::Kind::kDirectMessage : RoomEvent::Kind::kMessage,
                         .roomId = roomId,
                         .originNode = p_.bus.nodeId(),
                         .originSession = request.originSessionId,
                         .userId = request.senderId,
                         .peerId = directPeerId,
                         .payload = {}},
      .around = messageEventAround(draft, request.authorJson, p_.config.fileUrlKey)};
}

// --- ephemeral events --------------------------------------------------------

void HubCommands::typing(ChatSession& session, const ClientMessage& m) {
  if (!session.subscription(m.roomId)) return session.sendError(err::kNotMember, "join the room first", m.ref);
  ServerMessage event("typing", m.roomId);
  event.writer().key("data").beginObject().key("user").raw(session.user->summaryJson);
  event.writer().key("typing").value(m.typing).endObject();
  p_.bus.publish(RoomEvent{.kind = RoomEvent::Kind::kTyping,
                           .roomId = m.roomId,
                           .originSession = session.id,
                           .userId = session.user->id,
                           .payload = event.finish()});
}

void HubCommands::markFrom(ChatSession& session, const ClientMessage& m) {
  const bool read = m.type == ClientType::kRead;
  moveMark(session.user->id, m.roomId, m.seq, read, session.id,
           [this, sessionId = session.id, userId = session.user->id, roomId = m.roomId, read, ref = m.ref](
               std::optional<ChatError> error, int64_t stored) {
             ChatSession* s = p_.sessions.find(sessionId);
             if (!s) return;
             if (error) return s->sendError(error->code, error->message, ref);
             s->send(markEvent(read, roomId, userId, stored, ref));  // the member's own reply carries its ref
           });
}

void HubCommands::moveMark(int64_t userId, int64_t roomId, int64_t seq, bool read, uint64_t originSession,
                           MarkDone done) {
  auto moved = [this, userId, roomId, read, originSession, done = std::move(done)](StoreStatus status,
                                                                                   int64_t stored) {
    if (status != StoreStatus::kOk) {
      return done(storeError(status, ChatError{err::kNotMember, "not a member of this room"}), 0);
    }
    done(std::nullopt, stored);
    if (LiveRoom* live = p_.rooms.find(roomId)) {
      int64_t& told = read ? live->marksTold[userId].read : live->marksTold[userId].received;
      if (told == stored) return;  // the room heard this mark already
      told = stored;
    }
    p_.bus.publish(RoomEvent{.kind = read ? RoomEvent::Kind::kRead : RoomEvent::Kind::kReceived,
                             .roomId = roomId,
                             .originSession = originSession,
                             .userId = userId,
                             .payload = markEvent(read, roomId, userId, stored, {})});
  };
  if (read) return p_.store.markRead(roomId, userId, seq, std::move(moved));
  p_.store.markReceived(roomId, userId, seq, std::move(moved));
}

// --- history -----------------------------------------------------------------

void HubCommands::history(ChatSession& session, const ClientMessage& m, std::function<void()> then) {
  auto readPage = [this, m, then](ChatSession& s, const store::Room& room) {
    // One more than asked for says whether there is more.
    const int limit = m.limit;
    auto answer = [this, sessionId = s.id, roomId = room.id, limit, older = !m.after, ref = m.ref, then](
                      StoreStatus status, const store::MessagePage& page) {
      ChatSession* s = p_.sessions.find(sessionId);
      if (!s) return;
      if (status != StoreStatus::kOk) {
        s->sendError(err::kUnavailable, "store unavailable, retry", ref);
      } else {
        ServerMessage reply("history", roomId);
        writeHistoryPage(reply.writer(), page, limit, older, p_.config.fileUrlKey);
        s->send(reply.finish(ref));
      }
      then();
    };
    auto counted = withReceiptCounts(p_.store, room.id, std::move(answer));
    if (m.after) return p_.store.messagesAfter(room.id, *m.after, limit + 1, std::move(counted));
    p_.store.messagesBefore(room.id, m.before.value_or(room.lastSeq + 1), limit + 1, std::move(counted));
  };
  p_.lookups.withReadableRoom(session, m.roomId, m.ref, readPage, then);
}

}  // namespace chatd::chat
