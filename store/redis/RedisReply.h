// One answer to a Redis command, in our own types so callers never see
// hiredis. `status` says whether the server answered at all; when it did,
// `kind` says what it answered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct redisReply;

namespace chatd::store {

enum class RedisStatus : uint8_t {
  kOk,            // the server answered (possibly with an error reply)
  kTimeout,       // no answer within the command timeout (or the server went silent)
  kDisconnected,  // the connection was lost or never made before an answer came
  kBacklogged,    // not sent: too much already waits for this server (RedisOptions)
};

struct RedisReply {
  enum class Kind : uint8_t { kNil, kStatus, kError, kInteger, kString, kArray };

  RedisStatus status = RedisStatus::kOk;
  Kind kind = Kind::kNil;
  std::string text;  // kStatus, kError, kString; why it failed when status != kOk
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // kArray

  bool ok() const { return status == RedisStatus::kOk && kind != Kind::kError; }
};

// hiredis's answer in our types (RedisReply.cc is the one place that reads hiredis replies).
RedisReply replyFromHiredis(const redisReply& from);
// No answer: `status` (not kOk) and why.
RedisReply failedReply(RedisStatus status, std::string reason);

}  // namespace chatd::store
