// What one session's action tells the other sessions of a room: a message
// committed, a message changed, typing, a read or received mark, presence, a membership
// ended. One value type for all of them, so that the in-process bus and a
// networked one (between chatd processes) carry the same thing. The payload
// is the event's JSON as every recipient gets it, serialized once by the
// producer: a node receiving the event builds its frame from it alone.
#pragma once

#include <cstdint>
#include <string>

namespace chatd::store {

struct RoomEvent {
  enum class Kind : uint8_t {
    kMessage,          // a message committed: seq is its seq, userId its sender
    kDirectMessage,    // ... in a direct room: peerId is the other member
    kMessageChanged,   // edited, deleted or reacted: seq is the changed message's
    kTyping,           // userId is typing (or stopped)
    kRead,             // userId read up to a seq (in the payload)
    kPresence,         // userId came online in the room or went away
    kMembershipEnded,  // userId left or was removed (userId 0: the room is gone)
    kTokenRevoked,     // room 0; the payload is the token's revocation key
    kUserClosed,       // room 0; userId's sessions close, code seq, reason payload (admin API)
    // A call's signal (chat/Calls) for userId's sessions, from peerId's
    // session originSession; seq says which signal. Addressed to the one
    // session targetSession on targetNode, or, with targetSession 0, to all.
    kCallSignal,
    // The same for all of userId's sessions but the target.
    kCallOthers,
    kReceived,         // userId received up to a seq (in the payload)
  };
  static constexpr Kind kLastKind = Kind::kReceived;
  // Not about one room: published to every node.
  static bool serverWide(Kind kind) { return kind == Kind::kTokenRevoked || kind == Kind::kUserClosed; }
  // For userId's sessions only, not the room's.
  static bool forOneUser(Kind kind) { return kind == Kind::kCallSignal || kind == Kind::kCallOthers; }

  Kind kind;
  int64_t roomId = 0;
  int64_t seq = 0;  // for a message and a change; 0 otherwise
  uint64_t originNode = 0;
  // The session that caused it, on originNode (0: none, e.g. HTTP); it has
  // its answer already. Session ids are unique on their node only.
  uint64_t originSession = 0;
  int64_t userId = 0;
  int64_t peerId = 0;
  uint64_t targetNode = 0;     // forOneUser kinds only
  uint64_t targetSession = 0;  // forOneUser kinds only
  std::string payload;
};

}  // namespace chatd::store
