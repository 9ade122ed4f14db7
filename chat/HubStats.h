// What the hub has done, for operators (/metrics) and tests. One struct the
// hub owns; each of its parts counts its own events in it.
#pragma once

#include <cstdint>

#include "reactor/LatencyHistogram.h"

namespace chatd::chat {

struct HubStats {
  uint64_t messagesPosted = 0;
  uint64_t deliveries = 0;          // message frames queued live
  uint64_t catchUps = 0;            // times a room fell into catch-up for a session
  uint64_t replayed = 0;            // message frames sent by resume and catch-up
  uint64_t ephemeralConflated = 0;  // typing/presence/receipts replaced by a newer one
  uint64_t ephemeralDropped = 0;
  uint64_t slowConsumersClosed = 0;
  uint64_t messagesRateLimited = 0;  // client messages refused past --rate/--burst
  reactor::LatencyHistogram sendToAck;  // a WebSocket `message` received -> its ack queued
};

}  // namespace chatd::chat
