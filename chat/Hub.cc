#include "chat/Hub.h"

#include "chat/ChatFrames.h"
#include "reactor/Log.h"

namespace chatd::chat {

namespace {

constexpr uint64_t kSweepIntervalMs = 1000;

using store::RoomEvent;

}  // namespace

Hub::Hub(reactor::EventLoop& loop, store::Store& store, RoomService& roomService, store::Bus& bus,
         store::PresenceBoard& board, const ChatOptions& config)
    : loop_(loop),
      store_(store),
      bus_(bus),
      board_(board),
      config_(config),
      longPolls_(loop),
      sessions_(loop, store, bus_, board_, config, stats_),
      webhooks_(store, board_, rooms_),
      announcer_(bus_, store, sessions_, webhooks_),
      backlogs_(sessions_, config),
      rooms_(bus_, board_, backlogs_),
      roster_(board_, store, sessions_, rooms_),
      delivery_(loop, bus.nodeId(), store, config, sessions_, rooms_, backlogs_, longPolls_, stats_),
      presence_(loop, rooms_, delivery_),
      lookups_(store, roomService, sessions_, rooms_),
      changes_(store, bus_, config, sessions_, lookups_),
      calls_(loop, bus_, sessions_, lookups_, config),
      commands_({store, roomService, bus_, config, sessions_, rooms_, roster_, lookups_, delivery_, backlogs_, changes_,
                 stats_, webhooks_, calls_}) {
  calls_.setLogPoster([this](PostRequest log) {
    commands_.postMessage(std::move(log), [](std::optional<ChatError> error, const store::AppendResult&) {
      if (error) LOG_WARN("a call's log message was not stored: %s", error->message.c_str());
    });
  });
  bus_.subscribe([this](const RoomEvent& event) { onRoomEvent(event); });
  bus_.onMissed([this](int64_t roomId) { roomId == 0 ? healRooms() : healRoom(roomId); });
  board_.setListener(&announcer_);
  loop_.scheduleTimer(sweepTimer_, kSweepIntervalMs);
}

void Hub::closeSession(ChatSession& session) {
  while (!session.rooms.empty()) rooms_.unsubscribe(session, session.rooms.size() - 1);
  backlogs_.forget(session);
  calls_.sessionClosed(session);
  sessions_.close(session);
}

void Hub::drained(ChatSession& session) {
  session.stalledSinceMs = 0;
  delivery_.flushConflated(session);
  backlogs_.sendMissedChanges(session);
  // The session's own requests before catch-up: they are few (bounded), and
  // a room busier than the reader would otherwise keep them waiting forever.
  backlogs_.runWaitingRequests(session);
  delivery_.catchUp(session);
}

void Hub::membershipEnded(int64_t roomId, int64_t userId) {
  ServerMessage left("left", roomId);
  left.writer().key("reason").value(userId == 0 ? "room_deleted" : "membership_ended");
  bus_.publish(RoomEvent{
      .kind = RoomEvent::Kind::kMembershipEnded, .roomId = roomId, .userId = userId, .payload = left.finish()});
}

void Hub::closeSessionsWithToken(const std::string& revocationKey) {
  bus_.publish(RoomEvent{.kind = RoomEvent::Kind::kTokenRevoked, .payload = revocationKey});
}

void Hub::closeUserSessions(int64_t userId, uint16_t code, std::string_view reason) {
  bus_.publish(RoomEvent{.kind = RoomEvent::Kind::kUserClosed,
                         .seq = code,
                         .userId = userId,
                         .payload = std::string(reason)});
}

void Hub::onRoomEvent(const RoomEvent& event) {
  switch (event.kind) {
    case RoomEvent::Kind::kMessage:
    case RoomEvent::Kind::kDirectMessage: return delivery_.deliverMessage(event);
    case RoomEvent::Kind::kMessageChanged: return delivery_.deliverChange(event);
    case RoomEvent::Kind::kTyping: return delivery_.deliverEphemeral(event, EphemeralKind::kTyping, true);
    case RoomEvent::Kind::kRead: return delivery_.deliverEphemeral(event, EphemeralKind::kRead, false);
    case RoomEvent::Kind::kReceived: return delivery_.deliverEphemeral(event, EphemeralKind::kReceived, false);
    case RoomEvent::Kind::kPresence: return presence_.deliver(event);
    case RoomEvent::Kind::kMembershipEnded: return rooms_.endMembership(event.roomId, event.userId, event.payload);
    case RoomEvent::Kind::kTokenRevoked: return sessions_.closeWithToken(event.payload);
    case RoomEvent::Kind::kUserClosed:
      return sessions_.closeUser(event.userId, static_cast<uint16_t>(event.seq), event.payload);
    case RoomEvent::Kind::kCallSignal:
    case RoomEvent::Kind::kCallOthers: return calls_.deliver(event);
  }
}

void Hub::healRooms() {
  for (const int64_t roomId : rooms_.ids()) healRoom(roomId);
}

void Hub::healRoom(int64_t roomId) {
  store_.findRoom(roomId, 0, [this, roomId](store::StoreStatus status, const store::Room& room) {
    // Not now: the room's next message finds the gap all the same.
    if (status == store::StoreStatus::kOk) delivery_.heal(roomId, room.lastSeq);
  });
}

void Hub::handleTimer(reactor::Timer&) {
  sessions_.sweep();
  loop_.scheduleTimer(sweepTimer_, kSweepIntervalMs);
}

}  // namespace chatd::chat
