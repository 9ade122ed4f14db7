// The bus between the chatd nodes of a cluster, over Redis pub/sub. Each
// event is PUBLISHed, encoded (RoomEventWire.h), on its room's channel, on
// its users' channels when it follows them (a direct message, an ended
// membership), or on the cluster channel (a revoked token); the channel
// names are in RedisKeys.h. A new message is published by the script that
// stores it (MessageScripts.h), so it reaches its room's channel in seq
// order and in the same round trip; the bus delivers it here
// (deliverAnnounced) and publishes only what that script could not. A node subscribes to the rooms and users it
// watches (Bus::watchRoom, watchUser) and to the cluster channel. Sharded
// (RedisShards.h), a room's channel is on the room's shard, the user and
// cluster channels on the directory (shard 0).
//
// A node's own events are delivered to its subscriber at once, as LocalBus
// does, and their echo from Redis is dropped (originNode == nodeId()), so
// nothing is delivered twice. A publish can still be lost (a node deaf for a
// moment, a reconnect): the hub's gap rule fills the gap from the store.
//
// Two connections per shard: a subscriber (RedisConnection's subscriber
// mode) and one for PUBLISH. Any lost: every lost one is reconnected after a
// capped, jittered backoff, each shard's watched channels are subscribed
// again in one SUBSCRIBE, and once Redis confirmed it the onMissed() listener
// heals every room (not only that shard's: simpler, and rare). A room watched
// is healed too once its SUBSCRIBE is confirmed: a message published between
// the room's read from the store and the subscription is not lost. Events
// published meanwhile are lost to other nodes; messages are healed from the
// store. Each state change is logged once.
//
// A subscriber can go deaf with nothing failing (a Redis that hangs, a
// connection a middlebox dropped without a word): every heartbeatMs the node
// PUBLISHes to its own alive channel on each shard, and a subscriber that
// heard none of them for silentMs is reconnected, as if it had been lost.
//
// Owns every shard's connections, the watched channels, the reconnect and
// the heartbeat timers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <memory>
#include <unordered_set>
#include <vector>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "store/Bus.h"
#include "store/redis/RedisBackoff.h"
#include "store/redis/RedisConnection.h"
#include "store/redis/RedisShards.h"

namespace chatd::store {

struct RedisBusTiming {
  uint64_t heartbeatMs = 2000;
  uint64_t silentMs = 6000;  // a subscriber that heard no heartbeat for this long is reconnected
};

class RedisBus final : public Bus, private reactor::TimerHandler {
 public:
  // Starts connecting at once to every shard (the directory first);
  // `keyPrefix` is the store's (--redis-prefix).
  RedisBus(reactor::EventLoop& loop, std::vector<RedisOptions> shards, std::string keyPrefix,
           RedisBusTiming timing = {});

  uint64_t nodeId() const override { return nodeId_; }
  void subscribe(Subscriber subscriber) override { deliver_ = std::move(subscriber); }
  void publish(RoomEvent event) override;
  // A message's event as the append script published it (MessageScripts.h):
  // on the room's shard it could not reach the directory, where the users'
  // channels of a direct message are; those are published here.
  void deliverAnnounced(RoomEvent event) override;

  void watchRoom(int64_t roomId) override;
  void unwatchRoom(int64_t roomId) override { unwatch(roomShard(roomId), roomChannel(roomId)); }
  void watchUser(int64_t userId) override { watch(directory(), userChannel(userId)); }
  void unwatchUser(int64_t userId) override { unwatch(directory(), userChannel(userId)); }
  void onMissed(std::function<void(int64_t roomId)> heal) override { heal_ = std::move(heal); }
  std::string unavailableReason() const override;

 private:
  // One Redis instance's connections, and the channels this node listens on there.
  struct Shard {
    Shard(reactor::EventLoop& loop, const RedisOptions& options) : listener(loop, options), publisher(loop, options) {}
    RedisConnection listener;  // subscriber mode
    RedisConnection publisher;
    // Subscribed again on each connect (the directory's: the cluster channel too).
    std::unordered_set<std::string> channels;
    bool subscribed = false;  // listener's SUBSCRIBE of channels confirmed
    uint64_t heardAtMs = 0;   // the last heartbeat heard, or when it had no cause to hear one
  };

  Shard& directory() { return *shards_[kDirectoryShard]; }
  Shard& roomShard(int64_t roomId) { return *shards_[shardOfRoom(roomId, shards_.size())]; }
  std::string roomChannel(int64_t roomId) const;
  std::string userChannel(int64_t userId) const;
  // Listens on `channel` from now on; `confirmed` runs once Redis confirmed it (when connected).
  void watch(Shard& shard, std::string channel, std::function<void()> confirmed = {});
  void unwatch(Shard& shard, const std::string& channel);
  // PUBLISHes `bytes` of `event` on the users' channels it follows (a direct
  // message's two members, the member whose membership ended), if any.
  void publishToUsers(const RoomEvent& event, const std::string& bytes);
  void heard(std::string_view bytes);
  void listenerConnected(Shard& shard);
  // A connection was lost (logged when it ends listening).
  void lost(const std::string& reason);
  // Listening again once every shard is subscribed and able to publish (logged).
  void updateState();
  // One heartbeat: a subscriber silent too long is dropped, the others get the next beat.
  void beat();
  void handleTimer(reactor::Timer& timer) override;  // the reconnect backoff or the heartbeat

  reactor::EventLoop& loop_;
  const std::string prefix_;
  const uint64_t nodeId_;
  const RedisBusTiming timing_;
  const std::string aliveChannel_;  // this node's heartbeats (RedisKeys.h)
  std::vector<std::unique_ptr<Shard>> shards_;
  Subscriber deliver_;
  std::function<void(int64_t roomId)> heal_;
  bool listening_ = false;  // every shard subscribed, and its publisher connected
  bool everListening_ = false;
  std::string lastFailure_;
  RedisBackoff backoff_;
  reactor::Timer reconnect_{this};
  reactor::Timer heartbeat_{this};
};

}  // namespace chatd::store
