// The bus of a single chatd process: publish() hands the event to the
// subscriber before it returns, so events arrive in the order they were
// published, as direct calls would. Owns nothing but the subscriber.
#pragma once

#include "store/Bus.h"

namespace chatd::store {

class LocalBus final : public Bus {
 public:
  uint64_t nodeId() const override { return 0; }  // the only node
  void subscribe(Subscriber subscriber) override { subscriber_ = std::move(subscriber); }
  void publish(RoomEvent event) override;

 private:
  Subscriber subscriber_;
};

}  // namespace chatd::store
