// A room's most recent messages as ready-to-send frames, for fast resume: a
// client that reconnects a few messages behind is served from memory, not
// from the store. Holds a contiguous run of seqs, bounded in count and bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "reactor/Block.h"

namespace chatd::chat {

class RecentMessages {
 public:
  static constexpr size_t kMaxMessages = 256;
  static constexpr size_t kMaxBytes = 256 * 1024;

  // Appends the frame of message `seq`. A seq that does not follow the last
  // one held starts the run afresh.
  void push(int64_t seq, reactor::BlockRef frame);
  // Whether every message from `seq` up to the newest is held.
  bool covers(int64_t seq) const { return !entries_.empty() && seq >= firstSeq() && seq <= lastSeq() + 1; }
  // The frame of message `seq`; covers(seq) and seq <= lastSeq() must hold.
  const reactor::BlockRef& frame(int64_t seq) const { return entries_[static_cast<size_t>(seq - firstSeq())].frame; }
  // Message `seq` changed (edit, delete, reaction): its frame and every older
  // one are dropped, so a resume past them reads the store's current state.
  void invalidateThrough(int64_t seq);

  int64_t firstSeq() const { return entries_.empty() ? 0 : entries_.front().seq; }
  int64_t lastSeq() const { return entries_.empty() ? 0 : entries_.back().seq; }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int64_t seq;
    reactor::BlockRef frame;
  };
  std::deque<Entry> entries_;
  size_t bytes_ = 0;
};

}  // namespace chatd::chat
