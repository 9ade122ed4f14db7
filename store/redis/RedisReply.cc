#include "store/redis/RedisReply.h"

#include <hiredis/hiredis.h>

#include <utility>

namespace chatd::store {

RedisReply replyFromHiredis(const redisReply& from) {
  RedisReply to;
  switch (from.type) {
    case REDIS_REPLY_STATUS:
      to.kind = RedisReply::Kind::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      to.kind = RedisReply::Kind::kError;
      break;
    case REDIS_REPLY_INTEGER:
      to.kind = RedisReply::Kind::kInteger;
      to.integer = from.integer;
      break;
    case REDIS_REPLY_STRING:
      to.kind = RedisReply::Kind::kString;
      break;
    case REDIS_REPLY_ARRAY:
      to.kind = RedisReply::Kind::kArray;
      to.elements.reserve(from.elements);
      for (size_t i = 0; i < from.elements; ++i) to.elements.push_back(replyFromHiredis(*from.element[i]));
      break;
    default:
      to.kind = RedisReply::Kind::kNil;
      break;
  }
  if (to.kind == RedisReply::Kind::kStatus || to.kind == RedisReply::Kind::kError ||
      to.kind == RedisReply::Kind::kString) {
    to.text.assign(from.str, from.len);
  }
  return to;
}

RedisReply failedReply(RedisStatus status, std::string reason) {
  RedisReply reply;
  reply.status = status;
  reply.text = std::move(reason);
  return reply;
}

}  // namespace chatd::store
