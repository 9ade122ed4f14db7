// Delivery status in history: how many members other than each message's
// sender received it and read it, counted from the room's watermarks
// (store::MessageLog::watermarks) with one store read per page and two
// binary searches per message.
//
// The bound: the read returns at most store::MessageLog::kMaxWatermarks
// members, those who received furthest, so a page costs the same in a room
// of ten thousand. Counts are exact while at most that many members received
// the page's oldest message; past it, a message's delivered_count stops at
// that bound (less the sender) and its read_count counts those members only.
#pragma once

#include <cstdint>
#include <vector>

#include "store/Store.h"

namespace chatd::chat {

// Fills in deliveredCount and readCount of `messages`, one room's, from its
// watermarks `marks` (in any order).
void countReceipts(std::vector<store::Message>& messages, const std::vector<store::Watermark>& marks);

// `done` with the page once its messages are counted (one watermarks read
// from `log`, which must outlive the call); a failed read fails the page.
store::Callback<store::MessagePage> withReceiptCounts(store::MessageLog& log, int64_t roomId,
                                                      store::Callback<store::MessagePage> done);

}  // namespace chatd::chat
