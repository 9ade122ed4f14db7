#include "chat/ChatSession.h"

#include "chat/LiveRoom.h"

#include "reactor/ObjectPool.h"

namespace chatd::chat {

// Part of the ~794 bytes an idle joined chat session costs (chat-idle in bench/RESULTS.md; docs/architecture.md).
static_assert(sizeof(ChatSession) <= 160, "ChatSession grew: the chat-idle figure grows with it");

namespace {

// One loop thread, so one pool for the process: sessions are long-lived and
// many; a pool keeps them dense and away from the handshake's short-lived
// allocations, which would fragment the heap around each one.
reactor::ObjectPool<sizeof(ChatSession), alignof(ChatSession)>& pool() {
  static reactor::ObjectPool<sizeof(ChatSession), alignof(ChatSession)> instance;
  return instance;
}

}  // namespace

void* ChatSession::operator new(size_t) { return pool().allocate(); }

void ChatSession::operator delete(void* session) { pool().release(session); }

RoomSubscription* ChatSession::subscription(int64_t roomId) {
  for (RoomSubscription& sub : rooms) {
    if (sub.room->id == roomId) return &sub;
  }
  return nullptr;
}

}  // namespace chatd::chat
