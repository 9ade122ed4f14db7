#include "chat/ChatSession.h"

#include "chat/ChatFrames.h"
#include "chat/LiveRoom.h"
#include "chat/MessageCounts.h"
#include "reactor/ObjectPool.h"

namespace chatd::chat {

// Part of the ~794 bytes an idle joined chat session costs (chat-idle in bench/RESULTS.md; docs/architecture.md).
static_assert(sizeof(ChatSession) <= 192, "ChatSession grew: the chat-idle figure grows with it");

namespace {

// One loop thread, so one pool for the process: sessions are long-lived and
// many; a pool keeps them dense and away from the handshake's short-lived
// allocations, which would fragment the heap around each one.
reactor::ObjectPool<sizeof(ChatSession), alignof(ChatSession)>& pool() {
  static reactor::ObjectPool<sizeof(ChatSession), alignof(ChatSession)> instance;
  return instance;
}

}  // namespace

uint64_t ephemeralKey(EphemeralKind kind, int64_t roomId, int64_t userId) {
  // Ids past 2^31 may share a key with another; the cost is one conflated event.
  return (static_cast<uint64_t>(roomId) << 33) ^ (static_cast<uint64_t>(userId) << 2) ^ static_cast<uint64_t>(kind);
}

void* ChatSession::operator new(size_t) { return pool().allocate(); }

void ChatSession::operator delete(void* session) { pool().release(session); }

RoomSubscription* ChatSession::subscription(int64_t roomId) {
  for (RoomSubscription& sub : rooms) {
    if (sub.room->id == roomId) return &sub;
  }
  return nullptr;
}

void ChatSession::send(std::string_view json) {
  MessageCounts::process().countOut(json);
  ws.reply(proto::WsOpcode::kText,
           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

reactor::OutputQueue::PushResult ChatSession::sendShared(const reactor::BlockRef& frame) {
  const reactor::OutputQueue::PushResult result = ws.sendShared(frame);
  if (result != reactor::OutputQueue::PushResult::kRefused) MessageCounts::process().countOutFrame(frame);
  return result;
}

void ChatSession::sendError(std::string_view code, std::string_view message, std::string_view ref, int64_t roomId) {
  send(errorMessage(code, message, ref, roomId));
}

}  // namespace chatd::chat
