// The presence board of a single chatd process: the node's own counts are
// the whole server's, so each arrival is a first one and each departure a
// last one, told to the listener inside the call (as direct calls would be).
// There is no other node, so online() and onlineAnywhere() answer none,
// inside the call: the caller lists its own sessions' users, at no cost
// beyond that. Owns nothing.
#pragma once

#include "store/PresenceBoard.h"

namespace chatd::store {

class LocalPresenceBoard final : public PresenceBoard {
 public:
  void arrive(int64_t roomId, int64_t userId) override {
    if (listener_) listener_->cameOnline(roomId, userId);
  }
  void depart(int64_t roomId, int64_t userId) override {
    if (listener_) listener_->wentOffline(roomId, userId);
  }
  void online(int64_t, size_t, OnlineAnswer done) override { done({}); }
  void onlineAnywhere(int64_t, size_t, OnlineAnswer done) override { done({}); }
};

}  // namespace chatd::store
