// RedisStore's message log: each call is one script of MessageScripts.h (one
// round trip, atomic on the server), whose rows are decoded here.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "store/redis/MessageScripts.h"
#include "store/redis/RedisDecode.h"
#include "store/redis/RedisStore.h"

namespace chatd::store {
namespace {

namespace scripts = message_scripts;

constexpr int kMaxPage = 1000;

// The row fields before the reactions (MessageScripts.h has their order).
constexpr size_t kRowFields = 11;

Message decodeMessage(const RedisReply& row, int64_t roomId) {
  Message m;
  const std::vector<RedisReply>& f = row.elements;
  if (row.kind != RedisReply::Kind::kArray || f.size() < kRowFields) return m;
  m.id = replyInt(f[0]);
  m.roomId = roomId;
  m.seq = replyInt(f[1]);
  m.senderId = replyInt(f[2]);
  m.kind = replyText(f[3]);
  m.content = replyText(f[4]);
  m.clientId = replyText(f[5]);
  m.createdAt = replyInt(f[6]);
  m.editedAt = replyInt(f[7]);
  m.deleted = replyInt(f[8]) != 0;
  m.senderUsername = replyText(f[9]);
  m.senderNickname = replyText(f[10]);
  for (size_t i = kRowFields; i + 1 < f.size(); i += 2) m.reactions.push_back({replyText(f[i]), replyInt(f[i + 1])});
  return m;
}

// kPage's arguments: the limit clamped as SQLite's.
std::vector<std::string> pageArgs(int64_t roomId, int64_t seq, int limit, const char* direction) {
  return {std::to_string(roomId), std::to_string(seq), std::to_string(std::clamp(limit, 1, kMaxPage)), direction};
}

// kPage's answer: the room's first seq, then the rows.
auto pageDecoder(int64_t roomId) {
  return [roomId](const std::vector<RedisReply>& rest) {
    MessagePage page;
    page.firstSeq = replyInt(rest[0]);
    page.messages.reserve(rest.size() - 1);
    for (size_t i = 1; i < rest.size(); ++i) page.messages.push_back(decodeMessage(rest[i], roomId));
    return page;
  };
}

}  // namespace

void RedisStore::appendMessage(int64_t roomId, int64_t senderId, std::string content, std::string clientId,
                               Callback<AppendResult> done) {
  run<AppendResult>(
      scripts::kAppend,
      {std::to_string(roomId), std::to_string(senderId), std::move(content), std::move(clientId),
       std::to_string(historyMax_), std::to_string(MessageLog::kMaxTrimmedAtOnce)},
      [roomId](const std::vector<RedisReply>& rest) {
        return AppendResult{rest.size() > 1 ? decodeMessage(rest[1], roomId) : Message{}, replyInt(rest[0]) != 0};
      },
      std::move(done));
}

void RedisStore::messagesAfter(int64_t roomId, int64_t afterSeq, int limit, Callback<MessagePage> done) {
  run<MessagePage>(scripts::kPage, pageArgs(roomId, afterSeq, limit, "after"), pageDecoder(roomId), std::move(done));
}

void RedisStore::messagesBefore(int64_t roomId, int64_t beforeSeq, int limit, Callback<MessagePage> done) {
  run<MessagePage>(scripts::kPage, pageArgs(roomId, beforeSeq, limit, "before"), pageDecoder(roomId),
                   std::move(done));
}

void RedisStore::markRead(int64_t roomId, int64_t userId, int64_t seq, Callback<int64_t> done) {
  run<int64_t>(
      scripts::kMarkRead, {std::to_string(roomId), std::to_string(userId), std::to_string(seq)},
      [](const std::vector<RedisReply>& rest) { return replyInt(rest[0]); }, std::move(done));
}

void RedisStore::findMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  run<Message>(
      scripts::kFind, {std::to_string(roomId), std::to_string(messageId)},
      [roomId](const std::vector<RedisReply>& rest) { return decodeMessage(rest[0], roomId); }, std::move(done));
}

void RedisStore::editMessage(int64_t roomId, int64_t messageId, std::string content, Callback<Message> done) {
  run<Message>(
      scripts::kEdit, {std::to_string(roomId), std::to_string(messageId), std::move(content)},
      [roomId](const std::vector<RedisReply>& rest) { return decodeMessage(rest[0], roomId); }, std::move(done));
}

void RedisStore::deleteMessage(int64_t roomId, int64_t messageId, Callback<Message> done) {
  run<Message>(
      scripts::kDelete, {std::to_string(roomId), std::to_string(messageId)},
      [roomId](const std::vector<RedisReply>& rest) { return decodeMessage(rest[0], roomId); }, std::move(done));
}

void RedisStore::toggleReaction(int64_t roomId, int64_t messageId, int64_t userId, std::string emoji,
                                uint32_t maxPerUser, Callback<ReactionChange> done) {
  run<ReactionChange>(
      scripts::kToggleReaction,
      {std::to_string(roomId), std::to_string(messageId), std::to_string(userId), std::move(emoji),
       std::to_string(maxPerUser)},
      [roomId](const std::vector<RedisReply>& rest) {
        ReactionChange change;
        if (rest.size() < 3) return change;
        change.message = decodeMessage(rest[0], roomId);
        change.added = replyInt(rest[1]) != 0;
        change.count = replyInt(rest[2]);
        return change;
      },
      std::move(done));
}

}  // namespace chatd::store
