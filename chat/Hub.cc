#include "chat/Hub.h"

#include <algorithm>

#include "chat/AccountApi.h"
#include "chat/ChatFrames.h"
#include "chat/ServerFrames.h"
#include "proto/WsTypes.h"
#include "reactor/Log.h"

namespace chatd::chat {

namespace {

constexpr uint64_t kSweepIntervalMs = 1000;
// token_expiring goes out this long before expiry (or halfway through a
// shorter token's life).
constexpr int64_t kExpiryWarningSeconds = 60;

}  // namespace

Hub::Hub(reactor::EventLoop& loop, store::Store& store, const Config& config)
    : loop_(loop), store_(store), config_(config), longPolls_(loop) {
  bus_.subscribe([this](const store::RoomEvent& event) { onRoomEvent(event); });
  loop_.scheduleTimer(sweepTimer_, kSweepIntervalMs);
}

Hub::~Hub() {
  for (ChatSession* session : sessionSlots_) delete session;
}

ChatSession* Hub::openSession(WsSession& ws) {
  uint32_t slot;
  if (freeSlots_.empty()) {
    slot = static_cast<uint32_t>(sessionSlots_.size());
    sessionSlots_.push_back(nullptr);
  } else {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  }
  // The generation makes an id unique over time: a late callback for a closed
  // session never finds the next session in its slot.
  const uint64_t id = (static_cast<uint64_t>(++generation_) << 32) | slot;
  auto* session = new ChatSession(ws, id, loop_.nowMs());
  sessionSlots_[slot] = session;
  ++sessionCount_;
  return session;
}

ChatSession* Hub::findSession(uint64_t id) const {
  const uint32_t slot = static_cast<uint32_t>(id);
  if (slot >= sessionSlots_.size()) return nullptr;
  ChatSession* session = sessionSlots_[slot];
  return session && session->id == id ? session : nullptr;
}

void Hub::send(ChatSession& session, const std::string& json) {
  session.ws.reply(proto::WsOpcode::kText,
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

void Hub::sendError(ChatSession& session, std::string_view code, std::string_view message, std::string_view ref,
                    int64_t roomId) {
  send(session, errorMessage(code, message, ref, roomId));
}

void Hub::authenticated(ChatSession& session, const store::User& user, const TokenService::Identity& identity,
                        std::string_view ref) {
  const int64_t now = unixSeconds();
  session.tokenKey = TokenService::shortKey(identity.revocationKey);
  session.tokenExpiresAt = identity.expiresAt;
  // Half the remaining life, up to a minute, but at least two sweeps wide
  // so that a short token cannot slip between them unwarned.
  session.tokenWarnAt =
      identity.expiresAt - std::min(kExpiryWarningSeconds, std::max<int64_t>(2, (identity.expiresAt - now) / 2));
  session.expiryWarned = false;
  if (session.authenticated()) {
    ServerMessage refreshed("token_refreshed");
    refreshed.writer().key("expires_at").value(identity.expiresAt);
    return send(session, refreshed.finish(ref));
  }
  auto online = users_.find(user.id);
  if (online == users_.end()) {
    const std::string summary = userSummaryJson(user.id, user.username, user.nickname);
    online = users_.emplace(user.id, OnlineUser{user.id, summary, nullptr, 0, {}}).first;
    if (const auto spent = offlineBuckets_.find(user.id); spent != offlineBuckets_.end()) {
      online->second.bucket = spent->second;
      offlineBuckets_.erase(spent);
    }
  } else if (online->second.sessionCount >= config_.maxSessionsPerUser) {
    // One user must not hold every connection slot; the others keep theirs.
    const std::string why = "over " + std::to_string(config_.maxSessionsPerUser) + " sessions for one user";
    sendError(session, chat_error::kTooManySessions, why, ref);
    return session.ws.close(chat_close::kTooManySessions, "too many sessions");
  }
  session.user = &online->second;
  ++session.user->sessionCount;
  session.nextOfUser = session.user->sessions;
  if (session.nextOfUser) session.nextOfUser->prevOfUser = &session;
  session.user->sessions = &session;
  ServerMessage welcome("welcome");
  welcome.writer().key("user").raw(userJson(user)).key("session_id").value(std::to_string(session.id));
  welcome.writer().key("server_time").value(unixMs()).key("expires_at").value(identity.expiresAt);
  send(session, welcome.finish(ref));
}

void Hub::closeSession(ChatSession& session) {
  while (!session.rooms.empty()) unsubscribe(session, session.rooms.size() - 1);
  backlogs_.erase(session.id);
  if (OnlineUser* online = session.user) {
    if (session.prevOfUser) session.prevOfUser->nextOfUser = session.nextOfUser;
    if (session.nextOfUser) session.nextOfUser->prevOfUser = session.prevOfUser;
    if (online->sessions == &session) online->sessions = session.nextOfUser;
    --online->sessionCount;
    if (!online->sessions) {
      // The user's last session: remember when they were last here.
      store_.setLastSeen(online->id, unixMs(), [](store::StoreStatus, bool) {});
      keepOfflineBucket(online->id, online->bucket);
      users_.erase(online->id);
    }
  }
  sessionSlots_[static_cast<uint32_t>(session.id)] = nullptr;
  freeSlots_.push_back(static_cast<uint32_t>(session.id));
  --sessionCount_;
  delete &session;
}

bool Hub::takeMessageToken(OnlineUser& user) {
  return user.bucket.take(config_.ratePerSecond, config_.rateBurst, loop_.nowMs());
}

bool Hub::takeMessageToken(int64_t userId) {
  if (const auto online = users_.find(userId); online != users_.end()) return takeMessageToken(online->second);
  keepOfflineBucket(userId, {});
  return offlineBuckets_[userId].take(config_.ratePerSecond, config_.rateBurst, loop_.nowMs());
}

void Hub::keepOfflineBucket(int64_t userId, const TokenBucket& bucket) {
  if (offlineBuckets_.size() >= kMaxOfflineBuckets && !offlineBuckets_.count(userId)) offlineBuckets_.clear();
  offlineBuckets_.try_emplace(userId, bucket);
}

// --- Rooms and presence ---------------------------------------------------------

LiveRoom& Hub::liveRoom(int64_t roomId, const std::string& kind, int64_t lastSeq) {
  std::unique_ptr<LiveRoom>& room = rooms_[roomId];
  if (!room) room = std::make_unique<LiveRoom>(roomId, kind, lastSeq);
  return *room;
}

LiveRoom* Hub::findLiveRoom(int64_t roomId) const {
  const auto it = rooms_.find(roomId);
  return it == rooms_.end() ? nullptr : it->second.get();
}

void Hub::subscribe(ChatSession& session, LiveRoom& room) {
  session.rooms.push_back(RoomSubscription{&room, static_cast<uint32_t>(room.members.size())});
  room.members.push_back(RoomMember{&session, 0});
  if (room.presence[session.user->id]++ == 0) announcePresence(room, *session.user, true);
}

void Hub::unsubscribe(ChatSession& session, size_t subscriptionIndex) {
  LiveRoom& room = *session.rooms[subscriptionIndex].room;
  const uint32_t index = session.rooms[subscriptionIndex].memberIndex;
  // Swap-remove in both arrays; the member moved into `index` learns its new place.
  if (index + 1 != room.members.size()) {
    room.members[index] = room.members.back();
    room.members[index].session->subscription(room.id)->memberIndex = index;
  }
  room.members.pop_back();
  session.rooms[subscriptionIndex] = session.rooms.back();
  session.rooms.pop_back();
  forgetMissedChanges(session, room.id);
  const auto count = room.presence.find(session.user->id);
  if (--count->second == 0) {
    room.presence.erase(count);
    announcePresence(room, *session.user, false);
  }
  if (room.members.empty()) rooms_.erase(room.id);
}

std::string Hub::onlineUsersJson(int64_t roomId) const {
  const LiveRoom* room = findLiveRoom(roomId);
  const size_t online = room ? room->presence.size() : 0;
  proto::JsonWriter w;
  w.beginObject().key("users").beginArray();
  if (room) {
    // A join storm into a huge room would otherwise cost O(n^2) bytes.
    size_t listed = 0;
    for (auto it = room->presence.begin(); it != room->presence.end() && listed < kMaxOnlineListed; ++it, ++listed) {
      w.raw(users_.at(it->first).summaryJson);
    }
  }
  w.endArray().key("count").value(static_cast<int64_t>(online));
  w.key("truncated").value(online > kMaxOnlineListed).endObject();
  return w.take();
}

// --- The sweep ------------------------------------------------------------------

void Hub::handleTimer(reactor::Timer& timer) {
  if (&timer == &presenceTimer_) return flushPresence();
  const uint64_t nowMs = loop_.nowMs();
  const int64_t nowSeconds = unixSeconds();
  for (ChatSession* session : sessionSlots_) {
    if (session) sweep(*session, nowMs, nowSeconds);
  }
  // A budget that has refilled is the same as none: only users who posted in
  // the last burst/rate seconds keep an entry.
  std::erase_if(offlineBuckets_, [&](const auto& entry) {
    return entry.second.fullAt(config_.ratePerSecond, config_.rateBurst, nowMs);
  });
  loop_.scheduleTimer(sweepTimer_, kSweepIntervalMs);
}

void Hub::sweep(ChatSession& session, uint64_t nowMs, int64_t nowSeconds) {
  if (!session.authenticated()) {
    if (!session.authenticating && nowMs - session.openedMs >= config_.handshakeTimeoutMs) {
      session.ws.close(chat_close::kUnauthorized, "authentication timeout");
    }
    return;
  }
  if (nowSeconds >= session.tokenExpiresAt) {
    session.ws.close(chat_close::kUnauthorized, "token expired");
    return;
  }
  if (!session.expiryWarned && nowSeconds >= session.tokenWarnAt) {
    session.expiryWarned = true;
    ServerMessage warning("token_expiring");
    warning.writer().key("expires_at").value(session.tokenExpiresAt);
    send(session, warning.finish());
  }
  // Stalled means reading nothing, not reading slower than the room: the
  // clock runs while the queue is over its limit and stops whenever the peer
  // acknowledges more bytes. The kernel's count, not the queue's size: the
  // queue refills as fast as it drains while the session is behind, and the
  // kernel takes bytes from it only in large steps.
  if (session.stalledSinceMs == 0) {
    if (congested(session)) noteRefused(session);
    return;
  }
  const uint64_t acked = session.ws.bytesAcked();
  if (acked != session.stalledAckedBytes) {
    session.stalledSinceMs = nowMs;
    session.stalledAckedBytes = acked;
  } else if (nowMs - session.stalledSinceMs >= config_.stallTimeoutMs) {
    ++stats_.slowConsumersClosed;
    LOG_INFO("closing session %llu of user %lld: read nothing for %llu ms (slow consumer)",
             static_cast<unsigned long long>(session.id), static_cast<long long>(session.user->id),
             static_cast<unsigned long long>(nowMs - session.stalledSinceMs));
    session.stalledSinceMs = 0;
    session.ws.close(proto::close_code::kPolicyViolation, "slow consumer");
  }
}

}  // namespace chatd::chat
