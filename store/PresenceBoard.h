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
// It also says who is online in a room (online()), for the lists a client
// asks for; each node adds its own sessions' users, which it knows itself.
//
// Room kAnywhere (0, no room's id) is the whole server: a node arrives there
// with its first authenticated session of a user, in any room or none, and
// departs with its last, so the board also knows who is online server-wide
// (onlineAnywhere(), the admin API's list; user.online and user.offline).
//
// LocalPresenceBoard (one process is the whole server) tells the listener
// and answers online() inside the call; a networked board later in the loop,
// in call order (an online() answer sees the arrivals and departures called
// before it). Callers handle both. Borrows its listener.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

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

  static constexpr int64_t kAnywhere = 0;

  virtual ~PresenceBoard() = default;
  // The one listener from now on (null: none); it outlives its registration.
  void setListener(Listener* listener) { listener_ = listener; }
  Listener* listener() const { return listener_; }

  // This node's first session of `userId` joined the room.
  virtual void arrive(int64_t roomId, int64_t userId) = 0;
  // This node's last session of `userId` left the room.
  virtual void depart(int64_t roomId, int64_t userId) = 0;

  // Who the board knows to be online in a room: `count` users in all, of
  // whom `userIds` names at most the limit asked for (which ones, past it,
  // is the board's choice). This node's own users may be among them or not
  // (the caller counts those itself and drops repeats): a board with no
  // other node answers none (count 0). A board that cannot read answers none.
  struct OnlineUsers {
    std::vector<int64_t> userIds;
    size_t count = 0;
  };
  using OnlineAnswer = std::function<void(OnlineUsers)>;
  virtual void online(int64_t roomId, size_t limit, OnlineAnswer done) = 0;
  // Who the board knows to be online anywhere: `count` users in all, and
  // the first `limit` of them by id after `afterUserId`, in id order. The
  // same terms as online() otherwise.
  virtual void onlineAnywhere(int64_t afterUserId, size_t limit, OnlineAnswer done) = 0;

 protected:
  Listener* listener_ = nullptr;
};

}  // namespace chatd::store
