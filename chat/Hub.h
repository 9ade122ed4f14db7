// The hub: every chat session, the rooms they joined, presence and fan-out.
// Single-threaded (the loop's), so no locks anywhere.
//
// The send path: validate (size, membership) -> append to the store -> after
// the COMMIT ack the sender and fan one pre-built frame out to every session
// in the room. Delivery has two lanes per session. Stored messages are never
// dropped: when a session's queue is full, the room falls into catch-up for
// it (its first missed seq is remembered) and is replayed, from the room's
// recent messages or the store, once the queue drains. Ephemeral events
// (typing, presence, read receipts) are conflated by key while the session is
// congested and dropped first. A session that reads nothing for
// --stall-timeout while over its limit is closed (1008).
//
// Requests whose answer can be large (history, join_room, sync) wait while
// the session's queue is over its limit, and a change event (edit, delete,
// reaction) that does not fit is not queued: the session is told on drain to
// fetch the changed messages again. So a session costs at most its queue
// limit, one large answer and the small replies to one read of its input,
// whatever it asks and however busy its rooms are.
//
// Implementation in five files: Hub.cc (sessions, rooms, presence, the
// sweep), HubCommands.cc (each client message), HubChanges.cc (edit, delete,
// react), HubDelivery.cc (fan-out, catch-up, the ephemeral lane),
// HubBacklog.cc (what waits for a congested session's queue to drain).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "chat/ChatSession.h"
#include "chat/ClientMessage.h"
#include "chat/Config.h"
#include "chat/LiveRoom.h"
#include "chat/LongPolls.h"
#include "chat/SessionBacklog.h"
#include "chat/TokenService.h"
#include "reactor/EventLoop.h"
#include "store/LocalBus.h"
#include "store/Store.h"

namespace chatd::chat {

class Hub final : public reactor::TimerHandler {
 public:
  // What the hub has done, for operators and tests.
  struct Stats {
    uint64_t messagesPosted = 0;
    uint64_t deliveries = 0;           // message frames queued live
    uint64_t catchUps = 0;             // times a room fell into catch-up for a session
    uint64_t replayed = 0;             // message frames sent by resume and catch-up
    uint64_t ephemeralConflated = 0;   // typing/presence/receipts replaced by a newer one
    uint64_t ephemeralDropped = 0;
    uint64_t slowConsumersClosed = 0;
  };

  Hub(reactor::EventLoop& loop, store::Store& store, const Config& config);
  ~Hub();

  // --- Sessions (ChatEndpoint) ---
  ChatSession* openSession(WsSession& ws);
  ChatSession* findSession(uint64_t id) const;
  // The session's token resolved to `user`: welcome it (or, on an open
  // session, extend it: token_refreshed). `ref` is the auth message's.
  void authenticated(ChatSession& session, const store::User& user, const TokenService::Identity& identity,
                     std::string_view ref);
  // The WebSocket is gone: leave every room, update presence.
  void closeSession(ChatSession& session);
  // One parsed client message of an authenticated session.
  void handle(ChatSession& session, ClientMessage message);
  // The session's queue drained: flush held events, resume catch-up.
  void drained(ChatSession& session);
  void sendError(ChatSession& session, std::string_view code, std::string_view message, std::string_view ref,
                 int64_t roomId = 0);
  void send(ChatSession& session, const std::string& json);

  // --- For the HTTP API too ---
  using PostDone = std::function<void(std::optional<ChatError>, const store::AppendResult&)>;
  // The one send path: checks, appends, acks (through `done`) after the
  // commit, fans out. `originSessionId` (0 for HTTP) is not sent the message
  // frame: it gets the ack. `toUserId` != 0 posts to the direct room of the
  // sender and that user instead of `roomId`.
  // `authorJson` names the sender in the message frame (userSummaryJson()).
  void postMessage(int64_t senderId, const std::string& authorJson, int64_t roomId, int64_t toUserId, std::string content,
                   std::string clientId, uint64_t originSessionId, PostDone done);
  // {"users":[{"id","username","nickname"}...],"count":N,"truncated":bool}:
  // who is online in the room, listing at most kMaxOnlineListed users.
  static constexpr size_t kMaxOnlineListed = 500;
  std::string onlineUsersJson(int64_t roomId) const;
  LongPolls& longPolls() { return longPolls_; }
  // A user left or was removed from a room (`userId`), or the room was
  // deleted (0): those sessions leave it and are told so (`left` with a
  // reason). Published on the bus, so every node's sessions hear it.
  void membershipEnded(int64_t roomId, int64_t userId);
  // A token was logged out: its sessions, on every node, are closed (4001).
  void closeSessionsWithToken(const std::string& revocationKey);

  // One message's worth of the user's budget (--rate, --burst), shared by
  // all the user's sessions and HTTP posts; false when it is spent.
  bool takeMessageToken(OnlineUser& user);
  bool takeMessageToken(int64_t userId);

  const Stats& stats() const { return stats_; }
  size_t sessionCount() const { return sessionCount_; }
  size_t longPollsWaiting() const { return longPolls_.waiting(); }
  size_t liveRoomCount() const { return rooms_.size(); }

  // The sweep (token expiry, auth and stall deadlines) and the presence batch.
  void handleTimer(reactor::Timer& timer) override;

 private:
  // Keeps `bucket` for a user without sessions, unless one is kept already.
  void keepOfflineBucket(int64_t userId, const TokenBucket& bucket);
  // Hub.cc: rooms and presence.
  LiveRoom& liveRoom(int64_t roomId, const std::string& kind, int64_t lastSeq);
  LiveRoom* findLiveRoom(int64_t roomId) const;
  // Adds the session to the room (live from now on); announces the user when
  // this is their first session there.
  void subscribe(ChatSession& session, LiveRoom& room);
  void unsubscribe(ChatSession& session, size_t subscriptionIndex);
  // user_joined / user_left to the room's other users: at once while the
  // room is quiet (up to kPresenceImmediate events per kPresenceBatchMs);
  // past that (a join storm) batched, one batch per kPresenceBatchMs, so
  // each member gets one write per batch rather than one per join. A room
  // stays batched until a whole window passes without presence.
  void announcePresence(LiveRoom& room, const OnlineUser& user, bool joined);
  // A presence event reached the room: out at once, or held for the batch.
  void batchPresence(LiveRoom& room, int64_t userId, reactor::BlockRef frame);
  void sendPresence(LiveRoom& room, int64_t userId, const reactor::BlockRef& frame);
  void flushPresence();
  void sweep(ChatSession& session, uint64_t nowMs, int64_t nowSeconds);

  // HubCommands.cc: one per client message type.
  // `then` runs once the answer is queued, whether the join succeeded or not.
  void joinRoom(ChatSession& session, int64_t roomId, std::optional<int64_t> since, std::string ref,
                std::function<void()> then);
  void leaveRoom(ChatSession& session, const ClientMessage& m);
  void sendChatMessage(ChatSession& session, ClientMessage m);
  void typing(ChatSession& session, const ClientMessage& m);
  void markRead(ChatSession& session, const ClientMessage& m);
  void history(ChatSession& session, const ClientMessage& m, std::function<void()> then);
  // HubChanges.cc.
  void edit(ChatSession& session, const ClientMessage& m);
  void remove(ChatSession& session, const ClientMessage& m);
  void react(ChatSession& session, const ClientMessage& m);
  void withMessage(ChatSession& session, const ClientMessage& m,
                   std::function<bool(const store::Room&, const store::Message&)> allowed,
                   std::function<void(ChatSession&, const store::Message&)> change);
  void answerChangeFailure(uint64_t sessionId, store::StoreStatus status, const std::string& ref);
  // A stored message changed: the requester gets `event` with its ref, the
  // room's other sessions without.
  void relayChange(uint64_t originSessionId, int64_t roomId, int64_t changedSeq, ServerMessage event,
                   const std::string& ref);
  void sync(ChatSession& session, const ClientMessage& m);
  struct SyncState {
    std::vector<std::pair<int64_t, int64_t>> rooms;  // (room id, since)
    size_t next;
    std::string ref;
    uint64_t sessionId;
  };
  // Joins the next room of a sync, then queues the one after ahead of the
  // session's other waiting requests; `done` ends this step (whenQueueHasRoom).
  void syncNext(const std::shared_ptr<SyncState>& state, std::function<void()> done);
  // Calls `then` with the room as the session's user sees it when the user
  // may read it (a member, or any public room); otherwise answers the error
  // and calls `refused` (when given).
  void withReadableRoom(ChatSession& session, int64_t roomId, const std::string& ref,
                        std::function<void(ChatSession&, const store::Room&)> then,
                        std::function<void()> refused = {});

  // Publishes an event of this node on the bus.
  void publish(store::RoomEvent::Kind kind, int64_t roomId, uint64_t originSessionId, int64_t userId,
               std::string payload, int64_t seq = 0, int64_t peerId = 0);

  // HubEvents.cc: the one ingress of room events, from the bus.
  void onRoomEvent(const store::RoomEvent& event);
  // A message was committed: wake long-polls, fan out. A direct message
  // subscribes both users' sessions first.
  void deliverMessage(const store::RoomEvent& event);
  // A direct message's room gets every session of both users subscribed;
  // the live room is made only when one of them has a session.
  LiveRoom* subscribeDirectMembers(const store::RoomEvent& event);
  void deliverChange(const store::RoomEvent& event);
  // Typing, read marks, presence: the ephemeral lane to each member except
  // the event's user (`exceptUser`) or its origin session.
  void deliverEphemeral(const store::RoomEvent& event, EphemeralKind kind, bool exceptUser);
  void endMembership(const store::RoomEvent& event);
  void closeSessionsWithTokenKey(const std::string& revocationKey);

  // HubDelivery.cc.
  void catchUp(ChatSession& session);
  // Runs catchUp() for each session of the room that is behind in it.
  void catchUpRoom(int64_t roomId);
  // One step of catch-up for one room; false when it must wait (queue full
  // or a store read in flight).
  bool replayStep(ChatSession& session, LiveRoom& room, RoomMember& member);
  void replayPage(uint64_t sessionId, int64_t roomId, int64_t from, store::StoreStatus status,
                  std::vector<store::Message> page);
  // HubBacklog.cc.
  // Runs `request` now when the session's queue has room and nothing else
  // waits or runs; else holds it until it does (`ahead`: before the others,
  // for the next step of a request already running). Past --burst waiting
  // requests it is answered rate_limited instead.
  void whenQueueHasRoom(ChatSession& session, std::string_view ref, SessionBacklog::Request request,
                        bool ahead = false);
  void startRequest(ChatSession& session, const SessionBacklog::Request& request);
  void runWaitingRequests(ChatSession& session);
  // A change to message `seq` of the room did not fit in the session's queue.
  void noteMissedChange(ChatSession& session, int64_t roomId, int64_t seq);
  // messages_changed for each room with missed changes, while they fit.
  void sendMissedChanges(ChatSession& session);
  void forgetMissedChanges(ChatSession& session, int64_t roomId);

  void sendEphemeral(ChatSession& session, uint64_t key, const reactor::BlockRef& frame);
  void flushConflated(ChatSession& session);
  void noteRefused(ChatSession& session);
  bool congested(const ChatSession& session) const;

  reactor::EventLoop& loop_;
  store::Store& store_;
  const Config& config_;
  // Owned; a session's id is (generation << 32 | slot), so finding it is an
  // index and a compare, and an idle session costs 8 bytes here.
  std::vector<ChatSession*> sessionSlots_;
  std::vector<uint32_t> freeSlots_;
  uint32_t generation_ = 0;
  size_t sessionCount_ = 0;
  std::unordered_map<int64_t, std::unique_ptr<LiveRoom>> rooms_;
  std::unordered_map<int64_t, OnlineUser> users_;  // nodes: addresses stay put
  // The budgets of users without a session: HTTP posters, and users who just
  // closed their last session (so that reconnecting does not refill it).
  // The sweep drops those that have refilled; should more than
  // kMaxOfflineBuckets users post within one refill, they start afresh (full).
  static constexpr size_t kMaxOfflineBuckets = 100'000;
  std::unordered_map<int64_t, TokenBucket> offlineBuckets_;
  LongPolls longPolls_;
  reactor::Timer sweepTimer_{this};
  static constexpr uint64_t kPresenceBatchMs = 250;
  static constexpr uint32_t kPresenceImmediate = 8;
  reactor::Timer presenceTimer_{this};
  std::vector<int64_t> presenceDue_;  // rooms with pending presence
  std::unordered_map<uint64_t, SessionBacklog> backlogs_;  // by session id; only congested sessions have one
  Stats stats_;
  store::LocalBus bus_;
};

}  // namespace chatd::chat
