// Where room events (RoomEvent) go from their producer to every session that
// should hear of them: the hub publishes, and the hub (on every node) is the
// one subscriber. LocalBus delivers in process; a networked bus carries the
// same events between chatd processes.
#pragma once

#include <cstdint>
#include <functional>

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
};

}  // namespace chatd::store
