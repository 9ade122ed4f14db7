// countReceipts(): delivered and read counts from a room's watermarks, the
// sender's own marks left out.
#include "chat/ReceiptCounts.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace chatd::chat {
namespace {

std::vector<store::Message> messages(std::vector<std::pair<int64_t, int64_t>> seqAndSender) {
  std::vector<store::Message> out;
  for (const auto& [seq, sender] : seqAndSender) {
    store::Message m;
    m.seq = seq;
    m.senderId = sender;
    out.push_back(m);
  }
  return out;
}

std::vector<std::pair<int64_t, int64_t>> counts(const std::vector<store::Message>& page) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const store::Message& m : page) out.emplace_back(m.deliveredCount, m.readCount);
  return out;
}

TEST(ReceiptCounts, ADirectRoomCountsTheOtherMemberOnly) {
  std::vector<store::Message> page = messages({{1, 1}, {2, 1}, {3, 2}});
  // User 1 posted 1 and 2; user 2 received 2, read 1, and posted 3.
  countReceipts(page, {{1, 2, 2}, {2, 3, 3}});
  EXPECT_EQ(counts(page), (std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 1}, {0, 0}}));
  countReceipts(page, {{2, 3, 3}, {1, 2, 1}});
  EXPECT_EQ(counts(page), (std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 1}, {0, 0}}));
}

TEST(ReceiptCounts, AGroupOfFiveCountsEachMembersMarks) {
  std::vector<store::Message> page = messages({{10, 1}, {11, 1}, {12, 1}});
  countReceipts(page, {{1, 12, 12}, {2, 12, 10}, {3, 11, 11}, {4, 10, 0}, {5, 0, 0}});
  EXPECT_EQ(counts(page), (std::vector<std::pair<int64_t, int64_t>>{{3, 2}, {2, 1}, {1, 0}}));
}

TEST(ReceiptCounts, ASenderWhoLeftIsNotAmongTheMarks) {
  std::vector<store::Message> page = messages({{4, 9}});
  countReceipts(page, {{1, 4, 4}, {2, 4, 3}});
  EXPECT_EQ(counts(page), (std::vector<std::pair<int64_t, int64_t>>{{2, 1}}));
}

}  // namespace
}  // namespace chatd::chat
