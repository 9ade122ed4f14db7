// Hub: changes to stored messages (edit, delete, react) and how the room
// hears of them. Each change is checked against the message's author and the
// user's role, made durable, then relayed to every session in the room.
#include "chat/ChatFrames.h"
#include "chat/Hub.h"
#include "chat/RoomAccess.h"
#include "chat/ServerFrames.h"

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

}  // namespace

// Finds the message, as the session's user sees the room, and runs `change`
// with both when `allowed` says so.
void Hub::withMessage(ChatSession& session, const ClientMessage& m,
                      std::function<bool(const store::Room&, const store::Message&)> allowed,
                      std::function<void(ChatSession&, const store::Message&)> change) {
  withReadableRoom(session, m.roomId, m.ref, [this, m, allowed, change](ChatSession& s, const store::Room& room) {
    if (room.role.empty()) return sendError(s, err::kNotMember, "not a member of this room", m.ref);
    store_.findMessage(room.id, m.messageId, [this, sessionId = s.id, room, m, allowed, change](
                                                 StoreStatus status, const store::Message& message) {
      ChatSession* s = findSession(sessionId);
      if (!s) return;
      if (status != StoreStatus::kOk || message.deleted) {
        const ChatError error = changeFailed(status == StoreStatus::kOk ? StoreStatus::kNotFound : status);
        return sendError(*s, error.code, error.message, m.ref);
      }
      if (!allowed(room, message)) return sendError(*s, err::kForbidden, "not allowed on this message", m.ref);
      change(*s, message);
    });
  });
}

void Hub::edit(ChatSession& session, const ClientMessage& m) {
  if (m.content.size() > config_.maxContentBytes) {
    return sendError(session, err::kTooLarge, "content is over " + std::to_string(config_.maxContentBytes) + " bytes",
                     m.ref);
  }
  const int64_t userId = session.user->id;
  withMessage(
      session, m, [userId](const store::Room&, const store::Message& message) { return message.senderId == userId; },
      [this, m](ChatSession& s, const store::Message&) {
        store_.editMessage(m.roomId, m.messageId, m.content,
                           [this, sessionId = s.id, m](StoreStatus status, const store::Message& edited) {
                             if (status != StoreStatus::kOk) return answerChangeFailure(sessionId, status, m.ref);
                             ServerMessage event("message_edited", m.roomId);
                             event.writer().key("data").beginObject().key("id").value(edited.id);
                             event.writer().key("seq").value(edited.seq).key("content").value(edited.content);
                             event.writer().key("edited_at").value(edited.editedAt).endObject();
                             relayChange(sessionId, m.roomId, edited.seq, std::move(event), m.ref);
                           });
      });
}

void Hub::remove(ChatSession& session, const ClientMessage& m) {
  const int64_t userId = session.user->id;
  withMessage(
      session, m,
      [userId](const store::Room& room, const store::Message& message) {
        return message.senderId == userId || canModerate(room.role);
      },
      [this, m](ChatSession& s, const store::Message&) {
        store_.deleteMessage(m.roomId, m.messageId,
                             [this, sessionId = s.id, m](StoreStatus status, const store::Message& deleted) {
                               if (status != StoreStatus::kOk) return answerChangeFailure(sessionId, status, m.ref);
                               ServerMessage event("message_deleted", m.roomId);
                               event.writer().key("data").beginObject().key("id").value(deleted.id);
                               event.writer().key("seq").value(deleted.seq).endObject();
                               relayChange(sessionId, m.roomId, deleted.seq, std::move(event), m.ref);
                             });
      });
}

void Hub::react(ChatSession& session, const ClientMessage& m) {
  const int64_t userId = session.user->id;
  withMessage(
      session, m, [](const store::Room&, const store::Message&) { return true; },
      [this, m, userId](ChatSession& s, const store::Message&) {
        store_.toggleReaction(
            m.roomId, m.messageId, userId, m.emoji, config_.maxReactionsPerMessage,
            [this, sessionId = s.id, m, userId](StoreStatus status, const store::ReactionChange& change) {
              if (status != StoreStatus::kOk) return answerChangeFailure(sessionId, status, m.ref);
              ServerMessage event(change.added ? "reaction_added" : "reaction_removed", m.roomId);
              event.writer().key("data").beginObject().key("id").value(change.message.id);
              event.writer().key("seq").value(change.message.seq).key("user_id").value(userId);
              event.writer().key("emoji").value(m.emoji).key("count").value(change.count).endObject();
              relayChange(sessionId, m.roomId, change.message.seq, std::move(event), m.ref);
            });
      });
}

void Hub::answerChangeFailure(uint64_t sessionId, StoreStatus status, const std::string& ref) {
  ChatSession* s = findSession(sessionId);
  if (!s) return;
  const ChatError error = changeFailed(status);
  sendError(*s, error.code, error.message, ref);
}

void Hub::relayChange(uint64_t originSessionId, int64_t roomId, int64_t changedSeq, ServerMessage event,
                      const std::string& ref) {
  if (ChatSession* origin = findSession(originSessionId)) {
    ServerMessage reply = event;  // the requester's copy carries its ref
    send(*origin, reply.finish(ref));
  }
  publish(store::RoomEvent::Kind::kMessageChanged, roomId, originSessionId, 0, event.finish(), changedSeq);
}

}  // namespace chatd::chat
