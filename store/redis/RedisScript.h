// One Lua script run atomically on the Redis server: the unit of a write
// decision that must hold across nodes (a message's seq, a join, a direct
// room's creation). The script's text is fixed at construction, preceded by
// a shared prelude (key names, the status codes, a user row), and its SHA-1
// is computed here, so a run is one EVALSHA round trip; a server that does
// not know the script yet (NOSCRIPT: a restart, SCRIPT FLUSH, a new shard)
// gets one EVAL, which also caches it there.
//
// Calling convention, for every script:
// - ARGV[1] is the key prefix (the prelude reads it as P); the script's own
//   arguments follow. No KEYS: a script reads keys named by what it reads.
// - It returns an array whose first element is a status (prelude: OK,
//   NOT_FOUND, CONFLICT, OVER_QUOTA, the StoreStatus values), then its result.
// Owns the script text and its digest.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/Store.h"
#include "store/redis/RedisConnection.h"

namespace chatd::store {

class RedisScript {
 public:
  // `body`: Lua run after the prelude.
  explicit RedisScript(std::string_view body);

  // The script's status and the rest of its answer (elements after the
  // status); kFailed when Redis did not answer or the script raised an error.
  using Answer = std::function<void(StoreStatus, std::vector<RedisReply>)>;
  // Runs with ARGV = prefix, args...
  void run(RedisConnection& redis, const std::string& prefix, std::vector<std::string> args, Answer answer) const;
  // The same with EVAL and the text, in one round trip whatever the server
  // knows: for a script that must run before anything queued after it (a
  // NOSCRIPT retry would go to the back of the line).
  void runText(RedisConnection& redis, const std::string& prefix, std::vector<std::string> args,
               Answer answer) const;

  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;  // lower-case hex, as EVALSHA wants it
};

}  // namespace chatd::store
