#include "store/LocalBus.h"

namespace chatd::store {

void LocalBus::publish(RoomEvent event) {
  event.originNode = nodeId();
  if (subscriber_) subscriber_(event);
}

}  // namespace chatd::store
