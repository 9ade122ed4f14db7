// What each client message does (docs/protocol.md), and the one send path
// for WebSocket and HTTP posts. Store callbacks may run later than the call
// (a networked store), when the session may be gone: they hold the session's
// id, never a pointer, and look it up again. Owns nothing: what a command
// changes belongs to the hub's other parts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chat/Backlogs.h"
#include "chat/Calls.h"
#include "chat/ChatOptions.h"
#include "chat/ChatSession.h"
#include "chat/ClientMessage.h"
#include "chat/Delivery.h"
#include "chat/HubStats.h"
#include "chat/LiveRooms.h"
#include "chat/MessageChanges.h"
#include "chat/OnlineRoster.h"
#include "chat/PostRequest.h"
#include "chat/RoomLookups.h"
#include "chat/RoomService.h"
#include "chat/Sessions.h"
#include "chat/Webhooks.h"
#include "store/Bus.h"
#include "store/Store.h"

namespace chatd::chat {

class HubCommands {
 public:
  struct Parts {
    store::Store& store;
    RoomService& roomService;
    store::Bus& bus;
    const ChatOptions& config;
    Sessions& sessions;
    LiveRooms& rooms;
    OnlineRoster& roster;
    RoomLookups& lookups;
    Delivery& delivery;
    Backlogs& backlogs;
    MessageChanges& changes;
    HubStats& stats;
    Webhooks& webhooks;
    Calls& calls;
  };
  explicit HubCommands(const Parts& parts) : p_(parts) {}

  // One parsed client message of an authenticated session.
  void handle(ChatSession& session, ClientMessage message);
  // Checks, appends, acks (through `done`) after the commit, publishes the message to the room.
  void postMessage(PostRequest request, PostDone done);
  // The one path of read and received marks (`read` false: received): moved
  // in the store, answered (through `done`, with the mark as stored), then
  // told to the room; `originSession` (0: none) has its answer already.
  using MarkDone = std::function<void(std::optional<ChatError> error, int64_t stored)>;
  void moveMark(int64_t userId, int64_t roomId, int64_t seq, bool read, uint64_t originSession, MarkDone done);

 private:
  // `then` runs once the answer is queued, whether the join succeeded or not.
  void joinRoom(ChatSession& session, int64_t roomId, std::optional<int64_t> since, std::string ref,
                std::function<void()> then);
  // The user is a member of `room`: the session joins its live room; `then`
  // runs after online_users, which closes the resume's replay and waits for
  // the roster (the presence board, maybe the store).
  void enterRoom(ChatSession& session, const store::Room& room, std::optional<int64_t> since, const std::string& ref,
                 std::function<void()> then);
  void leaveRoom(ChatSession& session, const ClientMessage& m);
  void sendChatMessage(ChatSession& session, ClientMessage m);
  void typing(ChatSession& session, const ClientMessage& m);
  // read, received from a session: moveMark(), answered with the event and the ref.
  void markFrom(ChatSession& session, const ClientMessage& m);
  void history(ChatSession& session, const ClientMessage& m, std::function<void()> then);
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
  // Appends to the room the lookup allowed, with the message's announcement
  // (which a store that can publishes in the same write); once committed,
  // has the event delivered and published where the store did not (unless
  // a resend) and answers `done`.
  // postMessage() once the attachments are checked and filled in.
  void postChecked(PostRequest request, PostDone done);
  void append(PostRequest request, int64_t roomId, int64_t directPeerId, PostDone done);
  // The message's event, serialized once here for every node, but for what the store decides.
  store::MessageAnnouncement announcement(const PostRequest& request, int64_t roomId, int64_t directPeerId) const;

  Parts p_;
};

}  // namespace chatd::chat
