#include "store/redis/RedisDecode.h"

#include <charconv>

namespace chatd::store {

StoreStatus scriptStatus(const RedisReply& reply) {
  if (reply.kind != RedisReply::Kind::kArray || reply.elements.empty() ||
      reply.elements[0].kind != RedisReply::Kind::kInteger) {
    return StoreStatus::kFailed;
  }
  switch (reply.elements[0].integer) {
    case 0: return StoreStatus::kOk;
    case 1: return StoreStatus::kNotFound;
    case 2: return StoreStatus::kConflict;
    case 3: return StoreStatus::kOverQuota;
    default: return StoreStatus::kFailed;
  }
}

int64_t replyInt(const RedisReply& reply) {
  if (reply.kind == RedisReply::Kind::kInteger) return reply.integer;
  int64_t value = 0;
  if (reply.kind == RedisReply::Kind::kString) {
    std::from_chars(reply.text.data(), reply.text.data() + reply.text.size(), value);
  }
  return value;
}

std::string replyText(const RedisReply& reply) {
  const bool text = reply.kind == RedisReply::Kind::kString || reply.kind == RedisReply::Kind::kStatus;
  return text ? reply.text : std::string();
}

User decodeUser(const RedisReply& row) {
  User user;
  if (row.kind != RedisReply::Kind::kArray || row.elements.size() < 4) return user;
  user.id = replyInt(row.elements[0]);
  user.username = replyText(row.elements[1]);
  user.nickname = replyText(row.elements[2]);
  user.createdAt = replyInt(row.elements[3]);
  if (row.elements.size() >= 6) {
    user.state = static_cast<UserState>(replyInt(row.elements[4]));
    user.lastSeenAt = replyInt(row.elements[5]);
  }
  if (row.elements.size() >= 7) user.avatarFileId = replyText(row.elements[6]);
  return user;
}

}  // namespace chatd::store
