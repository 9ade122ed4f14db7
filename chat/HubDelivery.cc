// Hub: getting messages and events to sessions. Stored messages go through
// each member's catch-up state, never dropped; ephemeral events through the
// conflation lane, dropped first. See Hub.h.
#include "chat/ChatFrames.h"
#include "chat/Hub.h"
#include "reactor/Log.h"
#include "server/ServerFrames.h"

namespace chatd::chat {

namespace {

using reactor::OutputQueue;

// Messages per store read when replaying.
constexpr int kReplayPage = 100;
// Ephemeral events held for one congested session, at most.
constexpr size_t kMaxConflated = 64;

}  // namespace

uint64_t ephemeralKey(EphemeralKind kind, int64_t roomId, int64_t userId) {
  // Ids past 2^31 may share a key with another; the cost is one conflated event.
  return (static_cast<uint64_t>(roomId) << 33) ^ (static_cast<uint64_t>(userId) << 2) ^ static_cast<uint64_t>(kind);
}

bool Hub::congested(const ChatSession& session) const { return session.ws.queuedBytes() >= config_.maxQueueBytes; }

void Hub::noteRefused(ChatSession& session) {
  if (session.stalledSinceMs != 0) return;
  session.stalledSinceMs = loop_.nowMs();
  session.stalledAckedBytes = session.ws.bytesAcked();
}

void Hub::deliver(const store::Message& message, store::RoomKind roomKind, const std::string& authorJson,
                  uint64_t originSessionId, int64_t directPeerId) {
  longPolls_.notify(message.roomId, message.seq);
  // Nobody has to join a direct chat to hear from it: every session of both
  // users joins it here, just before its message goes out.
  LiveRoom* room = directPeerId != 0 ? subscribeDirectMembers(message, roomKind, directPeerId)
                                     : findLiveRoom(message.roomId);
  if (!room || message.seq <= room->lastSeq) return;
  const reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, messageEvent(message, authorJson));
  room->lastSeq = message.seq;
  room->recent.push(message.seq, frame);
  for (RoomMember& member : room->members) {
    ChatSession& session = *member.session;
    if (member.catchUpFrom != 0 || session.id == originSessionId) continue;
    if (session.ws.sendShared(frame) == OutputQueue::PushResult::kRefused) {
      // Never dropped: this room is replayed to it from here once it drains.
      member.catchUpFrom = message.seq;
      ++stats_.catchUps;
      noteRefused(session);
    } else {
      ++stats_.deliveries;
    }
  }
}

LiveRoom* Hub::subscribeDirectMembers(const store::Message& message, store::RoomKind roomKind, int64_t peerId) {
  LiveRoom* room = findLiveRoom(message.roomId);
  for (const int64_t userId : {message.senderId, peerId}) {
    const auto online = users_.find(userId);
    if (online == users_.end()) continue;
    for (ChatSession* session = online->second.sessions; session; session = session->nextOfUser) {
      // A live room without sessions would never be dropped: made only here.
      if (!room) room = &liveRoom(message.roomId, roomKind, message.seq - 1);
      if (session->subscription(room->id)) continue;
      subscribe(*session, *room);
      ServerMessage joined("joined", room->id);
      joined.writer().key("last_seq").value(room->lastSeq);
      send(*session, joined.finish());
    }
  }
  return room;
}

// --- Catch-up --------------------------------------------------------------------

void Hub::drained(ChatSession& session) {
  session.stalledSinceMs = 0;
  flushConflated(session);
  sendMissedChanges(session);
  // The session's own requests before catch-up: they are few (bounded), and
  // a room busier than the reader would otherwise keep them waiting forever.
  runWaitingRequests(session);
  catchUp(session);
}

void Hub::catchUp(ChatSession& session) {
  if (session.catchingUp) {
    // A store read answered inside the loop below: it goes round once more.
    session.catchUpAgain = true;
    return;
  }
  session.catchingUp = true;
  do {
    session.catchUpAgain = false;
    for (size_t i = 0; i < session.rooms.size() && !congested(session); ++i) {
      LiveRoom& room = *session.rooms[i].room;
      RoomMember& member = room.members[session.rooms[i].memberIndex];
      while (member.catchUpFrom != 0 && replayStep(session, room, member)) {
      }
    }
  } while (session.catchUpAgain && !congested(session));
  session.catchingUp = false;
}

bool Hub::replayStep(ChatSession& session, LiveRoom& room, RoomMember& member) {
  if (member.catchUpFrom > room.lastSeq) {
    member.catchUpFrom = 0;  // caught up: live from here
    return false;
  }
  if (room.recent.covers(member.catchUpFrom)) {
    for (int64_t seq = member.catchUpFrom; seq <= room.lastSeq; ++seq) {
      if (!replayWaiters_.empty()) settleReplayWaiters(session.id, room.id, seq);
      if (session.ws.sendShared(room.recent.frame(seq)) == OutputQueue::PushResult::kRefused) {
        member.catchUpFrom = seq;
        noteRefused(session);
        return false;
      }
      ++stats_.replayed;
    }
    member.catchUpFrom = 0;
    return false;
  }
  if (session.fetching) return false;
  session.fetching = true;
  const int64_t from = member.catchUpFrom;
  store_.messagesAfter(room.id, from - 1, kReplayPage,
                       [this, sessionId = session.id, roomId = room.id, from](store::StoreStatus status,
                                                                            std::vector<store::Message> page) {
                         replayPage(sessionId, roomId, from, status, std::move(page));
                         settleReplayWaiters(sessionId, 0, 0, status != store::StoreStatus::kOk);
                       });
  return false;
}

bool Hub::replayWaits(ChatSession* session, const ReplayWaiter& waiter, int64_t nextSeq) const {
  if (!session || congested(*session)) return false;
  const RoomSubscription* sub = session->subscription(waiter.roomId);
  if (!sub) return false;
  const int64_t from = sub->room->members[sub->memberIndex].catchUpFrom;
  return from != 0 && from <= waiter.lastSeq && nextSeq <= waiter.lastSeq;
}

void Hub::awaitReplay(ChatSession& session, ReplayWaiter waiter) {
  replayWaiters_[session.id].push_back(std::move(waiter));
}

void Hub::settleReplayWaiters(uint64_t sessionId, int64_t roomId, int64_t nextSeq, bool failed) {
  const auto found = replayWaiters_.find(sessionId);
  if (found == replayWaiters_.end()) return;
  ChatSession* session = findSession(sessionId);
  std::vector<ReplayWaiter>& waiters = found->second;
  std::vector<std::function<void()>> settled;
  for (size_t i = 0; i < waiters.size();) {
    const bool thisRoom = roomId == 0 || waiters[i].roomId == roomId;
    if (failed || !replayWaits(session, waiters[i], thisRoom ? nextSeq : 0)) {
      settled.push_back(std::move(waiters[i].finish));
      waiters.erase(waiters.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  if (waiters.empty()) replayWaiters_.erase(found);
  for (auto& finish : settled) finish();  // may join a sync's next room: new waiters
}

void Hub::replayPage(uint64_t sessionId, int64_t roomId, int64_t from, store::StoreStatus status,
                     std::vector<store::Message> page) {
  ChatSession* session = findSession(sessionId);
  if (!session) return;
  session->fetching = false;
  RoomSubscription* sub = session->subscription(roomId);
  if (!sub) return;
  LiveRoom& room = *sub->room;
  RoomMember& member = room.members[sub->memberIndex];
  if (member.catchUpFrom != from) return catchUp(*session);
  if (status != store::StoreStatus::kOk) {
    // Tried again at the next drain or sweep; the seq is remembered.
    LOG_WARN("replay of room %lld for session %llu failed; will retry", static_cast<long long>(roomId),
             static_cast<unsigned long long>(sessionId));
    return;
  }
  for (const store::Message& message : page) {
    if (!replayWaiters_.empty()) settleReplayWaiters(sessionId, roomId, message.seq);
    const reactor::BlockRef frame = server::makeServerFrame(
        proto::WsOpcode::kText,
        messageEvent(message, userSummaryJson(message.senderId, message.senderUsername, message.senderNickname)));
    if (session->ws.sendShared(frame) == OutputQueue::PushResult::kRefused) {
      member.catchUpFrom = message.seq;
      noteRefused(*session);
      return;
    }
    ++stats_.replayed;
    member.catchUpFrom = message.seq + 1;
  }
  // Seqs are dense and deleted messages keep theirs: an empty page means the
  // room itself is gone, and there is nothing left to replay.
  if (page.empty()) member.catchUpFrom = 0;
  catchUp(*session);
}

// --- The ephemeral lane ----------------------------------------------------------

void Hub::sendEphemeral(ChatSession& session, uint64_t key, const reactor::BlockRef& frame) {
  if (session.conflated.empty() && session.ws.queuedBytes() < config_.maxQueueBytes / 2) {
    if (session.ws.sendShared(frame) != OutputQueue::PushResult::kRefused) return;
  }
  // Congested: hold the newest event per key until the queue drains.
  session.ws.notifyWhenDrained();
  for (ConflatedEvent& held : session.conflated) {
    if (held.key == key) {
      held.frame = frame;
      ++stats_.ephemeralConflated;
      return;
    }
  }
  if (session.conflated.size() >= kMaxConflated) {
    session.conflated.erase(session.conflated.begin());
    ++stats_.ephemeralDropped;
  }
  session.conflated.push_back(ConflatedEvent{key, frame});
}

void Hub::flushConflated(ChatSession& session) {
  size_t sent = 0;
  while (sent < session.conflated.size() &&
         session.ws.sendShared(session.conflated[sent].frame) != OutputQueue::PushResult::kRefused) {
    ++sent;
  }
  session.conflated.erase(session.conflated.begin(), session.conflated.begin() + static_cast<std::ptrdiff_t>(sent));
}

void Hub::announcePresence(LiveRoom& room, const OnlineUser& user, bool joined) {
  ServerMessage event(joined ? "user_joined" : "user_left", room.id);
  event.writer().key("data").beginObject().key("user").raw(user.summaryJson).endObject();
  reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, event.finish());
  if (room.pendingPresence.empty()) {
    const uint64_t now = loop_.nowMs();
    if (now - room.presenceWindowStartMs >= kPresenceBatchMs) {
      room.presenceWindowStartMs = now;
      room.presenceInWindow = 0;
    }
    if (room.presenceInWindow < kPresenceImmediate) {
      ++room.presenceInWindow;
      return sendPresence(room, user.id, frame);
    }
    presenceDue_.push_back(room.id);
    if (!presenceTimer_.scheduled()) loop_.scheduleTimer(presenceTimer_, kPresenceBatchMs);
  }
  room.pendingPresence.push_back(LiveRoom::PendingPresence{user.id, std::move(frame)});
}

void Hub::flushPresence() {
  const std::vector<int64_t> due = std::move(presenceDue_);
  presenceDue_.clear();
  for (const int64_t roomId : due) {
    LiveRoom* room = findLiveRoom(roomId);  // a room emptied meanwhile has nobody to tell
    if (!room) continue;
    const std::vector<LiveRoom::PendingPresence> pending = std::move(room->pendingPresence);
    room->pendingPresence.clear();
    // Still busy: the next window batches too, unless it stays quiet.
    room->presenceWindowStartMs = loop_.nowMs();
    room->presenceInWindow = kPresenceImmediate;
    for (const LiveRoom::PendingPresence& event : pending) sendPresence(*room, event.userId, event.frame);
  }
}

void Hub::sendPresence(LiveRoom& room, int64_t userId, const reactor::BlockRef& frame) {
  const uint64_t key = ephemeralKey(EphemeralKind::kPresence, room.id, userId);
  for (RoomMember& member : room.members) {
    if (member.session->user->id != userId) sendEphemeral(*member.session, key, frame);
  }
}

}  // namespace chatd::chat
