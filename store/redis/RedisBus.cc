#include "store/redis/RedisBus.h"

#include <algorithm>
#include <random>
#include <vector>

#include "reactor/Log.h"
#include "store/redis/RedisKeys.h"
#include "store/redis/RoomEventWire.h"

namespace chatd::store {
namespace {

uint64_t randomNodeId() {
  std::random_device random;
  uint64_t id = 0;
  while (id == 0) id = (static_cast<uint64_t>(random()) << 32) ^ random();
  return id;
}

}  // namespace

RedisBus::RedisBus(reactor::EventLoop& loop, std::vector<RedisOptions> shards, std::string keyPrefix,
                   RedisBusTiming timing)
    : loop_(loop),
      prefix_(std::move(keyPrefix)),
      nodeId_(randomNodeId()),
      timing_(timing),
      aliveChannel_(redis_keys::nodeAlive(prefix_, nodeId_)) {
  for (const RedisOptions& options : shards) shards_.push_back(std::make_unique<Shard>(loop, options));
  directory().channels.insert(prefix_ + "events");
  for (const std::unique_ptr<Shard>& each : shards_) {
    Shard& shard = *each;
    shard.channels.insert(aliveChannel_);
    shard.listener.onMessage([this, &shard](std::string_view channel, std::string_view bytes) {
      if (channel == aliveChannel_) {
        shard.heardAtMs = loop_.nowMs();
      } else {
        heard(bytes);
      }
    });
    shard.listener.onConnected([this, &shard] { listenerConnected(shard); });
    shard.listener.onDisconnected([this, &shard](const std::string& reason) {
      shard.subscribed = false;
      lost(reason);
    });
    shard.publisher.onConnected([this] { updateState(); });
    shard.publisher.onDisconnected([this](const std::string& reason) { lost(reason); });
    shard.listener.connect();
    shard.publisher.connect();
  }
  loop_.scheduleTimer(heartbeat_, timing_.heartbeatMs);
}

std::string RedisBus::roomChannel(int64_t roomId) const { return redis_keys::roomPart(prefix_, roomId, "events"); }
std::string RedisBus::userChannel(int64_t userId) const { return redis_keys::userPart(prefix_, userId, "events"); }

void RedisBus::publish(RoomEvent event) {
  event.originNode = nodeId_;
  const std::string bytes = encodeRoomEvent(event);
  // Lost when Redis is away: the other nodes heal messages from the store.
  if (RoomEvent::serverWide(event.kind)) {
    directory().publisher.command({"PUBLISH", prefix_ + "events", bytes}, [](const RedisReply&) {});
  } else if (RoomEvent::forOneUser(event.kind)) {
    directory().publisher.command({"PUBLISH", userChannel(event.userId), bytes}, [](const RedisReply&) {});
  } else {
    roomShard(event.roomId).publisher.command({"PUBLISH", roomChannel(event.roomId), bytes}, [](const RedisReply&) {});
    publishToUsers(event, bytes);
  }
  // Published first, so that what the delivery publishes in turn follows it.
  if (deliver_) deliver_(event);
}

void RedisBus::deliverAnnounced(RoomEvent event) {
  if (&roomShard(event.roomId) != &directory()) publishToUsers(event, encodeRoomEvent(event));
  if (deliver_) deliver_(event);
}

void RedisBus::publishToUsers(const RoomEvent& event, const std::string& bytes) {
  // Heard by the nodes of the users' sessions too, before they watch the room.
  auto publishTo = [this, &bytes](int64_t userId) {
    directory().publisher.command({"PUBLISH", userChannel(userId), bytes}, [](const RedisReply&) {});
  };
  if (event.kind == RoomEvent::Kind::kDirectMessage) {
    publishTo(event.userId);
    publishTo(event.peerId);
  } else if (event.kind == RoomEvent::Kind::kMembershipEnded && event.userId != 0) {
    publishTo(event.userId);
  }
}

void RedisBus::watchRoom(int64_t roomId) {
  watch(roomShard(roomId), roomChannel(roomId), [this, roomId] {
    if (heal_) heal_(roomId);
  });
}

void RedisBus::watch(Shard& shard, std::string channel, std::function<void()> confirmed) {
  const auto [it, added] = shard.channels.insert(std::move(channel));
  if (added && shard.listener.connected()) shard.listener.subscribe({*it}, std::move(confirmed));
}

void RedisBus::unwatch(Shard& shard, const std::string& channel) {
  if (shard.channels.erase(channel) != 0 && shard.listener.connected()) shard.listener.unsubscribe({channel});
}

void RedisBus::heard(std::string_view bytes) {
  RoomEvent event;
  if (!decodeRoomEvent(bytes, event)) {
    LOG_WARN("redis bus: dropped a message that is not a room event (%zu bytes)", bytes.size());
    return;
  }
  // Our own, delivered when published.
  if (event.originNode == nodeId_ || !deliver_) return;
  deliver_(event);
}

void RedisBus::listenerConnected(Shard& shard) {
  // Never empty: every shard has this node's alive channel.
  const std::vector<std::string_view> all(shard.channels.begin(), shard.channels.end());
  shard.listener.subscribe(all, [this, &shard] {
    shard.subscribed = true;
    shard.heardAtMs = loop_.nowMs();
    updateState();
    // Whatever was published while we did not listen is lost to us.
    if (heal_) heal_(0);
  });
}

void RedisBus::lost(const std::string& reason) {
  if (listening_ || !backoff_.failing()) LOG_WARN("redis bus unavailable: %s; retrying", reason.c_str());
  listening_ = false;
  lastFailure_ = reason;
  if (!reconnect_.scheduled()) loop_.scheduleTimer(reconnect_, backoff_.nextDelayMs());
}

void RedisBus::beat() {
  const uint64_t now = loop_.nowMs();
  for (const std::unique_ptr<Shard>& each : shards_) {
    Shard& shard = *each;
    // Only a subscriber that should have heard the beats is judged.
    if (!shard.subscribed || !shard.publisher.connected()) {
      shard.heardAtMs = now;
      continue;
    }
    if (now - shard.heardAtMs >= timing_.silentMs) {
      shard.listener.disconnect("the subscriber heard nothing for " + std::to_string(now - shard.heardAtMs) + " ms");
      continue;
    }
    shard.publisher.command({"PUBLISH", aliveChannel_, ""}, [](const RedisReply&) {});
  }
  loop_.scheduleTimer(heartbeat_, timing_.heartbeatMs);
}

void RedisBus::handleTimer(reactor::Timer& timer) {
  if (&timer == &heartbeat_) return beat();
  for (const std::unique_ptr<Shard>& shard : shards_) {
    shard->listener.connect();  // no-ops where connected
    shard->publisher.connect();
  }
}

void RedisBus::updateState() {
  const bool all = std::all_of(shards_.begin(), shards_.end(), [](const std::unique_ptr<Shard>& shard) {
    return shard->subscribed && shard->publisher.connected();
  });
  if (listening_ || !all) return;
  listening_ = true;
  backoff_.reset();
  LOG_INFO("redis bus %s (node %016llx)", everListening_ ? "reconnected" : "connected",
           static_cast<unsigned long long>(nodeId_));
  everListening_ = true;
}

std::string RedisBus::unavailableReason() const {
  if (listening_) return {};
  return lastFailure_.empty() ? "the redis bus is connecting" : "redis bus: " + lastFailure_;
}

}  // namespace chatd::store
