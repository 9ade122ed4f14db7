#include "chat/Calls.h"

#include <vector>

#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "proto/JsonFields.h"
#include "proto/RandomHex.h"
#include "reactor/WallClock.h"

namespace chatd::chat {

namespace {

using store::RoomEvent;
namespace err = chat_error;

// A callee's leg that rings outlives the caller's ring by this much: it is
// forgotten then, should the caller's node never say the call ended.
constexpr uint64_t kRingMarginMs = 5000;

// The call id of a signal's frame: "data":{"call_id":...}.
std::string callIdOf(const std::string& frame) {
  std::string error;
  const auto fields = proto::JsonFields::parse(frame, error);
  const auto data = fields ? fields->object("data") : std::nullopt;
  const auto dataFields = data ? proto::JsonFields::parse(*data, error) : std::nullopt;
  return dataFields ? dataFields->string("call_id").value_or("") : "";
}

}  // namespace

struct Calls::Leg final : reactor::TimerHandler {
  explicit Leg(Calls& calls) : calls(calls) {}
  // A caller's leg: the ring timed out. A callee's: nobody said it ended.
  void handleTimer(reactor::Timer&) override {
    if (caller) return calls.ringTimedOut(*this);
    calls.dropLeg(calls.called_, callId);
  }

  Calls& calls;
  std::string callId;
  int64_t roomId = 0;
  int64_t userId = 0;  // this side's
  int64_t peerUserId = 0;
  bool caller = false;
  bool video = false;
  bool answered = false;
  int64_t answeredAtMs = 0;  // a caller's leg: when the callee accepted (wall clock)
  std::string userJson;      // a caller's leg: the caller's summary, for the call's log message
  uint64_t sessionId = 0;    // this side's session; a callee's leg: 0 while it rings
  uint64_t peerNode = 0;     // the other side's session, once known
  uint64_t peerSession = 0;  // (a caller's leg: once answered)
  uint32_t relayed = 0;
  reactor::Timer timer{this};
};

Calls::Calls(reactor::EventLoop& loop, store::Bus& bus, Sessions& sessions, RoomLookups& lookups,
             const ChatOptions& config)
    : loop_(loop), bus_(bus), sessions_(sessions), lookups_(lookups), config_(config) {}

Calls::~Calls() = default;

// --- from this node's sessions -----------------------------------------------

void Calls::handle(ChatSession& session, const ClientMessage& m) {
  switch (m.type) {
    case ClientType::kCallInvite: return invite(session, m);
    case ClientType::kCallAccept: return accept(session, m);
    case ClientType::kCallReject: return reject(session, m);
    case ClientType::kCallOffer: return relay(session, m, Signal::kOffer);
    case ClientType::kCallAnswer: return relay(session, m, Signal::kAnswer);
    case ClientType::kCallIce: return relay(session, m, Signal::kIce);
    case ClientType::kCallHangup: return hangUp(session, m);
    default: return;
  }
}

void Calls::invite(ChatSession& session, const ClientMessage& m) {
  if (inCall(session.user->id)) return session.sendError(err::kInCall, "already in a call", m.ref, m.roomId);
  lookups_.withPostableRoom(m.roomId, session.user->id, [this, sessionId = session.id, m](
                                                             std::optional<ChatError> error, int64_t peerId) {
    ChatSession* s = sessions_.find(sessionId);
    if (!s) return;
    if (error) return s->sendError(error->code, error->message, m.ref, m.roomId);
    if (peerId == 0 || peerId == s->user->id) {
      return s->sendError(err::kBadRequest, "calls are made in direct rooms, to the other member", m.ref, m.roomId);
    }
    if (inCall(s->user->id)) return s->sendError(err::kInCall, "already in a call", m.ref, m.roomId);
    std::optional<std::string> minted = proto::randomHex(kCallIdBytes / 2);
    if (!minted) return s->sendError(err::kUnavailable, "no randomness for a call id, retry", m.ref, m.roomId);
    auto leg = std::make_unique<Leg>(*this);
    leg->callId = std::move(*minted);
    leg->roomId = m.roomId;
    leg->userId = s->user->id;
    leg->peerUserId = peerId;
    leg->caller = true;
    leg->video = m.video;
    leg->userJson = s->user->summaryJson;
    leg->sessionId = sessionId;
    loop_.scheduleTimer(leg->timer, config_.callRingTimeoutMs);
    const std::string callId = leg->callId;
    const int64_t userId = leg->userId;
    countInCall(userId, +1);
    calling_.emplace(callId, std::move(leg));

    // The caller's answer and the callee's ring are the same invite.
    auto invitation = [&](std::string_view ref) {
      ServerMessage invite(typeOf(Signal::kInvite), m.roomId);
      invite.writer().key("data").beginObject().key("call_id").value(callId);
      invite.writer().key("media").value(m.video ? "video" : "audio").key("from").raw(s->user->summaryJson);
      invite.writer().endObject();
      return invite.finish(ref);
    };
    s->send(invitation(m.ref));
    publish(RoomEvent::Kind::kCallSignal, peerId, userId, m.roomId, 0, 0, sessionId, Signal::kInvite,
            invitation({}));
  });
}

void Calls::accept(ChatSession& session, const ClientMessage& m) {
  const auto it = called_.find(m.callId);
  Leg* leg = it == called_.end() || it->second->userId != session.user->id ? nullptr : it->second.get();
  // Answered in another session: it rings here no more, as on another node.
  if (!leg || leg->sessionId != 0) return session.sendError(err::kNotFound, "no such call ringing", m.ref);
  if (inCall(leg->userId)) return session.sendError(err::kInCall, "already in a call", m.ref);
  leg->sessionId = session.id;
  leg->answered = true;
  reactor::TimerWheel::cancel(leg->timer);
  countInCall(leg->userId, +1);
  // The caller's node decides: the first session to accept has the call.
  signalPeer(*leg, Signal::kAccept, frame(Signal::kAccept, leg->roomId, leg->callId));
}

void Calls::reject(ChatSession& session, const ClientMessage& m) {
  const auto it = called_.find(m.callId);
  Leg* leg = it == called_.end() || it->second->userId != session.user->id ? nullptr : it->second.get();
  if (!leg || (leg->sessionId != 0 && leg->sessionId != session.id)) {
    return session.sendError(err::kNotFound, "no such call ringing", m.ref);
  }
  // Rejecting a call one answered is hanging up.
  const Signal signal = leg->answered ? Signal::kHangup : Signal::kReject;
  // In one process the caller hears at once and may end the leg meanwhile:
  // it is found again by id.
  signalPeer(*leg, signal, frame(signal, leg->roomId, leg->callId, leg->answered ? "hung_up" : "rejected"));
  dropLeg(called_, m.callId);
}

void Calls::relay(ChatSession& session, const ClientMessage& m, Signal signal) {
  Leg* leg = legOf(session, m);
  if (!leg) return;
  if (!leg->answered) return session.sendError(err::kBadRequest, "the call is not answered yet", m.ref);
  if (++leg->relayed > kMaxRelayed) return session.sendError(err::kRateLimited, "too many signals in one call", m.ref);
  ServerMessage message(typeOf(signal), leg->roomId);
  message.writer().key("data").beginObject().key("call_id").value(leg->callId);
  if (signal == Signal::kIce) {
    message.writer().key("candidate").raw(m.candidate);
  } else {
    message.writer().key("sdp").value(m.sdp);
  }
  message.writer().endObject();
  signalPeer(*leg, signal, message.finish());
}

void Calls::hangUp(ChatSession& session, const ClientMessage& m) {
  Leg* leg = legOf(session, m);
  if (!leg) return;
  if (leg->caller) return endCall(*leg, leg->answered ? "hung_up" : "cancelled");
  signalPeer(*leg, Signal::kHangup, frame(Signal::kHangup, leg->roomId, leg->callId, "hung_up"));
  dropLeg(called_, m.callId);
}

void Calls::sessionClosed(ChatSession& session) {
  if (!session.user || !inCall(session.user->id)) return;
  std::vector<std::string> calling, called;
  for (const auto& [id, leg] : calling_) {
    if (leg->sessionId == session.id) calling.push_back(id);
  }
  for (const auto& [id, leg] : called_) {
    if (leg->sessionId == session.id) called.push_back(id);
  }
  for (const std::string& id : calling) {
    if (const auto it = calling_.find(id); it != calling_.end()) endCall(*it->second, "disconnected");
  }
  for (const std::string& id : called) {
    const auto it = called_.find(id);
    if (it == called_.end()) continue;
    signalPeer(*it->second, Signal::kHangup, frame(Signal::kHangup, it->second->roomId, id, "disconnected"));
    dropLeg(called_, id);
  }
}

Calls::Leg* Calls::legOf(ChatSession& session, const ClientMessage& m) {
  for (Legs* legs : {&calling_, &called_}) {
    const auto it = legs->find(m.callId);
    if (it != legs->end() && it->second->sessionId == session.id) return it->second.get();
  }
  session.sendError(err::kNotFound, "no such call in this session", m.ref);
  return nullptr;
}

// --- from the bus ------------------------------------------------------------

void Calls::deliver(const RoomEvent& event) {
  const bool mine = event.targetNode == bus_.nodeId();
  if (event.kind == RoomEvent::Kind::kCallSignal && event.targetSession != 0 && !mine) return;
  const std::string callId = callIdOf(event.payload);
  const auto signal = static_cast<Signal>(event.seq);
  const auto calling = calling_.find(callId);
  if (calling != calling_.end() && calling->second->userId == event.userId) {
    Leg& leg = *calling->second;
    // The callee's side speaks to the caller's session only.
    if (!mine || event.targetSession != leg.sessionId || event.peerId != leg.peerUserId) return;
    return callerHears(leg, event, signal);
  }
  calleeHears(event, signal, callId);
}

void Calls::callerHears(Leg& leg, const RoomEvent& event, Signal signal) {
  const bool fromPeer = leg.answered && event.originNode == leg.peerNode && event.originSession == leg.peerSession;
  switch (signal) {
    case Signal::kAccept: {
      // Another session was first: this one hears the call_cancelled below,
      // which was sent when the first accept came and follows its own accept.
      if (leg.answered) return;
      leg.answered = true;
      leg.answeredAtMs = reactor::unixMs();
      leg.peerNode = event.originNode;
      leg.peerSession = event.originSession;
      reactor::TimerWheel::cancel(leg.timer);
      sendTo(leg.userId, leg.sessionId, event.payload);
      // The callee's other sessions stop ringing, wherever they are.
      return publish(RoomEvent::Kind::kCallOthers, leg.peerUserId, leg.userId, leg.roomId, leg.peerNode,
                     leg.peerSession, leg.sessionId, Signal::kCancelled,
                     frame(Signal::kCancelled, leg.roomId, leg.callId, "answered_elsewhere"));
    }
    case Signal::kReject:
    case Signal::kBusy:
      if (leg.answered) return;  // a late word from a session that lost the race
      sendTo(leg.userId, leg.sessionId, event.payload);
      return endCall(leg, signal == Signal::kBusy ? "busy" : "rejected");
    case Signal::kHangup:
      if (!fromPeer) return;
      sendTo(leg.userId, leg.sessionId, event.payload);
      logCall(leg, "hung_up");
      return dropLeg(calling_, std::string(leg.callId));
    case Signal::kOffer:
    case Signal::kAnswer:
    case Signal::kIce:
      if (fromPeer) sendTo(leg.userId, leg.sessionId, event.payload);
      return;
    case Signal::kInvite:
    case Signal::kCancelled: return;  // never the caller's to hear
  }
}

void Calls::calleeHears(const RoomEvent& event, Signal signal, const std::string& callId) {
  const OnlineUser* user = sessions_.findUser(event.userId);
  if (!user) return;  // nobody of theirs here
  const bool mine = event.targetNode == bus_.nodeId();
  const auto it = called_.find(callId);
  Leg* leg = it == called_.end() || it->second->userId != event.userId ? nullptr : it->second.get();
  switch (signal) {
    case Signal::kInvite: {
      if (it != called_.end()) return;
      if (inCall(event.userId)) {
        return publish(RoomEvent::Kind::kCallSignal, event.peerId, event.userId, event.roomId, event.originNode,
                       event.originSession, 0, Signal::kBusy, frame(Signal::kBusy, event.roomId, callId));
      }
      auto ringing = std::make_unique<Leg>(*this);
      ringing->callId = callId;
      ringing->roomId = event.roomId;
      ringing->userId = event.userId;
      ringing->peerUserId = event.peerId;
      ringing->peerNode = event.originNode;
      ringing->peerSession = event.originSession;
      loop_.scheduleTimer(ringing->timer, config_.callRingTimeoutMs + kRingMarginMs);
      called_.emplace(callId, std::move(ringing));
      return sendToAll(event.userId, event.payload, 0);
    }
    case Signal::kCancelled: {
      if (!leg) return;  // it never rang here (this node answered busy)
      // To all the callee's sessions (a call that ended unanswered), or all
      // but the one that answered (kCallOthers).
      const bool others = event.kind == RoomEvent::Kind::kCallOthers;
      const uint64_t target = others && mine ? event.targetSession : 0;
      sendToAll(event.userId, event.payload, target);
      // The leg goes, but for the session the call was answered in.
      if (!(others && leg->sessionId != 0 && leg->sessionId == target)) dropLeg(called_, callId);
      return;
    }
    case Signal::kHangup:
    case Signal::kOffer:
    case Signal::kAnswer:
    case Signal::kIce:
      if (!leg || !mine || leg->sessionId != event.targetSession || event.originSession != leg->peerSession ||
          event.originNode != leg->peerNode) {
        return;
      }
      sendTo(event.userId, leg->sessionId, event.payload);
      if (signal == Signal::kHangup) dropLeg(called_, callId);
      return;
    case Signal::kAccept:
    case Signal::kReject:
    case Signal::kBusy: return;  // never the callee's to hear
  }
}

// --- ending, sending ---------------------------------------------------------

void Calls::endCall(Leg& leg, std::string_view reason) {
  const std::string callId = leg.callId;
  if (leg.answered) {
    signalPeer(leg, Signal::kHangup, frame(Signal::kHangup, leg.roomId, callId, reason));
  } else {
    // Every session of the callee that rings stops.
    publish(RoomEvent::Kind::kCallSignal, leg.peerUserId, leg.userId, leg.roomId, 0, 0, leg.sessionId,
            Signal::kCancelled, frame(Signal::kCancelled, leg.roomId, callId, reason));
  }
  // Signalling the peer may have ended the leg already (LocalBus): log it once.
  if (const auto it = calling_.find(callId); it != calling_.end()) logCall(*it->second, reason);
  dropLeg(calling_, callId);
}

void Calls::logCall(const Leg& leg, std::string_view reason) {
  if (!postLog_) return;
  std::string_view outcome = "missed";  // unanswered: no_answer, cancelled, disconnected
  if (leg.answered) {
    outcome = "completed";
  } else if (reason == "busy" || reason == "rejected") {
    outcome = reason;
  }
  PostRequest log;
  log.senderId = leg.userId;
  log.authorJson = leg.userJson;
  log.roomId = leg.roomId;
  log.draft.kind = "call";
  log.call = store::CallLog{.callId = leg.callId,
                            .outcome = std::string(outcome),
                            .durationMs = leg.answered ? reactor::unixMs() - leg.answeredAtMs : 0,
                            .video = leg.video};
  postLog_(std::move(log));
}

void Calls::ringTimedOut(Leg& leg) {
  sendTo(leg.userId, leg.sessionId, frame(Signal::kHangup, leg.roomId, leg.callId, "no_answer"));
  endCall(leg, "no_answer");
}

void Calls::dropLeg(Legs& legs, const std::string& callId) {
  const auto it = legs.find(callId);
  if (it == legs.end()) return;
  if (it->second->sessionId != 0) countInCall(it->second->userId, -1);
  legs.erase(it);
}

void Calls::signalPeer(const Leg& leg, Signal signal, std::string message) {
  publish(RoomEvent::Kind::kCallSignal, leg.peerUserId, leg.userId, leg.roomId, leg.peerNode, leg.peerSession,
          leg.sessionId, signal, std::move(message));
}

void Calls::publish(RoomEvent::Kind kind, int64_t toUserId, int64_t fromUserId, int64_t roomId, uint64_t targetNode,
                    uint64_t targetSession, uint64_t fromSession, Signal signal, std::string message) {
  bus_.publish(RoomEvent{.kind = kind,
                         .roomId = roomId,
                         .seq = static_cast<int64_t>(signal),
                         .originSession = fromSession,
                         .userId = toUserId,
                         .peerId = fromUserId,
                         .targetNode = targetNode,
                         .targetSession = targetSession,
                         .payload = std::move(message)});
}

void Calls::sendTo(int64_t userId, uint64_t sessionId, std::string_view message) {
  ChatSession* session = sessions_.find(sessionId);
  if (session && session->user && session->user->id == userId) session->send(message);
}

void Calls::sendToAll(int64_t userId, std::string_view message, uint64_t exceptSession) {
  const OnlineUser* user = sessions_.findUser(userId);
  for (ChatSession* session = user ? user->sessions : nullptr; session; session = session->nextOfUser) {
    if (session->id != exceptSession) session->send(message);
  }
}

std::string Calls::frame(Signal signal, int64_t roomId, std::string_view callId, std::string_view reason) {
  ServerMessage message(typeOf(signal), roomId);
  message.writer().key("data").beginObject().key("call_id").value(callId);
  if (!reason.empty()) message.writer().key("reason").value(reason);
  message.writer().endObject();
  return message.finish();
}

std::string_view Calls::typeOf(Signal signal) {
  switch (signal) {
    case Signal::kInvite: return "call_invite";
    case Signal::kAccept: return "call_accept";
    case Signal::kReject: return "call_reject";
    case Signal::kBusy: return "call_busy";
    case Signal::kOffer: return "call_offer";
    case Signal::kAnswer: return "call_answer";
    case Signal::kIce: return "call_ice";
    case Signal::kHangup: return "call_hangup";
    case Signal::kCancelled: return "call_cancelled";
  }
  return "call_hangup";
}

bool Calls::inCall(int64_t userId) const { return inCall_.contains(userId); }

void Calls::countInCall(int64_t userId, int delta) {
  uint32_t& legs = inCall_[userId];
  legs += delta;
  if (legs == 0) inCall_.erase(userId);
}

}  // namespace chatd::chat
