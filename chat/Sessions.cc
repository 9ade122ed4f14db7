#include "chat/Sessions.h"

#include <algorithm>

#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "proto/WsTypes.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"

namespace chatd::chat {

namespace {

// token_expiring goes out this long before expiry (or halfway through a
// shorter token's life).
constexpr int64_t kExpiryWarningSeconds = 60;

}  // namespace

Sessions::Sessions(reactor::EventLoop& loop, store::Store& store, store::Bus& bus, store::PresenceBoard& board,
                   const ChatOptions& config, HubStats& stats)
    : loop_(loop), store_(store), bus_(bus), board_(board), config_(config), stats_(stats) {}

Sessions::~Sessions() {
  for (ChatSession* session : slots_) delete session;
}

ChatSession* Sessions::open(server::WsSession& ws) {
  uint32_t slot;
  if (freeSlots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(nullptr);
  } else {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  }
  // The generation makes an id unique over time: a late callback for a closed
  // session never finds the next session in its slot.
  const uint64_t id = (static_cast<uint64_t>(++generation_) << 32) | slot;
  auto* session = new ChatSession(ws, id, loop_.nowMs());
  slots_[slot] = session;
  ++count_;
  return session;
}

ChatSession* Sessions::find(uint64_t id) const {
  const uint32_t slot = static_cast<uint32_t>(id);
  if (slot >= slots_.size()) return nullptr;
  ChatSession* session = slots_[slot];
  return session && session->id == id ? session : nullptr;
}

void Sessions::authenticated(ChatSession& session, const store::User& user,
                             const auth::TokenService::Identity& identity, std::string_view ref) {
  const int64_t now = reactor::unixSeconds();
  session.tokenKey = auth::TokenService::shortKey(identity.revocationKey);
  session.tokenExpiresAt = identity.expiresAt;
  // Half the remaining life, up to a minute, but at least two sweeps wide
  // so that a short token cannot slip between them unwarned.
  session.tokenWarnAt =
      identity.expiresAt - std::min(kExpiryWarningSeconds, std::max<int64_t>(2, (identity.expiresAt - now) / 2));
  session.expiryWarned = false;
  if (session.authenticated()) {
    ServerMessage refreshed("token_refreshed");
    refreshed.writer().key("expires_at").value(identity.expiresAt);
    return session.send(refreshed.finish(ref));
  }
  auto online = users_.find(user.id);
  if (online == users_.end()) {
    const std::string summary = userSummaryJson(user);
    online = users_.emplace(user.id, OnlineUser{user.id, summary, nullptr, 0, {}, user.username}).first;
    bus_.watchUser(user.id);
    board_.arrive(store::PresenceBoard::kAnywhere, user.id);
    if (const auto spent = offlineBuckets_.find(user.id); spent != offlineBuckets_.end()) {
      online->second.bucket = spent->second;
      offlineBuckets_.erase(spent);
    }
  } else if (online->second.sessionCount >= config_.maxSessionsPerUser) {
    // One user must not hold every connection slot; the others keep theirs.
    const std::string why = "over " + std::to_string(config_.maxSessionsPerUser) + " sessions for one user";
    session.sendError(chat_error::kTooManySessions, why, ref);
    return session.ws.close(chat_close::kTooManySessions, "too many sessions");
  } else {
    renameUser(user);  // a profile changed through another node shows from this connection on
  }
  session.user = &online->second;
  ++session.user->sessionCount;
  session.nextOfUser = session.user->sessions;
  if (session.nextOfUser) session.nextOfUser->prevOfUser = &session;
  session.user->sessions = &session;
  ServerMessage welcome("welcome");
  welcome.writer().key("user").raw(userJson(user)).key("session_id").value(std::to_string(session.id));
  welcome.writer().key("server_time").value(reactor::unixMs()).key("expires_at").value(identity.expiresAt);
  welcome.writer().key("ice_servers").raw(config_.iceServersJson);
  session.send(welcome.finish(ref));
}

void Sessions::close(ChatSession& session) {
  if (OnlineUser* online = session.user) {
    if (session.prevOfUser) session.prevOfUser->nextOfUser = session.nextOfUser;
    if (session.nextOfUser) session.nextOfUser->prevOfUser = session.prevOfUser;
    if (online->sessions == &session) online->sessions = session.nextOfUser;
    --online->sessionCount;
    if (!online->sessions) {
      // The user's last session: remember when they were last here.
      store_.setLastSeen(online->id, reactor::unixMs(), [](store::StoreStatus, bool) {});
      keepOfflineBucket(online->id, online->bucket);
      bus_.unwatchUser(online->id);
      board_.depart(store::PresenceBoard::kAnywhere, online->id);
      users_.erase(online->id);
    }
  }
  slots_[static_cast<uint32_t>(session.id)] = nullptr;
  freeSlots_.push_back(static_cast<uint32_t>(session.id));
  --count_;
  delete &session;
}

OnlineUser* Sessions::findUser(int64_t userId) {
  const auto online = users_.find(userId);
  return online == users_.end() ? nullptr : &online->second;
}

bool Sessions::takeMessageToken(OnlineUser& user) {
  return user.bucket.take(config_.ratePerSecond, config_.rateBurst, loop_.nowMs());
}

bool Sessions::takeMessageToken(int64_t userId) {
  if (OnlineUser* online = findUser(userId)) return takeMessageToken(*online);
  keepOfflineBucket(userId, {});
  return offlineBuckets_[userId].take(config_.ratePerSecond, config_.rateBurst, loop_.nowMs());
}

void Sessions::keepOfflineBucket(int64_t userId, const reactor::TokenBucket& bucket) {
  if (offlineBuckets_.size() >= kMaxOfflineBuckets && !offlineBuckets_.count(userId)) offlineBuckets_.clear();
  offlineBuckets_.try_emplace(userId, bucket);
}

void Sessions::noteRefused(ChatSession& session) {
  if (session.stalledSinceMs != 0) return;
  session.stalledSinceMs = loop_.nowMs();
  session.stalledAckedBytes = session.ws.bytesAcked();
}

void Sessions::closeWithToken(const std::string& revocationKey) {
  const uint64_t key = auth::TokenService::shortKey(revocationKey);
  for (ChatSession* session : slots_) {
    if (session && session->authenticated() && session->tokenKey == key) {
      session->ws.close(chat_close::kUnauthorized, "logged out");
    }
  }
}

void Sessions::closeUser(int64_t userId, uint16_t code, std::string_view reason) {
  const OnlineUser* user = findUser(userId);
  // Collected first: a close may unlink the session from the user's list.
  std::vector<ChatSession*> closing;
  for (ChatSession* session = user ? user->sessions : nullptr; session; session = session->nextOfUser) {
    closing.push_back(session);
  }
  for (ChatSession* session : closing) session->ws.close(code, reason);
}

void Sessions::renameUser(const store::User& user) {
  if (OnlineUser* online = findUser(user.id)) online->summaryJson = userSummaryJson(user);
}

OnlineUsersPage Sessions::onlineUsers(int64_t afterUserId, size_t limit) const {
  // A scan of the map, not an index: the admin API asks rarely, and an
  // ordered index would cost every session open and close.
  OnlineUsersPage page;
  page.total = users_.size();
  std::vector<const OnlineUser*> after;
  for (const auto& [id, user] : users_) {
    if (id > afterUserId) after.push_back(&user);
  }
  const size_t taken = std::min(limit, after.size());
  std::partial_sort(after.begin(), after.begin() + static_cast<std::ptrdiff_t>(taken), after.end(),
                    [](const OnlineUser* a, const OnlineUser* b) { return a->id < b->id; });
  page.more = after.size() > taken;
  after.resize(taken);
  page.users = std::move(after);
  return page;
}

void Sessions::sweep() {
  const uint64_t nowMs = loop_.nowMs();
  const int64_t nowSeconds = reactor::unixSeconds();
  for (ChatSession* session : slots_) {
    if (session) sweep(*session, nowMs, nowSeconds);
  }
  // A budget that has refilled is the same as none: only users who posted in
  // the last burst/rate seconds keep an entry.
  std::erase_if(offlineBuckets_, [&](const auto& entry) {
    return entry.second.fullAt(config_.ratePerSecond, config_.rateBurst, nowMs);
  });
}

void Sessions::sweep(ChatSession& session, uint64_t nowMs, int64_t nowSeconds) {
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
    session.send(warning.finish());
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
    static reactor::LogLimiter slowConsumers;  // a stalled network can stall many at once
    LOG_EVENT_LIMITED(slowConsumers, reactor::LogLevel::kWarn, "closing a slow consumer", {"session", session.id},
                      {"user_id", session.user->id}, {"read_nothing_ms", nowMs - session.stalledSinceMs});
    session.stalledSinceMs = 0;
    session.ws.close(proto::close_code::kPolicyViolation, "slow consumer");
  }
}

}  // namespace chatd::chat
