// Who is online in which room across the nodes of one chat server. Each node
// counts its own sessions of a user per room (chat/LiveRooms); the board
// hears only a node's first session of a user in a room (arrive) and its
// last one leaving (depart), and tells its listener when that user came
// online anywhere or went offline everywhere, so that user_joined and
// user_left fire once per chat server, not once per node.
//
// A node that dies departs nothing: a networked board holds each node's
// entries under a lease the node renews, removes those of a node whose lease
// ran out, and tells the listener of the users who went offline thereby.
//
// LocalPresenceBoard (one process is the whole server) tells the listener
// inside the call; a networked board later in the loop, in call order.
// Borrows its listener.
#pragma once

#include <cstdint>

namespace chatd::store {

class PresenceBoard {
 public:
  class Listener {
   public:
    virtual void cameOnline(int64_t roomId, int64_t userId) = 0;
    virtual void wentOffline(int64_t roomId, int64_t userId) = 0;

   protected:
    ~Listener() = default;
  };

  virtual ~PresenceBoard() = default;
  // The one listener from now on (null: none); it outlives its registration.
  void setListener(Listener* listener) { listener_ = listener; }
  Listener* listener() const { return listener_; }

  // This node's first session of `userId` joined the room.
  virtual void arrive(int64_t roomId, int64_t userId) = 0;
  // This node's last session of `userId` left the room.
  virtual void depart(int64_t roomId, int64_t userId) = 0;

 protected:
  Listener* listener_ = nullptr;
};

}  // namespace chatd::store
