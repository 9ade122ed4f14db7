#include "store/redis/RedisBus.h"

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

RedisBus::RedisBus(reactor::EventLoop& loop, const RedisOptions& options, std::string keyPrefix)
    : loop_(loop),
      prefix_(std::move(keyPrefix)),
      nodeId_(randomNodeId()),
      listener_(loop, options),
      publisher_(loop, options) {
  channels_.insert(prefix_ + "events");
  listener_.onMessage([this](std::string_view, std::string_view bytes) { heard(bytes); });
  listener_.onConnected([this] { listenerConnected(); });
  listener_.onDisconnected([this](const std::string& reason) {
    subscribed_ = false;
    lost(reason);
  });
  publisher_.onConnected([this] { updateState(); });
  publisher_.onDisconnected([this](const std::string& reason) { lost(reason); });
  listener_.connect();
  publisher_.connect();
}

std::string RedisBus::roomChannel(int64_t roomId) const { return redis_keys::roomPart(prefix_, roomId, "events"); }
std::string RedisBus::userChannel(int64_t userId) const { return redis_keys::userPart(prefix_, userId, "events"); }

void RedisBus::publish(RoomEvent event) {
  event.originNode = nodeId_;
  const std::string bytes = encodeRoomEvent(event);
  std::string channels[3];
  size_t count = 0;
  if (event.kind == RoomEvent::Kind::kTokenRevoked) {
    channels[count++] = prefix_ + "events";
  } else {
    channels[count++] = roomChannel(event.roomId);
    // Heard by the nodes of the users' sessions too, before they watch the room.
    if (event.kind == RoomEvent::Kind::kDirectMessage) {
      channels[count++] = userChannel(event.userId);
      channels[count++] = userChannel(event.peerId);
    } else if (event.kind == RoomEvent::Kind::kMembershipEnded && event.userId != 0) {
      channels[count++] = userChannel(event.userId);
    }
  }
  const bool isMessage = event.kind == RoomEvent::Kind::kMessage || event.kind == RoomEvent::Kind::kDirectMessage;
  if (isMessage && dropEvery_ != 0 && ++messagesPublished_ % dropEvery_ == 0) count = 0;
  // Lost when Redis is away: the other nodes heal messages from the store.
  for (size_t i = 0; i < count; ++i) publisher_.command({"PUBLISH", channels[i], bytes}, [](const RedisReply&) {});
  // Published first, so that what the delivery publishes in turn follows it.
  if (deliver_) deliver_(event);
}

void RedisBus::watchRoom(int64_t roomId) {
  watch(roomChannel(roomId), [this, roomId] {
    if (heal_) heal_(roomId);
  });
}

void RedisBus::watch(std::string channel, std::function<void()> confirmed) {
  const auto [it, added] = channels_.insert(std::move(channel));
  if (added && listener_.connected()) listener_.subscribe({*it}, std::move(confirmed));
}

void RedisBus::unwatch(const std::string& channel) {
  if (channels_.erase(channel) != 0 && listener_.connected()) listener_.unsubscribe({channel});
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

void RedisBus::listenerConnected() {
  const std::vector<std::string_view> all(channels_.begin(), channels_.end());
  listener_.subscribe(all, [this] {
    subscribed_ = true;
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

void RedisBus::handleTimer(reactor::Timer&) {
  listener_.connect();
  publisher_.connect();
}

void RedisBus::updateState() {
  if (listening_ || !subscribed_ || !publisher_.connected()) return;
  listening_ = true;
  backoff_.reset();
  LOG_INFO("redis bus %s (node %016llx)", everListening_ ? "reconnected" : "connected",
           static_cast<unsigned long long>(nodeId_));
  everListening_ = true;
}

void RedisBus::dropMessagePublishesForTest(unsigned every) {
  dropEvery_ = every;
  if (every != 0) LOG_WARN("redis bus: test hook: every %u-th message is not published", every);
}

std::string RedisBus::unavailableReason() const {
  if (listening_) return {};
  return lastFailure_.empty() ? "the redis bus is connecting" : "redis bus: " + lastFailure_;
}

}  // namespace chatd::store
