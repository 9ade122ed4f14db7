// The hub: every chat session of this process, the rooms they joined,
// presence, and the delivery of room events. Single-threaded (the loop's), so
// no locks anywhere. A facade: it owns the parts below and wires them; each
// does one thing.
//
// - Sessions: the sessions, their users and budgets, the sweep's deadlines.
// - LiveRooms: the rooms with sessions here, and their membership caches.
// - OnlineRoster: who is online in a room or on the server, on every node.
// - HubCommands: each client message, and the one send path (postMessage).
// - MessageChanges: edit, delete, react.
// - RoomLookups: the store lookups of what a user may do in a room.
// - Delivery: fan-out, catch-up, the ephemeral lane. Presence: batching.
// - PresenceAnnouncer: the presence board's news, as presence events.
// - Backlogs: what waits for a congested session's queue to drain.
// - Calls: the call signalling relay (never stored).
//
// Everything that reaches sessions other than its origin's is a room event
// (store::RoomEvent): its producer publishes it on the bus, and the hub's one
// ingress, onRoomEvent(), turns it into a frame and fans it out. In one
// process the bus is a LocalBus, which delivers at once, in order.
#pragma once

#include <cstdint>
#include <string>

#include "auth/TokenService.h"
#include "chat/Backlogs.h"
#include "chat/ChatOptions.h"
#include "chat/ChatSession.h"
#include "chat/ClientMessage.h"
#include "chat/Delivery.h"
#include "chat/HubCommands.h"
#include "chat/HubStats.h"
#include "chat/LiveRooms.h"
#include "chat/LongPolls.h"
#include "chat/MessageChanges.h"
#include "chat/Calls.h"
#include "chat/OnlineRoster.h"
#include "chat/PostRequest.h"
#include "chat/Presence.h"
#include "chat/PresenceAnnouncer.h"
#include "chat/RoomLookups.h"
#include "chat/RoomService.h"
#include "chat/Sessions.h"
#include "chat/Webhooks.h"
#include "reactor/EventLoop.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"
#include "store/Store.h"

namespace chatd::chat {

class Hub final : public reactor::TimerHandler {
 public:
  using Stats = HubStats;

  // Subscribes to `bus` and listens to `board`, which must outlive the hub.
  Hub(reactor::EventLoop& loop, store::Store& store, RoomService& roomService, store::Bus& bus,
      store::PresenceBoard& board, const ChatOptions& config);
  ~Hub() {
    bus_.subscribe({});
    bus_.onMissed({});
    board_.setListener(nullptr);
  }

  // Signs attachments' download URLs in the message JSON the APIs answer with (ChatFrames.h).
  const std::string& fileUrlKey() const { return config_.fileUrlKey; }

  // --- Sessions (ChatEndpoint) ---
  ChatSession* openSession(server::WsSession& ws) { return sessions_.open(ws); }
  ChatSession* findSession(uint64_t id) const { return sessions_.find(id); }
  // The session's token resolved to `user`: welcome it (or, on an open
  // session, extend it: token_refreshed). `ref` is the auth message's.
  void authenticated(ChatSession& session, const store::User& user, const auth::TokenService::Identity& identity,
                     std::string_view ref) {
    sessions_.authenticated(session, user, identity, ref);
  }
  // The WebSocket is gone: leave every room, update presence.
  void closeSession(ChatSession& session);
  // One parsed client message of an authenticated session.
  void handle(ChatSession& session, ClientMessage message) { commands_.handle(session, std::move(message)); }
  // The session's queue drained: flush held events, resume catch-up.
  void drained(ChatSession& session);
  void sendError(ChatSession& session, std::string_view code, std::string_view message, std::string_view ref,
                 int64_t roomId = 0) {
    session.sendError(code, message, ref, roomId);
  }

  // --- For the HTTP API too ---
  // The one send path: checks, appends, acks (through `done`) after the
  // commit, publishes the message to the room.
  void postMessage(PostRequest request, PostDone done) { commands_.postMessage(std::move(request), std::move(done)); }
  // Moves `userId`'s read mark (`read`) or received mark in the room and
  // tells the room, as the read and received messages do (HubCommands::moveMark).
  void moveMark(int64_t userId, int64_t roomId, int64_t seq, bool read, HubCommands::MarkDone done) {
    commands_.moveMark(userId, roomId, seq, read, 0, std::move(done));
  }
  // Who is online in the room, on every node (OnlineRoster::list).
  void onlineUsers(int64_t roomId, OnlineRoster::Answer done) { roster_.list(roomId, std::move(done)); }
  LongPolls& longPolls() { return longPolls_; }
  // A user left or was removed from a room (`userId`), or the room was
  // deleted (0): those sessions, on every node, leave it and are told so
  // (`left` with a reason). Published on the bus.
  void membershipEnded(int64_t roomId, int64_t userId);
  // A token was logged out: its sessions, on every node, are closed (4001).
  void closeSessionsWithToken(const std::string& revocationKey);
  // An operator's disconnect, ban or deletion: the user's sessions, on every
  // node, are closed with `code` and `reason`.
  void closeUserSessions(int64_t userId, uint16_t code, std::string_view reason);
  // The user changed their nickname or avatar: their sessions on this node
  // name them so from now on (other nodes: from the user's next connection there).
  void profileChanged(const store::User& user) { sessions_.renameUser(user); }
  // Who is online on the server, a page at a time, and whether one user is
  // (the admin API's; OnlineRoster).
  OnlineRoster& roster() { return roster_; }

  // One message's worth of the user's budget (--rate, --burst), shared by
  // all the user's sessions and HTTP posts; false when it is spent.
  bool takeMessageToken(OnlineUser& user) { return sessions_.takeMessageToken(user); }
  bool takeMessageToken(int64_t userId) { return sessions_.takeMessageToken(userId); }

  // The chat's events as webhooks; inert until given a sender.
  Webhooks& webhooks() { return webhooks_; }

  const Stats& stats() const { return stats_; }
  // A client message refused past --rate/--burst (ChatEndpoint's check).
  void noteRateLimited() { ++stats_.messagesRateLimited; }
  size_t sessionCount() const { return sessions_.count(); }
  size_t longPollsWaiting() const { return longPolls_.waiting(); }
  size_t liveRoomCount() const { return rooms_.count(); }

  // The once-a-second sweep (Sessions::sweep).
  void handleTimer(reactor::Timer& timer) override;

 private:
  // The one ingress of room events, from the bus.
  void onRoomEvent(const store::RoomEvent& event);
  // The bus may have lost events: every live room (or one) is checked
  // against the store, and its members catch up on the messages they missed.
  void healRooms();
  void healRoom(int64_t roomId);

  reactor::EventLoop& loop_;
  Stats stats_;
  store::Store& store_;
  store::Bus& bus_;
  store::PresenceBoard& board_;
  const ChatOptions& config_;
  LongPolls longPolls_;
  Sessions sessions_;
  Webhooks webhooks_;
  PresenceAnnouncer announcer_;
  Backlogs backlogs_;
  LiveRooms rooms_;
  OnlineRoster roster_;
  Delivery delivery_;
  Presence presence_;
  RoomLookups lookups_;
  MessageChanges changes_;
  Calls calls_;
  HubCommands commands_;
  reactor::Timer sweepTimer_{this};
};

}  // namespace chatd::chat
