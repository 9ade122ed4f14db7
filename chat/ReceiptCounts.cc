#include "chat/ReceiptCounts.h"

#include <algorithm>
#include <unordered_map>

namespace chatd::chat {

namespace {

using store::StoreStatus;

// How many of `sorted` (ascending) are at least `seq`.
int64_t atLeast(const std::vector<int64_t>& sorted, int64_t seq) {
  return sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), seq);
}

}  // namespace

void countReceipts(std::vector<store::Message>& messages, const std::vector<store::Watermark>& marks) {
  std::vector<int64_t> received, read;
  std::unordered_map<int64_t, const store::Watermark*> byUser;
  received.reserve(marks.size());
  read.reserve(marks.size());
  for (const store::Watermark& mark : marks) {
    received.push_back(mark.receivedSeq);
    read.push_back(mark.readSeq);
    byUser.emplace(mark.userId, &mark);
  }
  std::sort(received.begin(), received.end());
  std::sort(read.begin(), read.end());
  for (store::Message& m : messages) {
    m.deliveredCount = atLeast(received, m.seq);
    m.readCount = atLeast(read, m.seq);
    // The sender's own marks are past their message (posting moves them): not counted.
    if (const auto sender = byUser.find(m.senderId); sender != byUser.end()) {
      m.deliveredCount -= sender->second->receivedSeq >= m.seq ? 1 : 0;
      m.readCount -= sender->second->readSeq >= m.seq ? 1 : 0;
    }
  }
}

store::Callback<store::MessagePage> withReceiptCounts(store::MessageLog& log, int64_t roomId,
                                                      store::Callback<store::MessagePage> done) {
  return [&log, roomId, done = std::move(done)](StoreStatus status, store::MessagePage page) {
    if (status != StoreStatus::kOk || page.messages.empty()) return done(status, std::move(page));
    const int64_t oldest = page.messages.front().seq;
    log.watermarks(roomId, oldest, [page = std::move(page), done](StoreStatus read,
                                                                 std::vector<store::Watermark> marks) mutable {
      if (read != StoreStatus::kOk) return done(read, store::MessagePage{});
      countReceipts(page.messages, marks);
      done(StoreStatus::kOk, std::move(page));
    });
  };
}

}  // namespace chatd::chat
