// One authenticated WebSocket of the chat protocol, and the user behind it.
// A user may have many sessions (tabs, devices); presence counts users, not
// sessions. Plain state: the hub's parts do everything with it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reactor/TokenBucket.h"
#include "reactor/Block.h"
#include "server/WsEndpoint.h"
#include "store/Store.h"

namespace chatd::chat {

class ChatSession;
class LiveRoom;

// A user with at least one session open.
struct OnlineUser {
  int64_t id;
  std::string summaryJson;  // userSummaryJson(): as messages and presence name the user
  ChatSession* sessions = nullptr;  // the user's sessions, linked through ChatSession::nextOfUser
  uint32_t sessionCount = 0;        // how many: at most --max-sessions-per-user
  reactor::TokenBucket bucket;               // --rate/--burst, shared by all the user's sessions and HTTP posts
  std::string username;                      // for the log
};

// A room this session joined: where it sits in the room's member array.
struct RoomSubscription {
  LiveRoom* room;
  uint32_t memberIndex;
};

// What an ephemeral event is about; with its room and user, its key.
enum class EphemeralKind : uint8_t { kTyping, kPresence, kRead, kReceived };
uint64_t ephemeralKey(EphemeralKind kind, int64_t roomId, int64_t userId);

// A typing, presence or receipt event waiting for a congested session's queue to
// drain. Conflated by key: a newer event with the same key replaces it.
struct ConflatedEvent {
  uint64_t key;
  reactor::BlockRef frame;
};

class ChatSession final {
 public:
  ChatSession(server::WsSession& ws, uint64_t id, uint64_t openedMs) : ws(ws), id(id), openedMs(openedMs) {}

  bool authenticated() const { return user != nullptr; }
  RoomSubscription* subscription(int64_t roomId);
  // A reply to the session's own input: queued whatever the queue's limit
  // (server::WsSession::reply), so a request is always answered.
  void send(std::string_view json);
  void sendError(std::string_view code, std::string_view message, std::string_view ref, int64_t roomId = 0);
  // A shared frame (server::WsSession::sendShared), counted by type when queued.
  reactor::OutputQueue::PushResult sendShared(const reactor::BlockRef& frame);

  // Sessions come from a pool (reactor/ObjectPool.h), like connections.
  static void* operator new(size_t size);
  static void operator delete(void* session);

  server::WsSession& ws;
  const uint64_t id;
  OnlineUser* user = nullptr;  // null until authenticated
  ChatSession* nextOfUser = nullptr;  // the user's other sessions (an intrusive list: no
  ChatSession* prevOfUser = nullptr;  // allocation for the common single session)
  std::vector<RoomSubscription> rooms;
  std::vector<ConflatedEvent> conflated;  // ephemeral events held back while congested
  reactor::TokenBucket bucket;  // --rate until authenticated (auth attempts); then the user's counts
  uint64_t openedMs;
  std::string clientAddress;      // server::TrustedProxies::clientAddress, for the log
  uint64_t tokenKey = 0;          // auth::TokenService::shortKey of the token in use
  int64_t tokenExpiresAt = 0;     // unix seconds
  int64_t tokenWarnAt = 0;        // when token_expiring goes out
  uint64_t stalledSinceMs = 0;    // over its queue limit, the peer acknowledging nothing, since; 0 = not stalled
  uint64_t stalledAckedBytes = 0; // server::WsSession::bytesAcked() when the peer was last seen reading
  bool expiryWarned = false;
  bool authenticating = false;    // a token is being resolved
  bool catchingUp = false;        // inside Delivery::catchUp(), which must not recurse
  bool catchUpAgain = false;      // ... and something asked for another round
  bool fetching = false;          // a catch-up page is being read from the store
  bool answering = false;         // a request with a large answer is running (Backlogs::whenQueueHasRoom)
  bool runningRequests = false;   // inside Backlogs::runWaitingRequests(), which must not recurse
  bool endLogged = false;         // its access log line is written (ChatEndpoint)
};

}  // namespace chatd::chat
