// What a congested chat session is owed once its output queue drains, kept
// by Backlogs apart from the session so that the many sessions that are
// never congested carry none of it:
//
// - requests whose answer can be large (history, join_room, each room of a
//   sync), waiting for room in the queue, in the order they came;
// - rooms whose change events (edit, delete, reaction) did not fit: the
//   range of message seqs that changed, which the session is told to fetch
//   again (`messages_changed`) rather than being sent every event.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

namespace chatd::chat {

class ChatSession;

struct SessionBacklog {
  // Runs a waiting request; it calls `done` once its answer is queued
  // (whether it succeeded or not), and the next one may go.
  using Request = std::function<void(ChatSession&, std::function<void()> done)>;

  // Changes to messages `fromSeq`..`toSeq` of a room went unsent.
  struct MissedChanges {
    int64_t roomId;
    int64_t fromSeq;
    int64_t toSeq;
  };

  std::deque<Request> requests;
  std::vector<MissedChanges> changes;  // one per room

  bool empty() const { return requests.empty() && changes.empty(); }
};

}  // namespace chatd::chat
