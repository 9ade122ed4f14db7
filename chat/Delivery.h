// Getting room events to this process's sessions. Stored messages go through
// each member's catch-up state and are never dropped: when a session's queue
// is full, the room falls into catch-up for it (its first missed seq is
// remembered) and is replayed, from the room's recent messages or the store
// (one read shared by the members replaying from nearby seqs), once the
// queue drains. A message seq beyond the room's last + 1 (a
// distributed log: events late or lost) puts the room's live members into
// catch-up the same way; a seq delivered already is ignored. Ephemeral events
// (typing, presence, read receipts) go through the conflation lane: held by
// key while the session is congested, newest wins, dropped first. Changes
// (edit, delete, reaction) that do not fit become a messages_changed notice.
// Every frame is built once per event and shared by its recipients.
// Owns nothing but the counters it keeps in HubStats.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/Backlogs.h"
#include "chat/ChatOptions.h"
#include "chat/ChatSession.h"
#include "chat/HubStats.h"
#include "chat/LiveRooms.h"
#include "chat/LongPolls.h"
#include "chat/Sessions.h"
#include "reactor/EventLoop.h"
#include "store/RoomEvent.h"
#include "store/Store.h"

namespace chatd::chat {

class Delivery {
 public:
  // `nodeId`: this process's (store::Bus::nodeId()).
  Delivery(reactor::EventLoop& loop, uint64_t nodeId, store::Store& store, const ChatOptions& config,
           Sessions& sessions, LiveRooms& rooms, Backlogs& backlogs, LongPolls& longPolls, HubStats& stats)
      : loop_(loop),
        nodeId_(nodeId),
        store_(store),
        config_(config),
        sessions_(sessions),
        rooms_(rooms),
        backlogs_(backlogs),
        longPolls_(longPolls),
        stats_(stats) {}

  // How long a message that overtook a missing seq waits for it (see
  // HeldMessages) before the room catches up from the store.
  static constexpr uint64_t kGapWaitMs = 50;
  // Messages held per room while waiting for a missing seq, at most.
  static constexpr size_t kMaxHeld = 256;

  // A message was committed: wake long-polls, fan out (the gap and
  // duplicate rules above; a message past a gap first waits kGapWaitMs for
  // the missing ones, up to kMaxHeld messages per room). A direct message subscribes both users' sessions
  // first: nobody has to join a direct chat to hear from it.
  void deliverMessage(const store::RoomEvent& event);
  // The store says the room's last seq is `lastSeq`: the messages this node
  // did not hear of (the bus was down) are replayed to the room's members.
  void heal(int64_t roomId, int64_t lastSeq);
  // A message changed: to every member but its origin session.
  void deliverChange(const store::RoomEvent& event);
  // Typing, a read mark: the ephemeral lane to each member except the
  // event's user (`exceptUser`) or else its origin session.
  void deliverEphemeral(const store::RoomEvent& event, EphemeralKind kind, bool exceptUser);
  void sendEphemeral(ChatSession& session, uint64_t key, const reactor::BlockRef& frame);
  // The session's queue drained: held ephemeral events go out while they fit.
  void flushConflated(ChatSession& session);
  // Replays from `fromSeq` in the room before anything newer (a resume).
  // `finish` runs once the replay has sent every seq up to the room's last
  // one now (the joined frame's), before any later one; or when it cannot go
  // on now (the queue is full, the read failed, the session or room is gone).
  void resume(ChatSession& session, LiveRoom& room, int64_t fromSeq, std::function<void()> finish);
  // Replays what the session is behind in, in each of its rooms, while its queue has room.
  void catchUp(ChatSession& session);

 private:
  // The id of the event's origin session when it is one of this node's; 0
  // (no session's id) otherwise.
  uint64_t originHere(const store::RoomEvent& event) const {
    return event.originNode == nodeId_ ? event.originSession : 0;
  }
  LiveRoom* subscribeDirectMembers(const store::RoomEvent& event);
  // Holds `event`, which is past a gap in `room`; false when it cannot wait
  // (the room holds kMaxHeld already: those go out first, by the gap rule).
  bool holdForGap(LiveRoom& room, const store::RoomEvent& event);
  // Sends the held messages that are next in the room's order; with
  // `all`, every one of them, gaps or not (the wait is over).
  void sendHeld(int64_t roomId, bool all);
  friend class HeldMessages;  // its timer ends the wait: sendHeld(all)
  // Fans a message out to the room's members (the gap rule included).
  void fanOut(LiveRoom& room, const store::RoomEvent& event);
  // Every live member not in catch-up yet will replay from `firstMissing`.
  void markBehind(LiveRoom& room, int64_t firstMissing);
  // Runs catchUp() for each session of the room that is behind in it.
  void catchUpRoom(int64_t roomId);
  // One step of catch-up for one room; false when it must wait (queue full or a store read in flight).
  bool replayStep(ChatSession& session, LiveRoom& room, RoomMember& member);
  // Reads a page of the room's messages from seq `from` for the session,
  // unless a read in flight will return `from`: it answers both.
  void readReplayPage(uint64_t sessionId, int64_t roomId, int64_t from);
  // Sends what the session can take of a page read; `frames` holds each
  // message's frame once a reader built it (empty handles until then).
  void replayPage(uint64_t sessionId, int64_t roomId, int64_t from, store::StoreStatus status,
                  const std::vector<store::Message>& page, std::vector<reactor::BlockRef>& frames);
  // A resume whose replay reads the store, waiting to run `finish`.
  struct ReplayWaiter {
    int64_t roomId;
    int64_t lastSeq;
    std::function<void()> finish;
  };
  bool replayWaits(ChatSession* session, const ReplayWaiter& waiter, int64_t nextSeq) const;
  // Runs the session's waiters that no longer wait: `nextSeq` is the seq the
  // replay of `roomId` sends next (0: after a store read; `failed`: it failed).
  void settleReplayWaiters(uint64_t sessionId, int64_t roomId, int64_t nextSeq, bool failed = false);

  reactor::EventLoop& loop_;
  const uint64_t nodeId_;
  store::Store& store_;
  const ChatOptions& config_;
  Sessions& sessions_;
  LiveRooms& rooms_;
  Backlogs& backlogs_;
  LongPolls& longPolls_;
  HubStats& stats_;
  // By session id; only while a store read of their replay is in flight.
  std::unordered_map<uint64_t, std::vector<ReplayWaiter>> replayWaiters_;
  // The replay reads in flight, by (room, first seq), with the sessions each
  // answers: a gap puts every live member of a room behind at the same seq,
  // and members whose queues filled fall behind at nearby seqs; a room of a
  // thousand then costs one read, not a thousand.
  std::map<std::pair<int64_t, int64_t>, std::vector<uint64_t>> replayReads_;
};

}  // namespace chatd::chat
