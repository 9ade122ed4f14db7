// Every chat session of this process and every user with one, and their
// budgets. Owns the ChatSession objects, in slots: a session's id is
// (generation << 32 | slot), so finding it is an index and a compare, and an
// idle session costs 8 bytes here. Owns the OnlineUser of each user with a
// session (nodes of a map: their addresses stay put), and the message budgets
// of users without one. Knows no room: sessions leave theirs (LiveRooms)
// before close(). Tells the presence board of each user's first session here
// and their last (room kAnywhere: online on the server).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/TokenService.h"
#include "chat/ChatOptions.h"
#include "chat/ChatSession.h"
#include "chat/HubStats.h"
#include "reactor/EventLoop.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::chat {

// A page of the users with a session on this node (Sessions::onlineUsers).
struct OnlineUsersPage {
  std::vector<const OnlineUser*> users;  // by id
  size_t total = 0;                      // users online here in all
  bool more = false;                     // users past the page
};

class Sessions {
 public:
  // `bus` watches the users with a session here (Bus::watchUser).
  Sessions(reactor::EventLoop& loop, store::Store& store, store::Bus& bus, store::PresenceBoard& board,
           const ChatOptions& config, HubStats& stats);
  ~Sessions();
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;

  ChatSession* open(server::WsSession& ws);
  // Null when the session has closed (ids are never reused).
  ChatSession* find(uint64_t id) const;
  // The session's token resolved to `user`: welcome it (or, on an open
  // session, extend it: token_refreshed). `ref` is the auth message's.
  void authenticated(ChatSession& session, const store::User& user, const auth::TokenService::Identity& identity,
                     std::string_view ref);
  // Frees the session, which has left its rooms. The user's last session
  // stores their last_seen and keeps their budget (reconnecting does not refill it).
  void close(ChatSession& session);
  OnlineUser* findUser(int64_t userId);
  const OnlineUser& user(int64_t userId) const { return users_.at(userId); }
  size_t count() const { return count_; }
  size_t userCount() const { return users_.size(); }  // users with a session here

  // One message's worth of the user's budget (--rate, --burst), shared by
  // all the user's sessions and HTTP posts; false when it is spent.
  bool takeMessageToken(OnlineUser& user);
  bool takeMessageToken(int64_t userId);

  // The session's queue is over --max-queue.
  bool congested(const ChatSession& session) const { return session.ws.queuedBytes() >= config_.maxQueueBytes; }
  // The session's queue refused a frame: its stall clock starts, unless running.
  void noteRefused(ChatSession& session);
  // Closes the sessions of a logged-out token (4001).
  void closeWithToken(const std::string& revocationKey);
  // Closes every session of the user here with `code` and `reason`.
  void closeUser(int64_t userId, uint16_t code, std::string_view reason);
  // The user's summary (messages, presence) as `user` has it now, if they have a session here.
  void renameUser(const store::User& user);
  OnlineUsersPage onlineUsers(int64_t afterUserId, size_t limit) const;
  // Once a second: the authentication, token-expiry and stall deadlines of
  // every session; drops the offline budgets that have refilled.
  void sweep();

 private:
  void sweep(ChatSession& session, uint64_t nowMs, int64_t nowSeconds);
  // Keeps `bucket` for a user without sessions, unless one is kept already.
  void keepOfflineBucket(int64_t userId, const reactor::TokenBucket& bucket);

  reactor::EventLoop& loop_;
  store::Store& store_;
  store::Bus& bus_;
  store::PresenceBoard& board_;
  const ChatOptions& config_;
  HubStats& stats_;
  std::vector<ChatSession*> slots_;
  std::vector<uint32_t> freeSlots_;
  uint32_t generation_ = 0;
  size_t count_ = 0;
  std::unordered_map<int64_t, OnlineUser> users_;
  // The budgets of users without a session: HTTP posters, and users who just
  // closed their last session. The sweep drops those that have refilled;
  // should more than kMaxOfflineBuckets users post within one refill, they start afresh (full).
  static constexpr size_t kMaxOfflineBuckets = 100'000;
  std::unordered_map<int64_t, reactor::TokenBucket> offlineBuckets_;
};

}  // namespace chatd::chat
