#include "chat/Backlogs.h"

#include <algorithm>
#include <vector>

#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "server/ServerFrames.h"

namespace chatd::chat {

void Backlogs::whenQueueHasRoom(ChatSession& session, std::string_view ref, SessionBacklog::Request request,
                                bool ahead) {
  const auto found = backlogs_.find(session.id);
  const bool othersWait = found != backlogs_.end() && !found->second.requests.empty();
  if (!othersWait && !session.answering && !sessions_.congested(session)) return startRequest(session, request);
  SessionBacklog& backlog = found != backlogs_.end() ? found->second : backlogs_[session.id];
  if (ahead) {
    backlog.requests.push_front(std::move(request));
  } else if (backlog.requests.size() < static_cast<size_t>(config_.rateBurst)) {
    // As many as the rate limit lets through at once wait; more are refused.
    backlog.requests.push_back(std::move(request));
  } else {
    return session.sendError(chat_error::kRateLimited, "too many requests waiting: read the answers first", ref);
  }
  session.ws.notifyWhenDrained();
}

void Backlogs::startRequest(ChatSession& session, const SessionBacklog::Request& request) {
  session.answering = true;
  request(session, [this, sessionId = session.id] {
    ChatSession* s = sessions_.find(sessionId);
    if (!s) return;
    s->answering = false;
    runWaitingRequests(*s);
  });
}

void Backlogs::runWaitingRequests(ChatSession& session) {
  // A request that answers at once calls back in here: the loop below goes on.
  if (session.runningRequests) return;
  const uint64_t id = session.id;
  session.runningRequests = true;
  for (ChatSession* s = &session; s; s = sessions_.find(id)) {
    const auto found = backlogs_.find(id);
    if (found == backlogs_.end() || found->second.requests.empty() || s->answering || sessions_.congested(*s)) break;
    const SessionBacklog::Request request = std::move(found->second.requests.front());
    found->second.requests.pop_front();
    if (found->second.empty()) backlogs_.erase(found);
    startRequest(*s, request);
  }
  if (ChatSession* s = sessions_.find(id)) s->runningRequests = false;
}

void Backlogs::noteMissedChange(ChatSession& session, int64_t roomId, int64_t seq) {
  sessions_.noteRefused(session);
  std::vector<SessionBacklog::MissedChanges>& changes = backlogs_[session.id].changes;
  for (SessionBacklog::MissedChanges& missed : changes) {
    if (missed.roomId != roomId) continue;
    missed.fromSeq = std::min(missed.fromSeq, seq);
    missed.toSeq = std::max(missed.toSeq, seq);
    return;
  }
  changes.push_back(SessionBacklog::MissedChanges{roomId, seq, seq});
}

void Backlogs::sendMissedChanges(ChatSession& session) {
  const auto found = backlogs_.find(session.id);
  if (found == backlogs_.end()) return;
  std::vector<SessionBacklog::MissedChanges>& changes = found->second.changes;
  size_t sent = 0;
  for (; sent < changes.size(); ++sent) {
    ServerMessage notice("messages_changed", changes[sent].roomId);
    notice.writer().key("data").beginObject().key("from_seq").value(changes[sent].fromSeq);
    notice.writer().key("to_seq").value(changes[sent].toSeq).endObject();
    const reactor::BlockRef frame = server::makeServerFrame(proto::WsOpcode::kText, notice.finish());
    if (session.sendShared(frame) == reactor::OutputQueue::PushResult::kRefused) break;
  }
  changes.erase(changes.begin(), changes.begin() + static_cast<std::ptrdiff_t>(sent));
  if (found->second.empty()) backlogs_.erase(found);
}

void Backlogs::forgetMissedChanges(ChatSession& session, int64_t roomId) {
  const auto found = backlogs_.find(session.id);
  if (found == backlogs_.end()) return;
  std::erase_if(found->second.changes, [roomId](const auto& missed) { return missed.roomId == roomId; });
  if (found->second.empty()) backlogs_.erase(found);
}

}  // namespace chatd::chat
