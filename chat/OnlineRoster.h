// Who is online across the nodes: in a room, as `online_users` and
// GET /api/v1/rooms/{id}/online show it (docs/protocol.md), and on the whole
// server, page by page, as the admin API lists it. This node's users come
// from its live rooms and sessions, the other nodes' from the presence board.
// A user is named from their session here when they have one (in any room),
// else from the store (one findUsers for all of them). Borrows the board,
// the store, the sessions and the live rooms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chat/LiveRooms.h"
#include "chat/Sessions.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::chat {

class OnlineRoster {
 public:
  OnlineRoster(store::PresenceBoard& board, store::Store& store, Sessions& sessions, const LiveRooms& rooms)
      : board_(board), store_(store), sessions_(sessions), rooms_(rooms) {}

  // A join storm into a huge room would otherwise cost O(n^2) bytes.
  static constexpr size_t kMaxListed = 500;
  static_assert(kMaxListed <= store::Store::kMaxUsersFound, "one findUsers names every listed user");

  // {"users":[{"id","username","nickname"}...],"count":N,"truncated":bool}.
  using Answer = std::function<void(std::string json)>;
  // Answers once the board has (inside the call with LocalPresenceBoard)
  // and, when a user has no session here, once the store named them.
  void list(int64_t roomId, Answer done);
  // Online anywhere: {"count":N,"users":[...],"next_cursor":"ID"|null}, the
  // users by id after `afterUserId`, at most `limit` (one findUsers names a
  // page: up to Store::kMaxUsersFound).
  void listServer(int64_t afterUserId, size_t limit, Answer done);
  // How many users are online anywhere.
  void countServer(std::function<void(size_t)> done);
  // Whether the user has a session on any node.
  void isOnline(int64_t userId, std::function<void(bool)> done);

 private:
  void build(int64_t roomId, const store::PresenceBoard::OnlineUsers& known, Answer done);
  // The users' summaries (userSummaryJson) in the order given; an empty one
  // for a user the store could not name (an account gone meanwhile).
  using Named = std::function<void(std::vector<std::string> summaries)>;
  void name(std::vector<int64_t> userIds, Named done);

  store::PresenceBoard& board_;
  store::Store& store_;
  Sessions& sessions_;
  const LiveRooms& rooms_;
};

}  // namespace chatd::chat
