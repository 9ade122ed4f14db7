// Hub: room events, from the bus to the sessions. Every event that reaches
// sessions other than its origin's comes through onRoomEvent(), whichever
// node produced it: the payload is serialized once by the producer, and the
// frame built here once per event, shared by every recipient.
#include "chat/ChatFrames.h"
#include "chat/Hub.h"
#include "chat/ServerFrames.h"

namespace chatd::chat {

using store::RoomEvent;

void Hub::publish(RoomEvent::Kind kind, int64_t roomId, uint64_t originSessionId, int64_t userId,
                  std::string payload, int64_t seq, int64_t peerId) {
  bus_.publish(RoomEvent{kind, roomId, seq, bus_.nodeId(), originSessionId, userId, peerId, std::move(payload)});
}

void Hub::onRoomEvent(const RoomEvent& event) {
  switch (event.kind) {
    case RoomEvent::Kind::kMessage:
    case RoomEvent::Kind::kDirectMessage: return deliverMessage(event);
    case RoomEvent::Kind::kMessageChanged: return deliverChange(event);
    case RoomEvent::Kind::kTyping: return deliverEphemeral(event, EphemeralKind::kTyping, true);
    case RoomEvent::Kind::kRead: return deliverEphemeral(event, EphemeralKind::kRead, false);
    case RoomEvent::Kind::kPresence: {
      if (LiveRoom* room = findLiveRoom(event.roomId)) {
        batchPresence(*room, event.userId, makeServerFrame(proto::WsOpcode::kText, event.payload));
      }
      return;
    }
    case RoomEvent::Kind::kMembershipEnded: return endMembership(event);
    case RoomEvent::Kind::kTokenRevoked: return closeSessionsWithTokenKey(event.payload);
  }
}

void Hub::membershipEnded(int64_t roomId, int64_t userId) {
  ServerMessage left("left", roomId);
  left.writer().key("reason").value(userId == 0 ? "room_deleted" : "membership_ended");
  publish(RoomEvent::Kind::kMembershipEnded, roomId, 0, userId, left.finish());
}

void Hub::endMembership(const RoomEvent& event) {
  LiveRoom* room = findLiveRoom(event.roomId);
  if (!room) return;
  std::vector<ChatSession*> leaving;
  for (const RoomMember& member : room->members) {
    if (event.userId == 0 || member.session->user->id == event.userId) leaving.push_back(member.session);
  }
  // The last one out drops the room: nothing of `room` is used after the loop.
  for (ChatSession* session : leaving) {
    for (size_t i = 0; i < session->rooms.size(); ++i) {
      if (session->rooms[i].room->id != event.roomId) continue;
      unsubscribe(*session, i);
      send(*session, event.payload);
      break;
    }
  }
}

void Hub::closeSessionsWithToken(const std::string& revocationKey) {
  publish(RoomEvent::Kind::kTokenRevoked, 0, 0, 0, revocationKey);
}

void Hub::closeSessionsWithTokenKey(const std::string& revocationKey) {
  const uint64_t key = TokenService::shortKey(revocationKey);
  for (ChatSession* session : sessionSlots_) {
    if (session && session->authenticated() && session->tokenKey == key) {
      session->ws.close(chat_close::kUnauthorized, "logged out");
    }
  }
}

}  // namespace chatd::chat
