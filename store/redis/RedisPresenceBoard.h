// The presence board of a cluster node, in Redis (keys: RedisKeys.h,
// "Presence across nodes"). This process is one owner, a random id drawn
// at construction (a restarted node is a new owner; its old entries expire
// with their lease). Its entries are the (room, user) pairs it has sessions
// in, and a user's count per room is how many owners hold them; each arrival
// or departure is one script, so two nodes deciding at once cannot both be
// first or last.
//
// Every lease/3 a tick (one script) renews this owner's lease and sweeps the
// owners whose lease ran out: their entries go, and the users who went
// offline thereby are told to this board's listener (only the sweeping node
// hears of each, so each is announced once). A dead node's users are thus
// gone within lease + lease/3.
//
// online() reads the room's count of owners per user: how many users have
// one, and up to the limit of them (one script: HLEN, then HKEYS, or HSCAN
// past the limit so that a huge room costs the limit, not its size).
// Room kAnywhere's users are also kept in a sorted set, so that
// onlineAnywhere() pages through the whole server at the cost of a page.
//
// Redis unavailable, or this owner swept meanwhile: the calls' answers are
// lost, so once back the next tick puts this owner's entries right from its
// own record (what it has arrived and not departed), telling the listener of
// the users that came online or went offline by that.
//
// Owns its own RedisConnection (reconnected by the tick), the tick timer and
// the record of this owner's entries; borrows the loop.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "store/PresenceBoard.h"
#include "store/redis/RedisConnection.h"
#include "store/redis/RedisScript.h"

namespace chatd::store {

struct RedisPresenceOptions {
  RedisOptions connection;
  std::string keyPrefix = "chatd:";
  uint64_t leaseMs = 5000;
};

class RedisPresenceBoard final : public PresenceBoard, private reactor::TimerHandler {
 public:
  RedisPresenceBoard(reactor::EventLoop& loop, RedisPresenceOptions options);

  void arrive(int64_t roomId, int64_t userId) override;
  void depart(int64_t roomId, int64_t userId) override;
  void online(int64_t roomId, size_t limit, OnlineAnswer done) override;
  void onlineAnywhere(int64_t afterUserId, size_t limit, OnlineAnswer done) override;

  const std::string& owner() const { return owner_; }

 private:
  void handleTimer(reactor::Timer& timer) override;  // the tick
  // Runs the arrive or depart script for the pair.
  void change(const RedisScript& script, int64_t roomId, int64_t userId);
  // Runs an online script: its answer is a count and a list of user ids.
  void ask(const RedisScript& script, std::vector<std::string> args, OnlineAnswer done);
  // Makes this owner's entries in Redis those of mine_.
  void resync();
  // Tells the listener a script's flat list of changes: room, user, online (1 or 0), ...
  void tell(const RedisReply& changes);

  reactor::EventLoop& loop_;
  const std::string prefix_;
  const uint64_t leaseMs_;
  const std::string owner_;
  RedisConnection redis_;
  std::set<std::pair<int64_t, int64_t>> mine_;  // (room, user): this owner's entries as they should be
  bool resyncDue_ = false;  // an answer was lost: Redis may not hold mine_
  reactor::Timer tick_{this};
};

}  // namespace chatd::store
