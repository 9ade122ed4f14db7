#include "chat/Presence.h"

#include "chat/ChatFrames.h"
#include "reactor/WallClock.h"
#include "server/ServerFrames.h"

namespace chatd::chat {

store::RoomEvent presenceEvent(int64_t roomId, int64_t userId, std::string_view summaryJson, bool joined) {
  ServerMessage event(joined ? "user_joined" : "user_left", roomId);
  event.writer().key("data").beginObject().key("user").raw(summaryJson);
  if (!joined) event.writer().key("last_seen_at").value(reactor::unixMs());  // in the room, by the server's clock
  event.writer().endObject();
  return store::RoomEvent{
      .kind = store::RoomEvent::Kind::kPresence, .roomId = roomId, .userId = userId, .payload = event.finish()};
}

void Presence::deliver(const store::RoomEvent& event) {
  LiveRoom* room = rooms_.find(event.roomId);
  if (!room) return;
  reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, event.payload);
  if (room->pendingPresence.empty()) {
    const uint64_t now = loop_.nowMs();
    if (now - room->presenceWindowStartMs >= kBatchMs) {
      room->presenceWindowStartMs = now;
      room->presenceInWindow = 0;
    }
    if (room->presenceInWindow < kImmediate) {
      ++room->presenceInWindow;
      return send(*room, event.userId, frame);
    }
    due_.push_back(room->id);
    if (!timer_.scheduled()) loop_.scheduleTimer(timer_, kBatchMs);
  }
  room->pendingPresence.push_back(LiveRoom::PendingPresence{event.userId, std::move(frame)});
}

void Presence::handleTimer(reactor::Timer&) {
  const std::vector<int64_t> due = std::move(due_);
  due_.clear();
  for (const int64_t roomId : due) {
    LiveRoom* room = rooms_.find(roomId);  // a room emptied meanwhile has nobody to tell
    if (!room) continue;
    const std::vector<LiveRoom::PendingPresence> pending = std::move(room->pendingPresence);
    room->pendingPresence.clear();
    // Still busy: the next window batches too, unless it stays quiet.
    room->presenceWindowStartMs = loop_.nowMs();
    room->presenceInWindow = kImmediate;
    for (const LiveRoom::PendingPresence& event : pending) send(*room, event.userId, event.frame);
  }
}

void Presence::send(LiveRoom& room, int64_t userId, const reactor::BlockRef& frame) {
  const uint64_t key = ephemeralKey(EphemeralKind::kPresence, room.id, userId);
  for (RoomMember& member : room.members) {
    if (member.session->user->id != userId) delivery_.sendEphemeral(*member.session, key, frame);
  }
}

}  // namespace chatd::chat
