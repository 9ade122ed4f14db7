// One answer to a Redis command, in our own types so callers never see
// hiredis. `status` says whether the server answered at all; when it did,
// `kind` says what it answered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chatd::store {

enum class RedisStatus : uint8_t {
  Ok,            // the server answered (possibly with an error reply)
  Timeout,       // no answer within the command timeout; the connection was dropped
  Disconnected,  // the connection was lost or never made before an answer came
};

struct RedisReply {
  enum class Kind : uint8_t { Nil, Status, Error, Integer, String, Array };

  RedisStatus status = RedisStatus::Ok;
  Kind kind = Kind::Nil;
  std::string text;  // Status, Error, String; why it failed when status != Ok
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // Array

  bool ok() const { return status == RedisStatus::Ok && kind != Kind::Error; }
};

}  // namespace chatd::store
