// The rooms with sessions joined to them in this process, by id. Owns the
// LiveRoom objects: a room is made by its first member, dropped with its last.
// A user's first session joining a room and their last leaving it go to the
// presence board (which says whether the user came online or went offline
// across the nodes); each live room also caches which users are members
// (LiveRoom::knownMembers). The bus watches the live rooms: their events are
// the ones this node needs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/Backlogs.h"
#include "chat/ChatSession.h"
#include "chat/LiveRoom.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"

namespace chatd::chat {

class LiveRooms {
 public:
  LiveRooms(store::Bus& bus, store::PresenceBoard& board, Backlogs& backlogs)
      : bus_(bus), board_(board), backlogs_(backlogs) {}

  // The live room `roomId`, made with `kind` and `lastSeq` when there is none.
  LiveRoom& get(int64_t roomId, store::RoomKind kind, int64_t lastSeq);
  LiveRoom* find(int64_t roomId) const;
  size_t count() const { return rooms_.size(); }
  // The ids of every live room.
  std::vector<int64_t> ids() const;

  // Adds the session to the room (live from now on); the board hears of the user's first session there.
  void subscribe(ChatSession& session, LiveRoom& room);
  // Takes the session out of its `subscriptionIndex`th room; the board
  // hears of the user's last session there leaving. The last member out drops the room.
  void unsubscribe(ChatSession& session, size_t subscriptionIndex);
  // Same by room; false when the session was not in it.
  bool unsubscribe(ChatSession& session, int64_t roomId);

  // The membership cache. True, with the other member of a direct room, when
  // the room is live and `userId` is known to be a member.
  bool knownMember(int64_t roomId, int64_t userId, int64_t& directPeerId) const;
  // The store said `userId` is a member: remembered, unless a membership
  // ended since `generation` (membershipGeneration() when the store was asked).
  void rememberMember(int64_t roomId, int64_t userId, int64_t directPeerId, uint64_t generation);
  uint64_t membershipGeneration() const { return membershipGeneration_; }
  // `userId`'s membership ended (0: the room was deleted): the live room's
  // sessions of that user leave it and are sent `leftJson`.
  void endMembership(int64_t roomId, int64_t userId, const std::string& leftJson);

 private:
  store::Bus& bus_;
  store::PresenceBoard& board_;
  Backlogs& backlogs_;
  std::unordered_map<int64_t, std::unique_ptr<LiveRoom>> rooms_;
  // Counts ended memberships, so that a store answer older than one is not cached.
  uint64_t membershipGeneration_ = 0;
};

}  // namespace chatd::chat
