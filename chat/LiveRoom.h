// A room with sessions joined to it, in memory: who is in it (a dense array
// for fan-out), who is online (per user), how far its sequence has got, and
// its recent messages for fast resume, and which users it knows to be
// members. Made and dropped by LiveRooms: on first join, with the last
// session; the store remains the truth.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/HeldMessages.h"
#include "chat/RecentMessages.h"
#include "reactor/Block.h"
#include "store/RoomKinds.h"

namespace chatd::chat {

class ChatSession;

struct RoomMember {
  ChatSession* session;
  // 0: live, every new message is queued for it. Otherwise the first seq it
  // has not been sent: the room is in catch-up for this session and is
  // replayed from `recent` or the store once its queue drains.
  int64_t catchUpFrom;
};
// Fan-out walks these, one per joined session (chat-idle and the chat fan-outs in bench/RESULTS.md).
static_assert(sizeof(RoomMember) <= 16, "RoomMember grew: every fan-out walks more memory");

class LiveRoom {
 public:
  LiveRoom(int64_t id, store::RoomKind kind, int64_t lastSeq) : id(id), kind(kind), lastSeq(lastSeq) {}

  const int64_t id;
  const store::RoomKind kind;
  int64_t lastSeq;         // the newest committed message's seq
  std::vector<RoomMember> members;
  std::unordered_map<int64_t, uint32_t> presence;  // user id -> that user's sessions joined here
  RecentMessages recent;
  // Messages that overtook a missing seq, waiting for it; null when none.
  std::unique_ptr<HeldMessages> held;
  // The membership cache: users the store said are members (whatever their
  // session), so that posting needs no store read; each with the other
  // member of a direct room (0 in other rooms). Filled by a post's first
  // check; an ended membership takes its user out (LiveRooms::forgetMember).
  std::unordered_map<int64_t, int64_t> knownMembers;
  // The read and received marks this node last told the room, per user: a
  // receipt that does not move a mark is answered to its sender and told to
  // nobody else (a big room is not a receipt amplifier).
  struct ToldMarks {
    int64_t received = 0;
    int64_t read = 0;
  };
  std::unordered_map<int64_t, ToldMarks> marksTold;

  // Presence events held back while the room is busy with them (see
  // Presence): who they are about, and the frame.
  struct PendingPresence {
    int64_t userId;
    reactor::BlockRef frame;
  };
  std::vector<PendingPresence> pendingPresence;
  uint64_t presenceWindowStartMs = 0;  // loop time the current presence window began
  uint32_t presenceInWindow = 0;       // events sent at once in it
};

}  // namespace chatd::chat
