// Changes to stored messages: edit, delete, react. Each is checked against
// the message's author and the user's role, made durable, answered to the
// requester (with its ref) and published to the room (a change event). Owns
// nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "chat/ChatFrames.h"
#include "chat/ChatOptions.h"
#include "chat/ChatSession.h"
#include "chat/ClientMessage.h"
#include "chat/RoomLookups.h"
#include "chat/Sessions.h"
#include "store/Bus.h"
#include "store/Store.h"

namespace chatd::chat {

class MessageChanges {
 public:
  MessageChanges(store::Store& store, store::Bus& bus, const ChatOptions& config, Sessions& sessions,
                 RoomLookups& lookups)
      : store_(store), bus_(bus), config_(config), sessions_(sessions), lookups_(lookups) {}

  void edit(ChatSession& session, const ClientMessage& m);
  void remove(ChatSession& session, const ClientMessage& m);
  void react(ChatSession& session, const ClientMessage& m);

 private:
  // Finds the message, as the session's user sees the room, and runs
  // `change` with it when `allowed` says so; else answers why not.
  void withMessage(ChatSession& session, const ClientMessage& m,
                   std::function<bool(const store::Room&, const store::Message&)> allowed,
                   std::function<void(ChatSession&, const store::Message&)> change);
  void answerFailure(uint64_t sessionId, store::StoreStatus status, const std::string& ref);
  // The change to message `changedSeq` is durable: the requester gets
  // `event` with its ref, and the room the event without.
  void relay(uint64_t originSessionId, int64_t roomId, int64_t changedSeq, ServerMessage event, const std::string& ref);

  store::Store& store_;
  store::Bus& bus_;
  const ChatOptions& config_;
  Sessions& sessions_;
  RoomLookups& lookups_;
};

}  // namespace chatd::chat
