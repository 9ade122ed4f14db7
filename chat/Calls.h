// The call signalling relay (docs/protocol.md, "Calls"): audio and video
// calls in direct rooms, whose media flows between the two browsers
// (WebRTC); chatd carries their signals only, call_invite to call_hangup,
// and stores none of them.
//
// A call has two legs. The caller's is held by the node of the session that
// sent call_invite, from then to the call's end, and it decides: the first
// call_accept wins (the callee's other sessions hear call_cancelled), and a
// reject, a busy callee, a hang-up or the ring timeout (--call-ring-timeout)
// ends the call. The callee's leg: while the call rings, each node with
// sessions of the callee rings them all (one leg per node, no session yet);
// the session that accepts takes the leg. A node whose user is already in a
// call here answers call_busy instead of ringing. Legs on different nodes
// (or the same one) speak through the bus, addressed to one session
// (RoomEvent::kCallSignal) or to all of a user's sessions but one
// (kCallOthers), so a call works the same whichever nodes its sessions are
// on. A session that closes hangs up its calls.
//
// Owns the legs of this node and their timers; borrows the loop, the bus,
// the sessions, the lookups and the options.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chat/ChatOptions.h"
#include "chat/ClientMessage.h"
#include "chat/PostRequest.h"
#include "chat/RoomLookups.h"
#include "chat/Sessions.h"
#include "reactor/EventLoop.h"
#include "store/Bus.h"

namespace chatd::chat {

class Calls {
 public:
  // Signals one leg may relay (offers, answers, candidates): a bound on what
  // one call can make the bus carry.
  static constexpr uint32_t kMaxRelayed = 500;

  Calls(reactor::EventLoop& loop, store::Bus& bus, Sessions& sessions, RoomLookups& lookups,
        const ChatOptions& config);
  ~Calls();  // both where Leg is complete
  Calls(const Calls&) = delete;
  Calls& operator=(const Calls&) = delete;

  // Posts a call's log message (the hub's postMessage).
  using LogPoster = std::function<void(PostRequest)>;
  void setLogPoster(LogPoster poster) { postLog_ = std::move(poster); }

  // A call_* message of an authenticated session.
  void handle(ChatSession& session, const ClientMessage& m);
  // A kCallSignal or kCallOthers event, from any node (this one's included).
  void deliver(const store::RoomEvent& event);
  // The session is closing: it hangs up its calls.
  void sessionClosed(ChatSession& session);

  size_t legs() const { return calling_.size() + called_.size(); }

 private:
  enum class Signal : int64_t { kInvite = 1, kAccept, kReject, kBusy, kOffer, kAnswer, kIce, kHangup, kCancelled };
  struct Leg;
  using Legs = std::unordered_map<std::string, std::unique_ptr<Leg>>;

  void invite(ChatSession& session, const ClientMessage& m);
  void accept(ChatSession& session, const ClientMessage& m);
  void reject(ChatSession& session, const ClientMessage& m);
  void relay(ChatSession& session, const ClientMessage& m, Signal signal);
  void hangUp(ChatSession& session, const ClientMessage& m);

  // What the caller's leg hears from the callee's side.
  void callerHears(Leg& leg, const store::RoomEvent& event, Signal signal);
  // What a callee's leg (or the ringing of this node) hears from the caller's.
  void calleeHears(const store::RoomEvent& event, Signal signal, const std::string& callId);

  // The session's leg of the call, or null (the error answered).
  Leg* legOf(ChatSession& session, const ClientMessage& m);
  // Ends the caller's leg: the session that answered hears call_hangup, or,
  // when none did, every session of the callee hears call_cancelled.
  void endCall(Leg& leg, std::string_view reason);
  void dropLeg(Legs& legs, const std::string& callId);
  // Posts the log of the call `leg` (a caller's) ends, for `reason` (endCall()'s).
  void logCall(const Leg& leg, std::string_view reason);
  void ringTimedOut(Leg& leg);

  // Sends a signal to the other side of `leg`: to its peer session. With
  // LocalBus it is heard inside the call, which may end legs: a caller finds
  // its own again by id afterwards.
  void signalPeer(const Leg& leg, Signal signal, std::string frame);
  void sendTo(int64_t userId, uint64_t sessionId, std::string_view message);
  void sendToAll(int64_t userId, std::string_view message, uint64_t exceptSession);
  void publish(store::RoomEvent::Kind kind, int64_t toUserId, int64_t fromUserId, int64_t roomId, uint64_t targetNode,
               uint64_t targetSession, uint64_t fromSession, Signal signal, std::string frame);
  // {"type":"call_...","room_id":R,"data":{"call_id":..., [reason]}}
  static std::string frame(Signal signal, int64_t roomId, std::string_view callId, std::string_view reason = {});
  static std::string_view typeOf(Signal signal);

  bool inCall(int64_t userId) const;
  void countInCall(int64_t userId, int delta);

  reactor::EventLoop& loop_;
  store::Bus& bus_;
  Sessions& sessions_;
  RoomLookups& lookups_;
  const ChatOptions& config_;
  LogPoster postLog_;
  Legs calling_;  // the callers' legs of this node's sessions, by call id
  Legs called_;   // the callees' legs on this node, ringing or taken by a session, by call id
  std::unordered_map<int64_t, uint32_t> inCall_;  // user id -> legs here with a session of theirs
};

}  // namespace chatd::chat
