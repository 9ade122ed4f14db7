// Hub: what each client message does (docs/protocol.md). Store callbacks may
// run later than the call (a networked store), when the session may be gone:
// they hold the session's id, never a pointer, and look it up again.
#include "chat/AccountApi.h"
#include "chat/ChatFrames.h"
#include "chat/Hub.h"
#include "chat/RoomAccess.h"
#include "chat/ServerFrames.h"

namespace chatd::chat {

namespace {

using store::StoreStatus;
namespace err = chat_error;

}  // namespace

void Hub::handle(ChatSession& session, ClientMessage m) {
  switch (m.type) {
    case ClientType::kAuth: break;  // ChatEndpoint's
    // Answers that can be large wait for room in the session's queue.
    case ClientType::kJoinRoom:
      return whenQueueHasRoom(session, m.ref, [this, m](ChatSession& s, std::function<void()> done) {
        joinRoom(s, m.roomId, m.since, m.ref, std::move(done));
      });
    case ClientType::kLeaveRoom: return leaveRoom(session, m);
    case ClientType::kMessage: return sendChatMessage(session, std::move(m));
    case ClientType::kTyping: return typing(session, m);
    case ClientType::kRead: return markRead(session, m);
    case ClientType::kHistory:
      return whenQueueHasRoom(session, m.ref, [this, m](ChatSession& s, std::function<void()> done) {
        history(s, m, std::move(done));
      });
    case ClientType::kEdit: return edit(session, m);
    case ClientType::kDelete: return remove(session, m);
    case ClientType::kReact: return react(session, m);
    case ClientType::kSync: return sync(session, m);
    case ClientType::kPing: {
      ServerMessage pong("pong");
      pong.writer().key("server_time").value(unixMs());
      return send(session, pong.finish(m.ref));
    }
  }
}

void Hub::withReadableRoom(ChatSession& session, int64_t roomId, const std::string& ref,
                           std::function<void(ChatSession&, const store::Room&)> then, std::function<void()> refused) {
  store_.findRoom(roomId, session.user->id, [this, sessionId = session.id, roomId, ref, then = std::move(then),
                                                  refused = std::move(refused)](StoreStatus status, store::Room room) {
    ChatSession* s = findSession(sessionId);
    if (!s) return;
    if (status == StoreStatus::kOk && visibleToUser(room)) return then(*s, room);
    if (status == StoreStatus::kOk || status == StoreStatus::kNotFound) {
      sendError(*s, err::kNotFound, "no such room", ref, roomId);
    } else {
      sendError(*s, err::kUnavailable, "store unavailable", ref, roomId);
    }
    if (refused) refused();
  });
}

// --- join, leave, sync ------------------------------------------------------------

void Hub::joinRoom(ChatSession& session, int64_t roomId, std::optional<int64_t> since, std::string ref,
                   std::function<void()> then) {
  auto joinRoomIn = [this, since, ref, then](ChatSession& s, const store::Room& room) {
    auto enter = [this, sessionId = s.id, since, ref, then](const store::Room& room) {
      ChatSession* s = findSession(sessionId);
      if (!s) return;  // gone: nothing more to do for it
      LiveRoom& live = liveRoom(room.id, room.kind, room.lastSeq);
      if (!s->subscription(room.id)) subscribe(*s, live);
      ServerMessage joined("joined", room.id);
      joined.writer().key("last_seq").value(live.lastSeq);
      send(*s, joined.finish(ref));
      if (since && *since < live.lastSeq) {
        // Resume: everything after `since`, before any new message.
        RoomMember& member = live.members[s->subscription(room.id)->memberIndex];
        const int64_t from = *since + 1;
        if (member.catchUpFrom == 0 || member.catchUpFrom > from) member.catchUpFrom = from;
        catchUp(*s);
      }
      ServerMessage online("online_users", room.id);
      online.writer().key("data").raw(onlineUsersJson(room.id));
      send(*s, online.finish());
      then();
    };
    if (!room.role.empty()) return enter(room);
    // A public room: joining makes the user a member.
    store_.joinRoom(room.id, s.user->id,
                    [this, sessionId = s.id, roomId = room.id, ref, enter, then](StoreStatus status,
                                                                                 const store::Room& joined) {
                      ChatSession* s = findSession(sessionId);
                      if (!s) return;
                      if (status != StoreStatus::kOk) {
                        sendError(*s, status == StoreStatus::kNotFound ? err::kNotFound : err::kUnavailable,
                                  "could not join the room", ref, roomId);
                        return then();
                      }
                      enter(joined);
                    });
  };
  // `then` runs whether or not the join succeeds: sync goes on to the next room.
  withReadableRoom(session, roomId, ref, joinRoomIn, then);
}

void Hub::leaveRoom(ChatSession& session, const ClientMessage& m) {
  for (size_t i = 0; i < session.rooms.size(); ++i) {
    if (session.rooms[i].room->id == m.roomId) {
      unsubscribe(session, i);
      break;
    }
  }
  ServerMessage left("left", m.roomId);
  send(session, left.finish(m.ref));
}

void Hub::sync(ChatSession& session, const ClientMessage& m) {
  auto state = std::make_shared<SyncState>(SyncState{m.syncRooms, 0, m.ref, session.id});
  whenQueueHasRoom(session, m.ref, [this, state](ChatSession&, std::function<void()> done) {
    syncNext(state, std::move(done));
  });
}

// Rooms one after the other, so each room's replay is whole before the next,
// and each waits for room in the queue as a request of its own would.
void Hub::syncNext(const std::shared_ptr<SyncState>& state, std::function<void()> done) {
  ChatSession* s = findSession(state->sessionId);
  if (!s) return;
  if (state->next == state->rooms.size()) {
    ServerMessage synced("synced");
    synced.writer().key("rooms").beginArray();
    for (const auto& [roomId, since] : state->rooms) synced.writer().value(roomId);
    synced.writer().endArray();
    send(*s, synced.finish(state->ref));
    return done();
  }
  const auto [roomId, since] = state->rooms[state->next++];
  joinRoom(*s, roomId, since, {}, [this, state, done] {
    if (ChatSession* s = findSession(state->sessionId)) {
      whenQueueHasRoom(
          *s, state->ref,
          [this, state](ChatSession&, std::function<void()> next) { syncNext(state, std::move(next)); }, true);
    }
    done();
  });
}

// --- messages -------------------------------------------------------------------

void Hub::sendChatMessage(ChatSession& session, ClientMessage m) {
  postMessage(session.user->id, session.user->summaryJson, m.roomId, m.toUserId, std::move(m.content), std::move(m.clientId), session.id,
              [this, sessionId = session.id, ref = m.ref](std::optional<ChatError> error,
                                                          const store::AppendResult& result) {
                ChatSession* s = findSession(sessionId);
                if (!s) return;
                if (error) return sendError(*s, error->code, error->message, ref);
                send(*s, ackMessage(result.message, ref));
              });
}

void Hub::postMessage(int64_t senderId, const std::string& authorJson, int64_t roomId, int64_t toUserId, std::string content,
                      std::string clientId, uint64_t originSessionId, PostDone done) {
  if (content.size() > config_.maxContentBytes) {
    return done(ChatError{err::kTooLarge, "content is over " + std::to_string(config_.maxContentBytes) + " bytes"},
                {});
  }
  auto append = [this, senderId, authorJson, content = std::move(content), clientId = std::move(clientId), originSessionId,
                 done](const store::Room& room, int64_t directPeerId) {
    store_.appendMessage(
        room.id, senderId, content, clientId,
        [this, authorJson, originSessionId, directPeerId, done](StoreStatus status,
                                                                            store::AppendResult result) {
          if (status == StoreStatus::kNotFound) return done(ChatError{err::kNotFound, "no such room"}, result);
          if (status != StoreStatus::kOk) return done(ChatError{err::kUnavailable, "store unavailable, retry"}, result);
          if (!result.duplicate) {
            ++stats_.messagesPosted;
            publish(directPeerId != 0 ? store::RoomEvent::Kind::kDirectMessage : store::RoomEvent::Kind::kMessage,
                    result.message.roomId, originSessionId, result.message.senderId,
                    messageEvent(result.message, authorJson), result.message.seq, directPeerId);
          }
          done(std::nullopt, result);
        });
  };
  if (toUserId != 0) {
    if (toUserId == senderId) return done(ChatError{err::kBadRequest, "to_user_id is yourself"}, {});
    return store_.openDirectRoom(senderId, toUserId,
                                 [append, done, toUserId](StoreStatus status, const store::DirectRoom& direct) {
                                   if (status == StoreStatus::kNotFound) {
                                     return done(ChatError{err::kNotFound, "no such user"}, {});
                                   }
                                   if (status != StoreStatus::kOk) {
                                     return done(ChatError{err::kUnavailable, "store unavailable, retry"}, {});
                                   }
                                   append(direct.room, toUserId);
                                 });
  }
  store_.findRoom(roomId, senderId, [this, senderId, append, done](StoreStatus status, const store::Room& room) {
    if (status == StoreStatus::kNotFound || (status == StoreStatus::kOk && !visibleToUser(room))) {
      return done(ChatError{err::kNotFound, "no such room"}, {});
    }
    if (status != StoreStatus::kOk) return done(ChatError{err::kUnavailable, "store unavailable, retry"}, {});
    if (room.role.empty()) return done(ChatError{err::kNotMember, "not a member of this room: join it first"}, {});
    if (room.kind != "direct") return append(room, 0);
    store_.listMembers(room.id, {}, 2, [senderId, room, append, done](StoreStatus status,
                                                            const std::vector<store::RoomMember>& members) {
      if (status != StoreStatus::kOk) return done(ChatError{err::kUnavailable, "store unavailable, retry"}, {});
      int64_t peer = senderId;
      for (const store::RoomMember& member : members) {
        if (member.user.id != senderId) peer = member.user.id;
      }
      append(room, peer);
    });
  });
}

void Hub::typing(ChatSession& session, const ClientMessage& m) {
  RoomSubscription* sub = session.subscription(m.roomId);
  if (!sub) return sendError(session, err::kNotMember, "join the room first", m.ref);
  ServerMessage event("typing", m.roomId);
  event.writer().key("data").beginObject().key("user").raw(session.user->summaryJson);
  event.writer().key("typing").value(m.typing).endObject();
  publish(store::RoomEvent::Kind::kTyping, m.roomId, session.id, session.user->id, event.finish());
}

void Hub::markRead(ChatSession& session, const ClientMessage& m) {
  const int64_t userId = session.user->id;
  store_.markRead(m.roomId, userId, m.seq,
                  [this, sessionId = session.id, roomId = m.roomId, userId, ref = m.ref](StoreStatus status,
                                                                                      int64_t stored) {
                    ChatSession* s = findSession(sessionId);
                    if (status == StoreStatus::kNotFound) {
                      if (s) sendError(*s, err::kNotMember, "not a member of this room", ref);
                      return;
                    }
                    if (status != StoreStatus::kOk) {
                      if (s) sendError(*s, err::kUnavailable, "store unavailable, retry", ref);
                      return;
                    }
                    auto receipt = [&](std::string_view withRef) {
                      ServerMessage event("read", roomId);
                      event.writer().key("data").beginObject().key("user_id").value(userId);
                      event.writer().key("seq").value(stored).endObject();
                      return event.finish(withRef);
                    };
                    if (s) send(*s, receipt(ref));  // the reader's own reply carries its ref
                    publish(store::RoomEvent::Kind::kRead, roomId, sessionId, userId, receipt({}));
                  });
}

void Hub::history(ChatSession& session, const ClientMessage& m, std::function<void()> then) {
  auto readPage = [this, m, then](ChatSession& s, const store::Room& room) {
    // One more than asked for says whether there is more.
    const int limit = m.limit;
    auto answer = [this, sessionId = s.id, roomId = room.id, limit, older = !m.after, ref = m.ref, then](
                      StoreStatus status, const std::vector<store::Message>& page) {
      ChatSession* s = findSession(sessionId);
      if (!s) return;
      if (status != StoreStatus::kOk) {
        sendError(*s, err::kUnavailable, "store unavailable, retry", ref);
      } else {
        ServerMessage reply("history", roomId);
        writeHistoryPage(reply.writer(), page, limit, older);
        send(*s, reply.finish(ref));
      }
      then();
    };
    if (m.after) return store_.messagesAfter(room.id, *m.after, limit + 1, answer);
    store_.messagesBefore(room.id, m.before.value_or(room.lastSeq + 1), limit + 1, answer);
  };
  withReadableRoom(session, m.roomId, m.ref, readPage, then);
}

}  // namespace chatd::chat
