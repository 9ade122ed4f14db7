#include "chat/MessageChanges.h"

#include "chat/ChatFrames.h"
#include "chat/RoomService.h"

namespace chatd::chat {

namespace {

using store::StoreStatus;
namespace err = chat_error;

// What a failed change answers.
ChatError changeFailed(StoreStatus status) {
  if (status == StoreStatus::kNotFound) return ChatError{err::kNotFound, "no such message"};
  if (status == StoreStatus::kOverQuota) {
    return ChatError{err::kTooManyReactions, "no more distinct reactions of yours on this message"};
  }
  return ChatError{err::kUnavailable, "store unavailable, retry"};
}

// The events a room hears of a change (docs/protocol.md).
ServerMessage editedEvent(int64_t roomId, const store::Message& edited) {
  ServerMessage event("message_edited", roomId);
  event.writer().key("data").beginObject().key("id").value(edited.id);
  event.writer().key("seq").value(edited.seq).key("content").value(edited.content);
  event.writer().key("edited_at").value(edited.editedAt).endObject();
  return event;
}

ServerMessage deletedEvent(int64_t roomId, const store::Message& deleted) {
  ServerMessage event("message_deleted", roomId);
  event.writer().key("data").beginObject().key("id").value(deleted.id);
  event.writer().key("seq").value(deleted.seq).endObject();
  return event;
}

ServerMessage reactionEvent(int64_t roomId, int64_t userId, std::string_view emoji,
                            const store::ReactionChange& change) {
  ServerMessage event(change.added ? "reaction_added" : "reaction_removed", roomId);
  event.writer().key("data").beginObject().key("id").value(change.message.id);
  event.writer().key("seq").value(change.message.seq).key("user_id").value(userId);
  event.writer().key("emoji").value(emoji).key("count").value(change.count).endObject();
  return event;
}

}  // namespace

void MessageChanges::withMessage(ChatSession& session, const ClientMessage& m,
                                 std::function<bool(const store::Room&, const store::Message&)> allowed,
                                 std::function<void(ChatSession&, const store::Message&)> change) {
  lookups_.withReadableRoom(
      session, m.roomId, m.ref, [this, m, allowed, change](ChatSession& s, const store::Room& room) {
        if (room.role == store::MemberRole::kNone)
          return s.sendError(err::kNotMember, "not a member of this room", m.ref);
        store_.findMessage(
            room.id, m.messageId,
            [this, sessionId = s.id, room, m, allowed, change](StoreStatus status, const store::Message& message) {
              ChatSession* s = sessions_.find(sessionId);
              if (!s) return;
              if (status != StoreStatus::kOk || message.deleted) {
                const ChatError error = changeFailed(status == StoreStatus::kOk ? StoreStatus::kNotFound : status);
                return s->sendError(error.code, error.message, m.ref);
              }
              if (!allowed(room, message)) return s->sendError(err::kForbidden, "not allowed on this message", m.ref);
              change(*s, message);
            });
      });
}

void MessageChanges::edit(ChatSession& session, const ClientMessage& m) {
  if (m.content.size() > config_.maxContentBytes) {
    return session.sendError(err::kTooLarge, "content is over " + std::to_string(config_.maxContentBytes) + " bytes",
                             m.ref);
  }
  const int64_t userId = session.user->id;
  withMessage(
      // A call's log says what the server saw: nobody rewrites it.
      session, m,
      [userId](const store::Room&, const store::Message& message) {
        return message.senderId == userId && message.kind != "call";
      },
      [this, m](ChatSession& s, const store::Message&) {
        store_.editMessage(m.roomId, m.messageId, m.content,
                           [this, sessionId = s.id, m](StoreStatus status, const store::Message& edited) {
                             if (status != StoreStatus::kOk) return answerFailure(sessionId, status, m.ref);
                             relay(sessionId, m.roomId, edited.seq, editedEvent(m.roomId, edited), m.ref);
                           });
      });
}

void MessageChanges::remove(ChatSession& session, const ClientMessage& m) {
  const int64_t userId = session.user->id;
  withMessage(
      session, m,
      [userId](const store::Room& room, const store::Message& message) {
        return message.senderId == userId || canModerate(room.role);
      },
      [this, m](ChatSession& s, const store::Message&) {
        store_.deleteMessage(m.roomId, m.messageId,
                             [this, sessionId = s.id, m](StoreStatus status, const store::Message& deleted) {
                               if (status != StoreStatus::kOk) return answerFailure(sessionId, status, m.ref);
                               relay(sessionId, m.roomId, deleted.seq, deletedEvent(m.roomId, deleted), m.ref);
                             });
      });
}

void MessageChanges::react(ChatSession& session, const ClientMessage& m) {
  const int64_t userId = session.user->id;
  withMessage(
      session, m, [](const store::Room&, const store::Message&) { return true; },
      [this, m, userId](ChatSession& s, const store::Message&) {
        store_.toggleReaction(
            m.roomId, m.messageId, userId, m.emoji, config_.maxReactionsPerMessage,
            [this, sessionId = s.id, m, userId](StoreStatus status, const store::ReactionChange& change) {
              if (status != StoreStatus::kOk) return answerFailure(sessionId, status, m.ref);
              relay(sessionId, m.roomId, change.message.seq, reactionEvent(m.roomId, userId, m.emoji, change), m.ref);
            });
      });
}

void MessageChanges::answerFailure(uint64_t sessionId, StoreStatus status, const std::string& ref) {
  ChatSession* s = sessions_.find(sessionId);
  if (!s) return;
  const ChatError error = changeFailed(status);
  s->sendError(error.code, error.message, ref);
}

void MessageChanges::relay(uint64_t originSessionId, int64_t roomId, int64_t changedSeq, ServerMessage event,
                           const std::string& ref) {
  if (ChatSession* origin = sessions_.find(originSessionId)) {
    ServerMessage reply = event;  // the requester's copy carries its ref
    origin->send(reply.finish(ref));
  }
  bus_.publish(store::RoomEvent{.kind = store::RoomEvent::Kind::kMessageChanged,
                                .roomId = roomId,
                                .seq = changedSeq,
                                .originSession = originSessionId,
                                .payload = event.finish()});
}

}  // namespace chatd::chat
