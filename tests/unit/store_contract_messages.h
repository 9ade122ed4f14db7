// The fixture of the message log's contract tests (store_contract_log_test.cc,
// store_contract_changes_test.cc): a room "talk" owned by ann, and one-line
// helpers for each MessageLog call.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/store_contract.h"

namespace chatd::store {

// A message's reactions as (emoji, count) pairs, for comparing and printing.
using Counts = std::vector<std::pair<std::string, int64_t>>;

inline Counts counts(const Message& m) {
  Counts out;
  for (const ReactionCount& r : m.reactions) out.emplace_back(r.emoji, r.count);
  return out;
}

// In UTF-8 byte order: U+2764 (E2 ..) < U+1F389 (F0 9F 8E ..) < U+1F44D (F0 9F 91 ..).
constexpr const char* kHeart = "\u2764";
constexpr const char* kParty = "\U0001F389";
constexpr const char* kThumbsUp = "\U0001F44D";

constexpr uint32_t kMaxReactions = 1000;

template <typename Backend>
class StoreContractMessages : public StoreContract<Backend> {
 protected:
  void SetUp() override {
    StoreContract<Backend>::SetUp();
    room_ = this->create("talk", store::RoomKind::kPublic, this->ann_).id;
  }

  AppendResult append(int64_t room, int64_t sender, std::string content, std::string clientId = "",
                      StoreStatus expected = StoreStatus::kOk) {
    return this->template await<AppendResult>(
        [&](auto done) { this->store_->appendMessage(room, sender, content, clientId, nullptr, done); }, expected);
  }
  // Queues one append without running the loop; its answer lands in `results`.
  void queueAppend(int64_t room, int64_t sender, std::string content, std::vector<StoreStatus>& statuses,
                   std::vector<Message>& results, size_t expected) {
    this->store_->appendMessage(room, sender, std::move(content), "", nullptr, [&, expected](StoreStatus s, AppendResult r) {
      statuses.push_back(s);
      results.push_back(r.message);
      if (results.size() == expected) this->loop_.stop();
    });
  }
  // A page of seqs, through messagesAfter() or messagesBefore().
  std::vector<int64_t> after(int64_t seq, int limit, int64_t room = 0) { return seqs(pageAfter(seq, limit, room)); }
  std::vector<int64_t> before(int64_t seq, int limit, int64_t room = 0) { return seqs(pageBefore(seq, limit, room)); }
  static std::vector<int64_t> seqs(const std::vector<Message>& messages) {
    std::vector<int64_t> out;
    for (const Message& m : messages) out.push_back(m.seq);
    return out;
  }
  int64_t markRead(int64_t user, int64_t seq, StoreStatus expected = StoreStatus::kOk) {
    return this->template await<int64_t>([&](auto done) { this->store_->markRead(room_, user, seq, done); }, expected);
  }
  Room seenBy(int64_t user) {
    return this->template await<Room>([&](auto done) { this->store_->findRoom(room_, user, done); });
  }
  Message find(int64_t id, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return this->template await<Message>([&](auto done) { this->store_->findMessage(room ? room : room_, id, done); },
                                         expected);
  }
  Message edit(int64_t id, std::string content, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return this->template await<Message>(
        [&](auto done) { this->store_->editMessage(room ? room : room_, id, content, done); }, expected);
  }
  Message remove(int64_t id, StoreStatus expected = StoreStatus::kOk, int64_t room = 0) {
    return this->template await<Message>([&](auto done) { this->store_->deleteMessage(room ? room : room_, id, done); },
                                         expected);
  }
  ReactionChange react(int64_t id, int64_t user, std::string emoji, StoreStatus expected = StoreStatus::kOk,
                       int64_t room = 0) {
    return this->template await<ReactionChange>(
        [&](auto done) { this->store_->toggleReaction(room ? room : room_, id, user, emoji, kMaxReactions, done); },
        expected);
  }
  std::vector<Message> pageAfter(int64_t seq, int limit, int64_t room = 0) {
    return pageAfterOf(seq, limit, room).messages;
  }
  std::vector<Message> pageBefore(int64_t seq, int limit, int64_t room = 0) {
    return pageBeforeOf(seq, limit, room).messages;
  }
  // The whole answer: the messages and where the room starts.
  MessagePage pageAfterOf(int64_t seq, int limit, int64_t room = 0) {
    return this->template await<MessagePage>(
        [&](auto done) { this->store_->messagesAfter(room ? room : room_, seq, limit, done); });
  }
  MessagePage pageBeforeOf(int64_t seq, int limit, int64_t room = 0) {
    return this->template await<MessagePage>(
        [&](auto done) { this->store_->messagesBefore(room ? room : room_, seq, limit, done); });
  }

  int64_t room_ = 0;
};

}  // namespace chatd::store
