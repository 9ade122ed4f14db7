// What waits for congested sessions' queues to drain: a SessionBacklog per
// session that needs one (by session id, so the many sessions that are never
// congested carry none of it). Owns the backlogs; the sessions are Sessions'.
// Together they keep a session's memory bounded by --max-queue plus one
// answer, whatever the client asks for and however busy its rooms are.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "chat/ChatOptions.h"
#include "chat/ChatSession.h"
#include "chat/SessionBacklog.h"
#include "chat/Sessions.h"

namespace chatd::chat {

class Backlogs {
 public:
  Backlogs(Sessions& sessions, const ChatOptions& config) : sessions_(sessions), config_(config) {}

  // Runs `request` now when the session's queue has room and nothing else
  // waits or runs; else holds it until it does (`ahead`: before the others,
  // for the next step of a request already running). Past --burst waiting
  // requests it is answered rate_limited instead.
  void whenQueueHasRoom(ChatSession& session, std::string_view ref, SessionBacklog::Request request,
                        bool ahead = false);
  void runWaitingRequests(ChatSession& session);
  // A change to message `seq` of the room did not fit in the session's queue.
  void noteMissedChange(ChatSession& session, int64_t roomId, int64_t seq);
  // messages_changed for each room with missed changes, while they fit.
  void sendMissedChanges(ChatSession& session);
  void forgetMissedChanges(ChatSession& session, int64_t roomId);
  // The session is closing.
  void forget(const ChatSession& session) { backlogs_.erase(session.id); }

 private:
  void startRequest(ChatSession& session, const SessionBacklog::Request& request);

  Sessions& sessions_;
  const ChatOptions& config_;
  std::unordered_map<uint64_t, SessionBacklog> backlogs_;  // by session id
};

}  // namespace chatd::chat
