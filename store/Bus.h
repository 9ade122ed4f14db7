// Where room events (RoomEvent) go from their producer to every session that
// should hear of them: the hub publishes, and the hub (on every node) is the
// one subscriber. LocalBus delivers in process; a networked bus carries the
// same events between chatd processes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "store/RoomEvent.h"

namespace chatd::store {

class Bus {
 public:
  using Subscriber = std::function<void(const RoomEvent&)>;

  virtual ~Bus() = default;
  // This process's id among the nodes: an event's originNode.
  virtual uint64_t nodeId() const = 0;
  // Sets the one subscriber, which hears every event published from now on,
  // on any node, in the order of each room's events.
  virtual void subscribe(Subscriber subscriber) = 0;
  // An event of this node: publish() sets its originNode to nodeId().
  virtual void publish(RoomEvent event) = 0;
  // A message's event that the store already published to the other nodes
  // with the append that made it (AppendResult::announced; its originNode
  // is nodeId()): delivered here, and sent only where that write could not
  // send it. A bus that is not the store's medium publishes it as any other.
  virtual void deliverAnnounced(RoomEvent event) { publish(std::move(event)); }

  // Interest, for a bus between nodes: the events a node hears are those of
  // the rooms it watches (it has sessions there), of the users it watches
  // (they have a session here) and the cluster-wide ones. An in-process bus
  // has every event anyway and ignores these.
  virtual void watchRoom(int64_t /*roomId*/) {}
  virtual void unwatchRoom(int64_t /*roomId*/) {}
  virtual void watchUser(int64_t /*userId*/) {}
  virtual void unwatchUser(int64_t /*userId*/) {}
  // Runs `heal` when events may have been missed, so that the subscriber
  // catches up from the store: with a room id once a room just watched is
  // heard (what was published before that was not), with 0 for every room
  // once the bus hears again after it was disconnected.
  virtual void onMissed(std::function<void(int64_t roomId)> /*heal*/) {}
  // Why events cannot travel now (disconnected); empty when they can.
  virtual std::string unavailableReason() const { return {}; }
};

}  // namespace chatd::store
