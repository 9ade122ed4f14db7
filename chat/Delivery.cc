#include "chat/Delivery.h"

#include <iterator>

#include "chat/ChatFrames.h"
#include "chat/ReceiptCounts.h"
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

void Delivery::deliverMessage(const store::RoomEvent& event) {
  longPolls_.notify(event.roomId, event.seq);
  // Nobody has to join a direct chat to hear from it: every session of both
  // users joins it here, just before its message goes out.
  LiveRoom* room =
      event.kind == store::RoomEvent::Kind::kDirectMessage ? subscribeDirectMembers(event) : rooms_.find(event.roomId);
  // A seq delivered already (a late or repeated event) is not sent twice.
  if (!room || event.seq <= room->lastSeq) return;
  if (event.seq > room->lastSeq + 1 && holdForGap(*room, event)) return;
  fanOut(*room, event);
  if (room->held) sendHeld(room->id, false);
}

bool Delivery::holdForGap(LiveRoom& room, const store::RoomEvent& event) {
  if (!room.held) {
    room.held = std::make_unique<HeldMessages>(*this, room.id);
    loop_.scheduleTimer(room.held->expiry, kGapWaitMs);
  } else if (room.held->bySeq.size() >= kMaxHeld) {
    sendHeld(room.id, true);
    return false;
  }
  room.held->bySeq.emplace(event.seq, event);
  return true;
}

void Delivery::sendHeld(int64_t roomId, bool all) {
  for (LiveRoom* room = rooms_.find(roomId); room && room->held; room = rooms_.find(roomId)) {
    auto& bySeq = room->held->bySeq;
    if (bySeq.empty() || (!all && bySeq.begin()->first > room->lastSeq + 1)) break;
    const store::RoomEvent event = std::move(bySeq.begin()->second);
    bySeq.erase(bySeq.begin());
    if (event.seq > room->lastSeq) fanOut(*room, event);
  }
  LiveRoom* room = rooms_.find(roomId);
  if (room && room->held && room->held->bySeq.empty()) room->held.reset();
}

void HeldMessages::handleTimer(reactor::Timer&) { delivery_.sendHeld(roomId_, true); }

void Delivery::fanOut(LiveRoom& room, const store::RoomEvent& event) {
  const reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, event.payload);
  // A seq past the next one: the events between are late or lost (a
  // distributed log). No gap is skipped: the live members catch up on them
  // from the store, and get this one and what follows in order after them
  // (the origin session too, which sees its own message in that replay, as
  // in a resume).
  const int64_t firstMissing = event.seq > room.lastSeq + 1 ? room.lastSeq + 1 : 0;
  if (firstMissing != 0) markBehind(room, firstMissing);
  room.lastSeq = event.seq;
  room.recent.push(event.seq, frame);
  const uint64_t origin = originHere(event);
  for (RoomMember& member : room.members) {
    ChatSession& session = *member.session;
    if (member.catchUpFrom != 0 || session.id == origin) continue;
    if (session.sendShared(frame) == OutputQueue::PushResult::kRefused) {
      // Never dropped: this room is replayed to it from here once it drains.
      member.catchUpFrom = event.seq;
      ++stats_.catchUps;
      sessions_.noteRefused(session);
    } else {
      ++stats_.deliveries;
    }
  }
  if (firstMissing != 0) catchUpRoom(event.roomId);
}

void Delivery::markBehind(LiveRoom& room, int64_t firstMissing) {
  for (RoomMember& member : room.members) {
    if (member.catchUpFrom != 0) continue;
    member.catchUpFrom = firstMissing;
    ++stats_.catchUps;
  }
}

void Delivery::heal(int64_t roomId, int64_t lastSeq) {
  LiveRoom* room = rooms_.find(roomId);
  if (!room || lastSeq <= room->lastSeq) return;
  markBehind(*room, room->lastSeq + 1);
  // The recent ring ends before the gap: the replay reads the store.
  room->recent.invalidateThrough(room->lastSeq);
  room->lastSeq = lastSeq;
  catchUpRoom(roomId);
}

void Delivery::catchUpRoom(int64_t roomId) {
  // By id: a catch-up answered at once may not drop the room, but the
  // sessions are looked up again all the same.
  std::vector<uint64_t> behind;
  if (LiveRoom* room = rooms_.find(roomId)) {
    for (const RoomMember& member : room->members) {
      if (member.catchUpFrom != 0) behind.push_back(member.session->id);
    }
  }
  for (const uint64_t id : behind) {
    if (ChatSession* session = sessions_.find(id)) catchUp(*session);
  }
}

LiveRoom* Delivery::subscribeDirectMembers(const store::RoomEvent& event) {
  LiveRoom* room = rooms_.find(event.roomId);
  for (const int64_t userId : {event.userId, event.peerId}) {
    const OnlineUser* online = sessions_.findUser(userId);
    if (!online) continue;
    for (ChatSession* session = online->sessions; session; session = session->nextOfUser) {
      // A live room without sessions would never be dropped: made only here.
      if (!room) room = &rooms_.get(event.roomId, store::RoomKind::kDirect, event.seq - 1);
      if (session->subscription(room->id)) continue;
      rooms_.subscribe(*session, *room);
      ServerMessage joined("joined", room->id);
      joined.writer().key("last_seq").value(room->lastSeq);
      session->send(joined.finish());
    }
  }
  return room;
}

void Delivery::deliverChange(const store::RoomEvent& event) {
  LiveRoom* room = rooms_.find(event.roomId);
  if (!room) return;
  // A replay from the recent ring would show the old state; the store has the new.
  room->recent.invalidateThrough(event.seq);
  const reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, event.payload);
  const uint64_t origin = originHere(event);
  for (RoomMember& member : room->members) {
    ChatSession& session = *member.session;
    if (session.id == origin) continue;
    // In catch-up from this message or an older one: its replay shows the change.
    if (member.catchUpFrom != 0 && member.catchUpFrom <= event.seq) continue;
    // Bounded like every other frame; one that does not fit is not lost: the
    // session is told, once its queue drains, to fetch the message again.
    if (session.sendShared(frame) == OutputQueue::PushResult::kRefused) {
      backlogs_.noteMissedChange(session, event.roomId, event.seq);
    }
  }
}

void Delivery::deliverEphemeral(const store::RoomEvent& event, EphemeralKind kind, bool exceptUser) {
  LiveRoom* room = rooms_.find(event.roomId);
  if (!room) return;
  const reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, event.payload);
  const uint64_t key = ephemeralKey(kind, event.roomId, event.userId);
  const uint64_t origin = originHere(event);
  for (RoomMember& member : room->members) {
    const bool skipped = exceptUser ? member.session->user->id == event.userId : member.session->id == origin;
    if (!skipped) sendEphemeral(*member.session, key, frame);
  }
}

// --- Catch-up --------------------------------------------------------------------

void Delivery::catchUp(ChatSession& session) {
  if (session.catchingUp) {
    // A store read answered inside the loop below: it goes round once more.
    session.catchUpAgain = true;
    return;
  }
  session.catchingUp = true;
  do {
    session.catchUpAgain = false;
    for (size_t i = 0; i < session.rooms.size() && !sessions_.congested(session); ++i) {
      LiveRoom& room = *session.rooms[i].room;
      RoomMember& member = room.members[session.rooms[i].memberIndex];
      while (member.catchUpFrom != 0 && replayStep(session, room, member)) {
      }
    }
  } while (session.catchUpAgain && !sessions_.congested(session));
  session.catchingUp = false;
}

bool Delivery::replayStep(ChatSession& session, LiveRoom& room, RoomMember& member) {
  if (member.catchUpFrom > room.lastSeq) {
    member.catchUpFrom = 0;  // caught up: live from here
    return false;
  }
  // Past the newest --history-max the store may have trimmed what the ring
  // still has: the store says where the room starts.
  const bool mayBeTrimmed = config_.historyMax > 0 && member.catchUpFrom <= room.lastSeq - config_.historyMax;
  if (room.recent.covers(member.catchUpFrom) && !mayBeTrimmed) {
    for (int64_t seq = member.catchUpFrom; seq <= room.lastSeq; ++seq) {
      if (!replayWaiters_.empty()) settleReplayWaiters(session.id, room.id, seq);
      if (session.sendShared(room.recent.frame(seq)) == OutputQueue::PushResult::kRefused) {
        member.catchUpFrom = seq;
        sessions_.noteRefused(session);
        return false;
      }
      ++stats_.replayed;
    }
    member.catchUpFrom = 0;
    return false;
  }
  if (session.fetching) return false;
  session.fetching = true;
  readReplayPage(session.id, room.id, member.catchUpFrom);
  return false;
}

void Delivery::readReplayPage(uint64_t sessionId, int64_t roomId, int64_t from) {
  // A read in flight of this room whose page will hold `from` answers this session too.
  const auto after = replayReads_.upper_bound({roomId, from});
  if (after != replayReads_.begin()) {
    const auto read = std::prev(after);
    if (read->first.first == roomId && from < read->first.second + kReplayPage) {
      return read->second.push_back(sessionId);
    }
  }
  replayReads_[{roomId, from}].push_back(sessionId);
  // Counted as a history page is: the replay shows who has received and read each message.
  store_.messagesAfter(roomId, from - 1, kReplayPage, withReceiptCounts(store_, roomId,
                       [this, roomId, from](store::StoreStatus status, store::MessagePage read) {
                         const std::vector<store::Message>& page = read.messages;
                         const auto found = replayReads_.find({roomId, from});
                         const std::vector<uint64_t> readers = std::move(found->second);
                         replayReads_.erase(found);
                         // Each frame is built once, for every reader, and only once one takes it.
                         std::vector<reactor::BlockRef> frames(page.size());
                         for (const uint64_t sessionId : readers) {
                           replayPage(sessionId, roomId, from, status, page, frames);
                           settleReplayWaiters(sessionId, 0, 0, status != store::StoreStatus::kOk);
                         }
                       }));
}

void Delivery::replayPage(uint64_t sessionId, int64_t roomId, int64_t from, store::StoreStatus status,
                          const std::vector<store::Message>& page, std::vector<reactor::BlockRef>& frames) {
  ChatSession* session = sessions_.find(sessionId);
  if (!session) return;
  session->fetching = false;
  RoomSubscription* sub = session->subscription(roomId);
  if (!sub) return;
  LiveRoom& room = *sub->room;
  RoomMember& member = room.members[sub->memberIndex];
  // The page starts at `from`, and is of use from the member's next seq on.
  if (member.catchUpFrom < from) return catchUp(*session);
  if (status != store::StoreStatus::kOk) {
    // Tried again at the next drain or sweep; the seq is remembered.
    LOG_WARN("replay of room %lld for session %llu failed; will retry", static_cast<long long>(roomId),
             static_cast<unsigned long long>(sessionId));
    return;
  }
  if (!page.empty() && page.front().seq > member.catchUpFrom) {
    // Seqs are dense: the ones before the page were trimmed (--history-max).
    ServerMessage notice("messages_trimmed", roomId);
    notice.writer().key("data").beginObject().key("from_seq").value(member.catchUpFrom);
    notice.writer().key("to_seq").value(page.front().seq - 1).endObject();
    if (session->sendShared(server::makeServerFrame(proto::WsOpcode::kText, notice.finish())) ==
        OutputQueue::PushResult::kRefused) {
      sessions_.noteRefused(*session);
      return;
    }
    member.catchUpFrom = page.front().seq;
  }
  for (size_t i = 0; i < page.size(); ++i) {
    const store::Message& message = page[i];
    // Past the room's last seq: its event is on the way, and goes out live.
    if (message.seq > room.lastSeq) break;
    if (message.seq < member.catchUpFrom) continue;  // read for a reader further behind
    if (!replayWaiters_.empty()) settleReplayWaiters(sessionId, roomId, message.seq);
    if (!frames[i]) {
      frames[i] = server::makeServerFrame(proto::WsOpcode::kText,
                                          messageEvent(message, senderSummaryJson(message), config_.fileUrlKey));
    }
    if (session->sendShared(frames[i]) == OutputQueue::PushResult::kRefused) {
      member.catchUpFrom = message.seq;
      sessions_.noteRefused(*session);
      return;
    }
    ++stats_.replayed;
    member.catchUpFrom = message.seq + 1;
  }
  // Seqs are dense from the room's first kept one and deleted messages keep
  // theirs: an empty page means the room itself is gone, and there is nothing
  // left to replay.
  if (page.empty()) member.catchUpFrom = 0;
  catchUp(*session);
}

void Delivery::resume(ChatSession& session, LiveRoom& room, int64_t fromSeq, std::function<void()> finish) {
  RoomMember& member = room.members[session.subscription(room.id)->memberIndex];
  if (member.catchUpFrom == 0 || member.catchUpFrom > fromSeq) member.catchUpFrom = fromSeq;
  ReplayWaiter waiter{room.id, room.lastSeq, {}};
  catchUp(session);
  if (!replayWaits(&session, waiter, 0)) return finish();
  waiter.finish = std::move(finish);
  replayWaiters_[session.id].push_back(std::move(waiter));
}

bool Delivery::replayWaits(ChatSession* session, const ReplayWaiter& waiter, int64_t nextSeq) const {
  if (!session || sessions_.congested(*session)) return false;
  const RoomSubscription* sub = session->subscription(waiter.roomId);
  if (!sub) return false;
  const int64_t from = sub->room->members[sub->memberIndex].catchUpFrom;
  return from != 0 && from <= waiter.lastSeq && nextSeq <= waiter.lastSeq;
}

void Delivery::settleReplayWaiters(uint64_t sessionId, int64_t roomId, int64_t nextSeq, bool failed) {
  const auto found = replayWaiters_.find(sessionId);
  if (found == replayWaiters_.end()) return;
  ChatSession* session = sessions_.find(sessionId);
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

// --- The ephemeral lane ----------------------------------------------------------

void Delivery::sendEphemeral(ChatSession& session, uint64_t key, const reactor::BlockRef& frame) {
  if (session.conflated.empty() && session.ws.queuedBytes() < config_.maxQueueBytes / 2) {
    if (session.sendShared(frame) != OutputQueue::PushResult::kRefused) return;
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

void Delivery::flushConflated(ChatSession& session) {
  size_t sent = 0;
  while (sent < session.conflated.size() &&
         session.sendShared(session.conflated[sent].frame) != OutputQueue::PushResult::kRefused) {
    ++sent;
  }
  session.conflated.erase(session.conflated.begin(), session.conflated.begin() + static_cast<std::ptrdiff_t>(sent));
}

}  // namespace chatd::chat
