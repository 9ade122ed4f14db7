// PLACEHOLDER (replaced by the messages part): every call fails, later in the loop.
#include "store/redis/RedisStore.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace chatd::store {

void RedisStore::appendMessage(int64_t roomId, int64_t senderId, std::string content, std::string clientId, Callback<AppendResult> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, AppendResult{}); });
}

void RedisStore::messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<std::vector<Message>> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, std::vector<Message>{}); });
}

void RedisStore::messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<std::vector<Message>> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, std::vector<Message>{}); });
}

void RedisStore::markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, int64_t{}); });
}

void RedisStore::findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Message{}); });
}

void RedisStore::editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Message{}); });
}

void RedisStore::deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, Message{}); });
}

void RedisStore::toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji, uint32_t maxPerUser, Callback<ReactionChange> done) {
  loop_.runInLoop([done = std::move(done)] { done(StoreStatus::kFailed, ReactionChange{}); });
}

}  // namespace chatd::store
