// A live room's messages that arrived ahead of a missing seq, held briefly
// for it. The nodes of a cluster publish a room's messages concurrently, so
// seq n+1 may overtake seq n on the bus by a fraction of a millisecond; a
// catch-up from the store for every such overtaking would cost a store read
// per member. Held at most Delivery::kGapWaitMs, then the gap rule applies.
// Owns the held events (by seq) and the timer that gives up on them.
#pragma once

#include <cstdint>
#include <map>

#include "reactor/TimerWheel.h"
#include "store/RoomEvent.h"

namespace chatd::chat {

class Delivery;

class HeldMessages final : private reactor::TimerHandler {
 public:
  HeldMessages(Delivery& delivery, int64_t roomId) : delivery_(delivery), roomId_(roomId) {}

  std::map<int64_t, store::RoomEvent> bySeq;
  reactor::Timer expiry{this};

 private:
  void handleTimer(reactor::Timer&) override;

  Delivery& delivery_;
  const int64_t roomId_;
};

}  // namespace chatd::chat
